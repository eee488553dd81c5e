with

options as (

    select * from {{ source('raw', 'ref_disaggregation_options') }}

),

renamed as (

    select
        cast(dimension_code as varchar) as dimension_code,
        cast(dimension_kind as varchar) as dimension_kind,
        cast(option_code as varchar) as option_code,
        cast(name_vi as varchar) as option_name_vi,
        cast(name_en as varchar) as option_name_en

    from options

)

select * from renamed
