with

source as (

    select * from {{ source('raw', 'ref_org_units') }}

),

renamed as (

    select
        cast(code as varchar) as org_unit_code,
        cast(name_vi as varchar) as name_vi,
        cast(unit_type as varchar) as unit_type,
        cast(catchment_area_code as varchar) as catchment_area_code,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to,
        cast(email as varchar) as email

    from source

)

select * from renamed
