-- A table, not a view: each of its data tests would otherwise recompute it from the whole ledger
-- (at 60 provinces its tests took several times its own build). Rebuilt whole, not by period:
-- it reads the report register, whose statuses change with the day.
{{ config(materialized='table') }}

with

register as (

    select * from {{ ref('stg_raw__dq_report_register') }}

),

values_under_check as (

    select * from {{ ref('int_dq_values_under_check') }}

),

findings as (

    select * from {{ ref('int_dq_findings') }}

),

finding_statuses as (

    select * from {{ ref('int_dq_finding_statuses') }}

),

submissions as (

    select * from {{ ref('stg_raw__submissions') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

-- A report counts towards every period that contains it: a month's report towards its month,
-- quarter, half year, nine months and year, so each level of the card adds up the same reports.
report_periods as (

    select
        register.*,
        card_periods.period_code as card_period_code
    from register
    inner join periods as report_period
        on register.period_code = report_period.period_code
    inner join periods as card_periods
        on report_period.start_date >= card_periods.start_date
        and report_period.end_date <= card_periods.end_date

),

report_measures as (

    select
        org_unit_code,
        card_period_code as period_code,
        count(*) filter (where report_status <> 'not_yet_due') as reports_expected,
        count(*) filter (where report_status in ('on_time', 'late')) as reports_received,
        count(*) filter (where report_status = 'on_time') as reports_on_time,
        count(*) filter (where report_status = 'late') as reports_late,
        count(*) filter (where report_status = 'missing') as reports_missing,
        coalesce(sum(indicators_expected) filter (where report_status in ('on_time', 'late')), 0) as indicators_expected,
        coalesce(sum(indicators_missing) filter (where report_status in ('on_time', 'late')), 0) as indicators_missing
    from report_periods
    group by org_unit_code, card_period_code

),

-- Findings count for the unit that must act on them: the sender of the file, or the unit named
-- when there is no file (a missing report, a year out of line).
attributed_findings as (

    select
        findings.*,
        coalesce(submissions.org_unit_code, findings.org_unit_code) as reporting_unit_code,
        coalesce(finding_statuses.status, 'open') as status
    from findings
    left join submissions
        on findings.submission_id = submissions.submission_id
    left join finding_statuses
        on findings.finding_id = finding_statuses.finding_id

),

flagged_values as (

    select
        org_unit_code,
        period_code,
        indicator_code,
        bool_or(rule_code in ('DQ_OUTLIER_EXTREME', 'DQ_OUTLIER_MODERATE')) as is_outlier,
        bool_or(severity = 'error') as is_held
    from findings
    where finding_source = 'rule'
        and indicator_code is not null
    group by org_unit_code, period_code, indicator_code

),

value_measures as (

    select
        values_under_check.submitting_unit_code as org_unit_code,
        card_periods.period_code,
        count(*) as values_checked,
        count(*) filter (where flagged_values.is_outlier) as values_with_outliers,
        count(*) filter (where flagged_values.is_held) as values_held
    from values_under_check
    left join flagged_values
        on values_under_check.org_unit_code = flagged_values.org_unit_code
        and values_under_check.period_code = flagged_values.period_code
        and values_under_check.indicator_code = flagged_values.indicator_code
    inner join periods as card_periods
        on values_under_check.period_start >= card_periods.start_date
        and values_under_check.period_end <= card_periods.end_date
    group by values_under_check.submitting_unit_code, card_periods.period_code

),

finding_measures as (

    select
        attributed_findings.reporting_unit_code as org_unit_code,
        card_periods.period_code,
        count(*) filter (where attributed_findings.severity = 'error') as error_findings,
        count(*) filter (where attributed_findings.severity = 'warning') as warning_findings,
        count(*) filter (where attributed_findings.status = 'explained') as explained_findings
    from attributed_findings
    inner join periods as finding_period
        on attributed_findings.period_code = finding_period.period_code
    inner join periods as card_periods
        on finding_period.start_date >= card_periods.start_date
        and finding_period.end_date <= card_periods.end_date
    group by attributed_findings.reporting_unit_code, card_periods.period_code

),

-- Consistency over time is judged per year; every card within the year shows that year's verdict.
consistency_measures as (

    select
        findings.org_unit_code,
        card_periods.period_code,
        count(*) as consistency_flags
    from findings
    inner join periods as card_periods
        on findings.period_code = cast(card_periods.period_year as varchar)
    where findings.rule_code = 'DQ_YEAR_INCONSISTENT'
    group by findings.org_unit_code, card_periods.period_code

),

final as (

    select
        report_measures.org_unit_code,
        report_measures.period_code,
        report_measures.reports_expected,
        report_measures.reports_received,
        report_measures.reports_on_time,
        report_measures.reports_late,
        report_measures.reports_missing,
        report_measures.indicators_expected,
        report_measures.indicators_missing,
        coalesce(value_measures.values_checked, 0) as values_checked,
        coalesce(value_measures.values_with_outliers, 0) as values_with_outliers,
        coalesce(value_measures.values_held, 0) as values_held,
        coalesce(consistency_measures.consistency_flags, 0) as consistency_flags,
        coalesce(finding_measures.error_findings, 0) as error_findings,
        coalesce(finding_measures.warning_findings, 0) as warning_findings,
        coalesce(finding_measures.explained_findings, 0) as explained_findings
    from report_measures
    left join value_measures
        on report_measures.org_unit_code = value_measures.org_unit_code
        and report_measures.period_code = value_measures.period_code
    left join consistency_measures
        on report_measures.org_unit_code = consistency_measures.org_unit_code
        and report_measures.period_code = consistency_measures.period_code
    left join finding_measures
        on report_measures.org_unit_code = finding_measures.org_unit_code
        and report_measures.period_code = finding_measures.period_code

)

select * from final
