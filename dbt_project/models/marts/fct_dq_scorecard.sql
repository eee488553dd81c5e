with

measures as (

    select * from {{ ref('int_dq_unit_period_measures') }}

),

org_units as (

    select * from {{ ref('int_org_units') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

-- A card needs at least one report that was due or came; a period whose reports are all still
-- ahead of their deadline has nothing to score yet.
scored as (

    select * from measures
    where reports_expected > 0

),

final as (

    select
        cast(scored.org_unit_code as varchar) as org_unit_code,
        cast(org_units.unit_type as varchar) as unit_type,
        cast(scored.period_code as varchar) as period_code,
        cast(periods.period_type as varchar) as period_type,
        cast(scored.reports_expected as integer) as reports_expected,
        cast(scored.reports_received as integer) as reports_received,
        cast(scored.reports_on_time as integer) as reports_on_time,
        cast(scored.reports_late as integer) as reports_late,
        cast(scored.reports_missing as integer) as reports_missing,
        cast(round(100.0 * scored.reports_received / scored.reports_expected, 1) as double) as completeness_pct,
        cast(round(100.0 * scored.reports_on_time / scored.reports_expected, 1) as double) as timeliness_pct,
        cast(scored.indicators_expected as integer) as indicators_expected,
        cast(scored.indicators_missing as integer) as indicators_missing,
        cast(round(
            100.0 * (scored.indicators_expected - scored.indicators_missing) / nullif(scored.indicators_expected, 0), 1
        ) as double) as value_completeness_pct,
        cast(scored.values_checked as integer) as values_checked,
        cast(scored.values_with_outliers as integer) as values_with_outliers,
        cast(round(100.0 * scored.values_with_outliers / nullif(scored.values_checked, 0), 1) as double) as outlier_pct,
        cast(scored.values_held as integer) as values_held,
        cast(scored.consistency_flags as integer) as consistency_flags,
        cast(scored.error_findings as integer) as error_findings,
        cast(scored.warning_findings as integer) as warning_findings,
        cast(scored.explained_findings as integer) as explained_findings
    from scored
    inner join org_units
        on scored.org_unit_code = org_units.org_unit_code
    inner join periods
        on scored.period_code = periods.period_code

)

select * from final
