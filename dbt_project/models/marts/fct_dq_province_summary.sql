with

scorecard as (

    select * from {{ ref('fct_dq_scorecard') }}

),

org_units as (

    select * from {{ ref('int_org_units') }}

),

-- Rates are recomputed from the summed counts, never averaged over units: a station owing one
-- report must not weigh as much as a hospital owing many. Each province sums its own units only:
-- a national instance holds several provinces.
totals as (

    select
        org_units.province_code,
        scorecard.period_code,
        any_value(period_type) as period_type,
        count(*) as units_expected,
        count(*) filter (where reports_missing = 0) as units_complete,
        count(*) filter (where consistency_flags > 0) as units_with_consistency_flags,
        sum(reports_expected) as reports_expected,
        sum(reports_received) as reports_received,
        sum(reports_on_time) as reports_on_time,
        sum(reports_missing) as reports_missing,
        sum(indicators_expected) as indicators_expected,
        sum(indicators_missing) as indicators_missing,
        sum(values_checked) as values_checked,
        sum(values_with_outliers) as values_with_outliers,
        sum(values_held) as values_held,
        sum(consistency_flags) as consistency_flags,
        sum(error_findings) as error_findings,
        sum(warning_findings) as warning_findings
    from scorecard
    inner join org_units
        on scorecard.org_unit_code = org_units.org_unit_code
    group by org_units.province_code, scorecard.period_code

),

final as (

    select
        cast(totals.province_code as varchar) as org_unit_code,
        cast(totals.period_code as varchar) as period_code,
        cast(totals.period_type as varchar) as period_type,
        cast(totals.units_expected as integer) as units_expected,
        cast(totals.units_complete as integer) as units_complete,
        cast(totals.units_with_consistency_flags as integer) as units_with_consistency_flags,
        cast(totals.reports_expected as integer) as reports_expected,
        cast(totals.reports_received as integer) as reports_received,
        cast(totals.reports_on_time as integer) as reports_on_time,
        cast(totals.reports_missing as integer) as reports_missing,
        cast(round(100.0 * totals.reports_received / totals.reports_expected, 1) as double) as completeness_pct,
        cast(round(100.0 * totals.reports_on_time / totals.reports_expected, 1) as double) as timeliness_pct,
        cast(round(
            100.0 * (totals.indicators_expected - totals.indicators_missing) / nullif(totals.indicators_expected, 0), 1
        ) as double) as value_completeness_pct,
        cast(totals.values_checked as integer) as values_checked,
        cast(totals.values_with_outliers as integer) as values_with_outliers,
        cast(round(100.0 * totals.values_with_outliers / nullif(totals.values_checked, 0), 1) as double) as outlier_pct,
        cast(totals.values_held as integer) as values_held,
        cast(totals.consistency_flags as integer) as consistency_flags,
        cast(totals.error_findings as integer) as error_findings,
        cast(totals.warning_findings as integer) as warning_findings
    from totals

)

select * from final
