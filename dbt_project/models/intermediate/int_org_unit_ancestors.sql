-- Materialised as a table: the recursion runs once per build instead of once per reader
-- (area sums and their tests).
{{ config(materialized='table') }}

with recursive

periods as (

    select * from {{ ref('int_periods') }}

),

org_units as (

    select * from {{ ref('int_org_units') }}

),

parent_links as (

    select * from {{ ref('stg_raw__parent_links') }}

),

lineage as (

    select * from {{ ref('stg_raw__org_unit_lineage') }}

),

-- The hierarchy of a period is the one in force on its last day: a 2025 year row of a health
-- centre sits under QN (districts are gone by 2025-12-31), its March row under its district.
links_in_force as (

    select
        periods.period_code,
        parent_links.org_unit_code,
        parent_links.parent_code
    from periods
    inner join parent_links
        on parent_links.valid_from <= periods.end_date
        and (parent_links.valid_to is null or parent_links.valid_to >= periods.end_date)

),

-- A split spreads one unit over several successors and cannot carry its values whole, so only
-- one-to-one takeovers are followed; a re-parent that keeps the code is already in parent_links.
takeovers as (

    select
        predecessor_code,
        successor_code,
        effective_date
    from lineage
    where change_kind in ('merge', 'rename', 're-parent')
        and predecessor_code <> successor_code

),

-- A facility that closed before the period's end (a station merged on 2025-07-01) has no link on
-- that day; its months still belong to the period, so they follow the unit that took it over.
placements (period_code, org_unit_code, placed_as_code, hops) as (

    select
        periods.period_code,
        org_units.org_unit_code,
        org_units.org_unit_code,
        0
    from periods
    cross join org_units
    where org_units.org_unit_level = 'facility'

    union all

    select
        placements.period_code,
        placements.org_unit_code,
        takeovers.successor_code,
        placements.hops + 1
    from placements
    inner join periods
        on placements.period_code = periods.period_code
    inner join takeovers
        on placements.placed_as_code = takeovers.predecessor_code
        and takeovers.effective_date <= periods.end_date
    where placements.hops < 10
        and not exists (
            select 1
            from links_in_force
            where links_in_force.period_code = placements.period_code
                and links_in_force.org_unit_code = placements.placed_as_code
        )

),

resolved_placements as (

    select
        placements.period_code,
        placements.org_unit_code,
        placements.placed_as_code
    from placements
    where exists (
        select 1
        from links_in_force
        where links_in_force.period_code = placements.period_code
            and links_in_force.org_unit_code = placements.placed_as_code
    )
    qualify row_number() over (
        partition by placements.period_code, placements.org_unit_code
        order by placements.hops
    ) = 1

),

ancestors (period_code, org_unit_code, placed_as_code, ancestor_code, depth) as (

    select
        resolved_placements.period_code,
        resolved_placements.org_unit_code,
        resolved_placements.placed_as_code,
        links_in_force.parent_code,
        1
    from resolved_placements
    inner join links_in_force
        on resolved_placements.period_code = links_in_force.period_code
        and resolved_placements.placed_as_code = links_in_force.org_unit_code

    union all

    select
        ancestors.period_code,
        ancestors.org_unit_code,
        ancestors.placed_as_code,
        links_in_force.parent_code,
        ancestors.depth + 1
    from ancestors
    inner join links_in_force
        on ancestors.period_code = links_in_force.period_code
        and ancestors.ancestor_code = links_in_force.org_unit_code
    where ancestors.depth < 10

),

final as (

    select
        ancestors.period_code,
        ancestors.org_unit_code,
        ancestors.ancestor_code,
        ancestors.depth,
        ancestors.placed_as_code
    from ancestors
    inner join org_units
        on ancestors.ancestor_code = org_units.org_unit_code
    where org_units.org_unit_level = 'area'

)

select * from final
