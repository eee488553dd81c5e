with

source as (

    select * from {{ source('raw', 'ref_indicator_disaggregations') }}

),

renamed as (

    select
        cast(indicator_code as varchar) as indicator_code,
        cast(dimension_code as varchar) as dimension_code

    from source

)

select * from renamed
