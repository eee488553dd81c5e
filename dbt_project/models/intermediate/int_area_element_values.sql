with

unit_element_periods as (

    select * from {{ ref('int_unit_element_periods') }}

),

org_units as (

    select * from {{ ref('int_org_units') }}

),

ancestors as (

    select * from {{ ref('int_org_unit_ancestors') }}

),

-- Only facilities' flows and stocks add up: population and insured counts are published per
-- area by their source and would be wrong as sums of facility figures.
facility_values as (

    select unit_element_periods.*
    from unit_element_periods
    inner join org_units
        on unit_element_periods.org_unit_code = org_units.org_unit_code
    where org_units.org_unit_level = 'facility'
        and unit_element_periods.aggregation in ('flow', 'stock')

),

final as (

    select
        ancestors.ancestor_code as org_unit_code,
        facility_values.indicator_code,
        facility_values.period_code,
        facility_values.window_kind,
        facility_values.aggregation,
        sum(facility_values.value) as value,
        cast(sum(facility_values.months_expected) as integer) as months_expected,
        cast(sum(facility_values.months_present) as integer) as months_present,
        bool_and(facility_values.is_complete) as is_complete
    from facility_values
    inner join ancestors
        on facility_values.period_code = ancestors.period_code
        and facility_values.org_unit_code = ancestors.org_unit_code
    -- A closed facility's months still count in its successor's area, but its closing stock
    -- (beds, staff, records) has passed to the successor and would be counted twice.
    where facility_values.aggregation = 'flow'
        or ancestors.placed_as_code = ancestors.org_unit_code
    group by
        ancestors.ancestor_code,
        facility_values.indicator_code,
        facility_values.period_code,
        facility_values.window_kind,
        facility_values.aggregation

)

select * from final
