-- Materialised as a table (area sums, derived indicators and several tests read it), rebuilt
-- only for the periods a run's new files touch (macros/affected_periods.sql).
{{ config(**period_scoped_incremental()) }}

with

current_values as (

    select * from {{ ref('int_current_values') }}

),

indicators as (

    select * from {{ ref('stg_raw__indicators') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

windows as (

    select * from {{ ref('int_period_windows') }}
    where {{ in_affected_periods('period_code') }}

),

components as (

    select * from {{ ref('int_period_components') }}
    where {{ in_affected_periods('period_code') }}

),

org_units as (

    select * from {{ ref('int_org_units') }}

),

-- Derived indicators are recomputed from their parts at every level; a rate a unit typed is
-- compared with the recomputed one in int_derived_values.
reported_values as (

    select
        current_values.org_unit_code,
        current_values.indicator_code,
        current_values.value,
        current_values.submission_id,
        indicators.aggregation,
        periods.period_code,
        periods.period_type,
        periods.period_year,
        periods.start_date,
        periods.end_date,
        periods.months_in_period
    from current_values
    inner join indicators
        on current_values.indicator_code = indicators.indicator_code
    inner join periods
        on current_values.period_code = periods.period_code
    where indicators.kind <> 'derived'

),

-- Months when the unit reports the element monthly that year, quarters when it reports
-- quarterly (satisfaction surveys); mixing both would count the same months twice.
base_grains as (

    select
        org_unit_code,
        indicator_code,
        period_year,
        case when bool_or(period_type = 'month') then 'month' else 'quarter' end as base_period_type
    from reported_values
    where period_type in ('month', 'quarter')
    group by org_unit_code, indicator_code, period_year

),

base_values as (

    select reported_values.*
    from reported_values
    inner join base_grains
        on reported_values.org_unit_code = base_grains.org_unit_code
        and reported_values.indicator_code = base_grains.indicator_code
        and reported_values.period_year = base_grains.period_year
        and reported_values.period_type = base_grains.base_period_type
    where reported_values.aggregation in ('flow', 'stock')

),

-- A unit opened or closed inside a window owes only the months it existed: a station merged on
-- 2025-07-01 is complete for 2025 with January–June, and its closing month is June.
active_months as (

    select
        components.period_code,
        components.window_kind,
        org_units.org_unit_code,
        count(*) as months_active,
        max(periods.end_date) as last_active_month_end
    from components
    inner join periods
        on components.component_period_code = periods.period_code
    inner join org_units
        on periods.start_date >= org_units.valid_from
        and (org_units.valid_to is null or periods.end_date <= org_units.valid_to)
    where periods.period_type = 'month'
    group by components.period_code, components.window_kind, org_units.org_unit_code

),

-- Flows add up over the window; a stock is the closing value, so it takes the last month (or
-- quarter) present and is complete only when that is the window's own last month.
rolled_up as (

    select
        components.period_code,
        components.window_kind,
        base_values.org_unit_code,
        base_values.indicator_code,
        base_values.aggregation,
        case base_values.aggregation
            when 'flow' then sum(base_values.value)
            else arg_max(base_values.value, base_values.end_date)
        end as value,
        coalesce(active_months.months_active, windows.months_in_window) as months_expected,
        cast(sum(base_values.months_in_period) as integer) as months_present,
        case base_values.aggregation
            when 'flow' then sum(base_values.months_in_period)
                >= coalesce(active_months.months_active, windows.months_in_window)
            else max(base_values.end_date)
                >= coalesce(active_months.last_active_month_end, windows.window_end_date)
        end as is_complete,
        cast(null as bigint) as source_submission_id,
        1 as precedence
    from base_values
    inner join components
        on base_values.period_code = components.component_period_code
    inner join windows
        on components.period_code = windows.period_code
        and components.window_kind = windows.window_kind
    left join active_months
        on components.period_code = active_months.period_code
        and components.window_kind = active_months.window_kind
        and base_values.org_unit_code = active_months.org_unit_code
    group by
        components.period_code,
        components.window_kind,
        base_values.org_unit_code,
        base_values.indicator_code,
        base_values.aggregation,
        windows.months_in_window,
        windows.window_end_date,
        active_months.months_active,
        active_months.last_active_month_end

),

-- Population and insured counts are annual facts: the same figure holds for every month,
-- quarter and half of their year that ends while the area exists (an abolished district keeps
-- its figure for the first half of 2025 only, a new ward gets it from July).
yearly_applied as (

    select
        windows.period_code,
        windows.window_kind,
        reported_values.org_unit_code,
        reported_values.indicator_code,
        reported_values.aggregation,
        reported_values.value,
        windows.months_in_window as months_expected,
        windows.months_in_window as months_present,
        true as is_complete,
        reported_values.submission_id as source_submission_id,
        2 as precedence
    from reported_values
    inner join windows
        on windows.window_start_date >= reported_values.start_date
        and windows.window_end_date <= reported_values.end_date
    left join org_units
        on reported_values.org_unit_code = org_units.org_unit_code
    where reported_values.aggregation = 'yearly'
        and reported_values.period_type = 'year'
        and (org_units.valid_from is null or windows.window_end_date >= org_units.valid_from)
        and (org_units.valid_to is null or windows.window_end_date <= org_units.valid_to)

),

-- A value a unit reported for exactly this span. A unit's own cumulative report (6 months,
-- 9 months, year) of a flow or stock is its official figure for that span and is the value even
-- beside its months (README, "Cumulative reports"); area roll-ups then add the units' official
-- figures. A quarter total typed beside monthly reports is the value only when the unit reports
-- nothing shorter; otherwise the roll-up of its months is. The typed figure is kept as
-- reported_value either way, and int_model_findings compares it with the months.
exact_reports as (

    select
        windows.period_code,
        windows.window_kind,
        reported_values.org_unit_code,
        reported_values.indicator_code,
        reported_values.aggregation,
        reported_values.value,
        windows.months_in_window as months_expected,
        windows.months_in_window as months_present,
        true as is_complete,
        reported_values.submission_id as source_submission_id,
        case
            when reported_values.period_type in ('half_year', 'nine_months', 'year')
                and reported_values.aggregation in ('flow', 'stock') then 0
            else 3
        end as precedence
    from reported_values
    inner join windows
        on windows.window_start_date = reported_values.start_date
        and windows.window_end_date = reported_values.end_date

),

candidates as (

    select * from rolled_up
    union all
    select * from yearly_applied
    union all
    select * from exact_reports

),

chosen as (

    select *
    from candidates
    qualify row_number() over (
        partition by org_unit_code, indicator_code, period_code, window_kind
        order by precedence
    ) = 1

),

-- source_submission_id names the file behind reported_value, or the yearly figure applied.
final as (

    select
        chosen.org_unit_code,
        chosen.indicator_code,
        chosen.period_code,
        chosen.window_kind,
        chosen.aggregation,
        chosen.value,
        exact_reports.value as reported_value,
        case when rolled_up.is_complete then rolled_up.value end as rolled_up_value,
        chosen.months_expected,
        chosen.months_present,
        chosen.is_complete,
        coalesce(exact_reports.source_submission_id, chosen.source_submission_id) as source_submission_id
    from chosen
    left join exact_reports
        on chosen.org_unit_code = exact_reports.org_unit_code
        and chosen.indicator_code = exact_reports.indicator_code
        and chosen.period_code = exact_reports.period_code
        and chosen.window_kind = exact_reports.window_kind
    left join rolled_up
        on chosen.org_unit_code = rolled_up.org_unit_code
        and chosen.indicator_code = rolled_up.indicator_code
        and chosen.period_code = rolled_up.period_code
        and chosen.window_kind = rolled_up.window_kind

)

select * from final
