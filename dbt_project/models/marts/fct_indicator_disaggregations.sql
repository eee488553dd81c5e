with

current_disaggregations as (

    select * from {{ ref('int_current_disaggregations') }}

),

indicators as (

    select * from {{ ref('stg_raw__indicators') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

components as (

    select * from {{ ref('int_period_components') }}
    where window_kind = 'period'

),

org_units as (

    select * from {{ ref('int_org_units') }}

),

ancestors as (

    select * from {{ ref('int_org_unit_ancestors') }}

),

-- Splits follow their totals' rules (int_unit_element_periods, int_area_element_values): flows
-- add up over time and over facilities, a stock is the closing figure.
reported as (

    select
        current_disaggregations.*,
        indicators.aggregation,
        periods.period_type,
        periods.period_year,
        periods.end_date,
        periods.months_in_period
    from current_disaggregations
    inner join indicators
        on current_disaggregations.indicator_code = indicators.indicator_code
    inner join periods
        on current_disaggregations.period_code = periods.period_code
    where indicators.aggregation in ('flow', 'stock')

),

-- Months when the unit split the indicator monthly that year, else quarters: never both.
base_grains as (

    select
        org_unit_code,
        indicator_code,
        option_code,
        period_year,
        case when bool_or(period_type = 'month') then 'month' else 'quarter' end as base_period_type
    from reported
    where period_type in ('month', 'quarter')
    group by org_unit_code, indicator_code, option_code, period_year

),

base_values as (

    select reported.*
    from reported
    inner join base_grains
        on reported.org_unit_code = base_grains.org_unit_code
        and reported.indicator_code = base_grains.indicator_code
        and reported.option_code = base_grains.option_code
        and reported.period_year = base_grains.period_year
        and reported.period_type = base_grains.base_period_type

),

-- A period that is the unit's own month keeps the file it came from; longer spans are sums.
rolled_up as (

    select
        components.period_code,
        base_values.org_unit_code,
        base_values.indicator_code,
        base_values.dimension_code,
        base_values.option_code,
        case base_values.aggregation
            when 'flow' then sum(base_values.value)
            else arg_max(base_values.value, base_values.end_date)
        end as value,
        cast(sum(base_values.months_in_period) as integer) as months_present,
        case
            when bool_and(base_values.period_code = components.period_code)
                then max(base_values.submission_id)
        end as source_submission_id,
        1 as precedence
    from base_values
    inner join components
        on base_values.period_code = components.component_period_code
    group by
        components.period_code,
        base_values.org_unit_code,
        base_values.indicator_code,
        base_values.dimension_code,
        base_values.option_code,
        base_values.aggregation

),

-- A split the unit reported for exactly a longer span (a year alone) stands when it has none
-- shorter, as a total does.
exact_reports as (

    select
        period_code,
        org_unit_code,
        indicator_code,
        dimension_code,
        option_code,
        value,
        months_in_period as months_present,
        submission_id as source_submission_id,
        2 as precedence
    from reported

),

unit_values as (

    select * exclude (precedence)
    from (
        select * from rolled_up
        union all
        select * from exact_reports
    )
    qualify row_number() over (
        partition by org_unit_code, indicator_code, option_code, period_code
        order by precedence
    ) = 1

),

facility_values as (

    select
        unit_values.*,
        indicators.aggregation
    from unit_values
    inner join indicators
        on unit_values.indicator_code = indicators.indicator_code
    left join org_units
        on unit_values.org_unit_code = org_units.org_unit_code
    where coalesce(org_units.org_unit_level, 'facility') = 'facility'

),

-- A closed facility's months count in its successor's area, its closing stock does not.
area_sums as (

    select
        ancestors.ancestor_code as org_unit_code,
        facility_values.indicator_code,
        facility_values.period_code,
        facility_values.dimension_code,
        facility_values.option_code,
        sum(facility_values.value) as value,
        cast(sum(facility_values.months_present) as integer) as months_present
    from facility_values
    inner join ancestors
        on facility_values.period_code = ancestors.period_code
        and facility_values.org_unit_code = ancestors.org_unit_code
    where facility_values.aggregation = 'flow'
        or ancestors.placed_as_code = ancestors.org_unit_code
    group by
        ancestors.ancestor_code,
        facility_values.indicator_code,
        facility_values.period_code,
        facility_values.dimension_code,
        facility_values.option_code

),

all_rows as (

    select
        indicator_code, org_unit_code, period_code, 'facility' as org_unit_level, dimension_code,
        option_code, value, months_present, source_submission_id
    from facility_values
    union all
    select
        indicator_code, org_unit_code, period_code, 'area' as org_unit_level, dimension_code,
        option_code, value, months_present, cast(null as bigint) as source_submission_id
    from area_sums

),

final as (

    select
        cast(all_rows.indicator_code as varchar) as indicator_code,
        cast(all_rows.org_unit_code as varchar) as org_unit_code,
        cast(all_rows.period_code as varchar) as period_code,
        cast(periods.period_type as varchar) as period_type,
        cast(all_rows.org_unit_level as varchar) as org_unit_level,
        cast(all_rows.dimension_code as varchar) as dimension_code,
        cast(all_rows.option_code as varchar) as option_code,
        cast(all_rows.value as double) as value,
        cast(all_rows.months_present as integer) as months_present,
        cast(all_rows.source_submission_id as bigint) as source_submission_id
    from all_rows
    inner join periods
        on all_rows.period_code = periods.period_code

)

select * from final
