with recursive

lineage as (

    select * from {{ ref('stg_raw__org_unit_lineage') }}

),

org_units as (

    select * from {{ ref('int_org_units') }}

),

-- Only whole takeovers make a comparable series: a split shares one unit among successors in
-- proportions the registry does not know, and a re-parent keeps the unit's own code.
takeovers as (

    select
        predecessor_code,
        successor_code,
        effective_date
    from lineage
    where change_kind in ('merge', 'rename')
        and predecessor_code <> successor_code

),

-- A successor stands for itself and every unit it took over, directly or through a chain.
successor_members (geography_code, member_code, effective_date, depth) as (

    select distinct
        successor_code,
        successor_code,
        cast(null as date),
        0
    from takeovers

    union all

    select
        successor_members.geography_code,
        takeovers.predecessor_code,
        takeovers.effective_date,
        successor_members.depth + 1
    from successor_members
    inner join takeovers
        on successor_members.member_code = takeovers.successor_code
    where successor_members.depth < 10

),

-- A successor facility's per-population rates divide by its catchment area, so that area needs
-- a comparable series too, even when it did not change itself.
catchment_members as (

    select distinct
        org_units.catchment_area_code as geography_code,
        org_units.catchment_area_code as member_code,
        cast(null as date) as effective_date
    from successor_members
    inner join org_units
        on successor_members.geography_code = org_units.org_unit_code
    where org_units.catchment_area_code is not null
        and org_units.catchment_area_code not in (select geography_code from successor_members)

),

final as (

    select
        geography_code,
        member_code,
        effective_date,
        true as is_successor
    from successor_members

    union all

    select
        geography_code,
        member_code,
        effective_date,
        false as is_successor
    from catchment_members

)

select * from final
