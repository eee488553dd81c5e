with

parent_links as (

    select * from {{ ref('stg_raw__parent_links') }}

),

org_units as (

    select * from {{ ref('int_org_units') }}

),

final as (

    select
        cast(parent_links.org_unit_code as varchar) as org_unit_code,
        cast(children.name_vi as varchar) as org_unit_name_vi,
        cast(parent_links.parent_code as varchar) as parent_code,
        cast(parents.name_vi as varchar) as parent_name_vi,
        cast(parent_links.valid_from as date) as valid_from,
        cast(parent_links.valid_to as date) as valid_to
    from parent_links
    left join org_units as children
        on parent_links.org_unit_code = children.org_unit_code
    left join org_units as parents
        on parent_links.parent_code = parents.org_unit_code

)

select * from final
