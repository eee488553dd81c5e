-- Period-keyed like the marts it feeds: its tests and readers see a table, computed once per
-- build and, in an incremental build, only for the affected periods.
{{ config(**period_scoped_incremental()) }}

with

indicators as (

    select * from {{ ref('stg_raw__indicators') }}

),

element_values as (

    select * from {{ ref('int_element_values') }}

),

org_units as (

    select * from {{ ref('int_org_units') }}

),

current_values as (

    select * from {{ ref('int_current_values') }}

),

recomputed as (

    {{ derive_indicator_values('indicators', 'element_values', 'org_units') }}

),

-- A rate a unit typed into its workbook is never published as the rate: it is kept beside the
-- recomputed one so that a difference can be shown to the unit.
reported_rates as (

    select
        current_values.indicator_code,
        current_values.org_unit_code,
        current_values.period_code,
        current_values.value as reported_value,
        current_values.submission_id
    from current_values
    inner join indicators
        on current_values.indicator_code = indicators.indicator_code
    where indicators.kind = 'derived'

),

-- A reported rate whose parts are missing still gets a row (without a value), so that it can be
-- flagged as unverifiable instead of silently disappearing.
final as (

    select
        coalesce(recomputed.indicator_code, reported_rates.indicator_code) as indicator_code,
        coalesce(recomputed.org_unit_code, reported_rates.org_unit_code) as org_unit_code,
        coalesce(recomputed.org_unit_level, org_units.org_unit_level, 'facility') as org_unit_level,
        coalesce(recomputed.period_code, reported_rates.period_code) as period_code,
        recomputed.value,
        recomputed.numerator,
        recomputed.denominator,
        reported_rates.reported_value,
        recomputed.months_expected,
        recomputed.months_present,
        coalesce(recomputed.is_complete, false) as is_complete,
        reported_rates.submission_id as source_submission_id
    from recomputed
    full outer join reported_rates
        on recomputed.indicator_code = reported_rates.indicator_code
        and recomputed.org_unit_code = reported_rates.org_unit_code
        and recomputed.period_code = reported_rates.period_code
    left join org_units
        on reported_rates.org_unit_code = org_units.org_unit_code

)

select * from final
where {{ in_affected_periods('period_code') }}
