with

source as (

    select * from {{ source('raw', 'ref_obligations') }}

),

renamed as (

    select
        cast(unit_type as varchar) as unit_type,
        cast(indicator_code as varchar) as indicator_code,
        cast(frequency as varchar) as frequency

    from source

)

select * from renamed
