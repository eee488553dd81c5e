with recursive

org_units as (

    select * from {{ ref('stg_raw__org_units') }}

),

parent_links as (

    select * from {{ ref('stg_raw__parent_links') }}

),

lineage as (

    select * from {{ ref('stg_raw__org_unit_lineage') }}

),

-- The link in force today; a unit that has ended keeps the last parent it had, so that reports
-- can still say where a merged station used to sit.
current_parent as (

    select
        org_unit_code,
        parent_code as current_parent_code
    from parent_links
    qualify row_number() over (
        partition by org_unit_code
        order by (valid_from <= current_date) desc, valid_from desc
    ) = 1

),

-- A re-parent that keeps the unit's code is not a succession.
successor as (

    select
        predecessor_code as org_unit_code,
        successor_code
    from lineage
    where predecessor_code <> successor_code
    qualify row_number() over (
        partition by predecessor_code
        order by effective_date desc, successor_code
    ) = 1

),

-- The province a unit belongs to, up its latest parent links (a province is its own). Units move
-- between districts and communes of their province, never between provinces; a national instance
-- holds several, and every per-province figure, signature and digest is grouped by this column.
-- The same rule as Registry.province_of (orchestration/lib/registry.py).
latest_links as (

    select
        org_unit_code,
        parent_code
    from parent_links
    qualify row_number() over (partition by org_unit_code order by valid_from desc) = 1

),

walk (org_unit_code, at_code, hops) as (

    select
        org_unit_code,
        org_unit_code,
        0
    from org_units

    union all

    select
        walk.org_unit_code,
        latest_links.parent_code,
        walk.hops + 1
    from walk
    inner join latest_links
        on walk.at_code = latest_links.org_unit_code
    where walk.hops < 10

),

province as (

    select
        walk.org_unit_code,
        min(walk.at_code) as province_code
    from walk
    inner join org_units
        on walk.at_code = org_units.org_unit_code
    where org_units.unit_type = 'province'
    group by walk.org_unit_code

),

final as (

    select
        org_units.org_unit_code,
        org_units.name_vi,
        org_units.unit_type,
        case
            when org_units.unit_type in ('province', 'district', 'commune') then 'area'
            else 'facility'
        end as org_unit_level,
        org_units.catchment_area_code,
        current_parent.current_parent_code,
        successor.successor_code,
        org_units.valid_from,
        org_units.valid_to,
        org_units.email,
        province.province_code
    from org_units
    left join province
        on org_units.org_unit_code = province.org_unit_code
    left join current_parent
        on org_units.org_unit_code = current_parent.org_unit_code
    left join successor
        on org_units.org_unit_code = successor.org_unit_code

)

select * from final
