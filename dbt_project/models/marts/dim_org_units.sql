with

org_units as (

    select * from {{ ref('int_org_units') }}

),

final as (

    select
        cast(org_units.org_unit_code as varchar) as org_unit_code,
        cast(org_units.name_vi as varchar) as name_vi,
        cast(org_units.unit_type as varchar) as unit_type,
        cast(org_units.org_unit_level as varchar) as org_unit_level,
        cast(org_units.catchment_area_code as varchar) as catchment_area_code,
        cast(org_units.current_parent_code as varchar) as current_parent_code,
        cast(parents.name_vi as varchar) as current_parent_name_vi,
        cast(org_units.successor_code as varchar) as successor_code,
        cast(org_units.valid_from as date) as valid_from,
        cast(org_units.valid_to as date) as valid_to,
        cast(org_units.email as varchar) as email,
        cast(org_units.province_code as varchar) as province_code
    from org_units
    left join org_units as parents
        on org_units.current_parent_code = parents.org_unit_code

)

select * from final
