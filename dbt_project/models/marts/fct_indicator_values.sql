-- Rebuilt only for the periods a run's new files touch (macros/affected_periods.sql).
{{ config(**period_scoped_incremental()) }}

with

element_values as (

    select * from {{ ref('int_element_values') }}
    where {{ in_affected_periods('period_code') }}

),

derived_values as (

    select * from {{ ref('int_derived_values') }}
    where {{ in_affected_periods('period_code') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

-- The year-to-date window only feeds cumulative indicators; published element values cover
-- their own period.
element_rows as (

    select
        indicator_code,
        org_unit_code,
        period_code,
        org_unit_level,
        value,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        reported_value,
        months_expected,
        months_present,
        is_complete,
        source_submission_id
    from element_values
    where window_kind = 'period'

),

derived_rows as (

    select
        indicator_code,
        org_unit_code,
        period_code,
        org_unit_level,
        value,
        numerator,
        denominator,
        reported_value,
        months_expected,
        months_present,
        is_complete,
        source_submission_id
    from derived_values
    -- No denominator (population not yet reported, no catchment area) means no indicator: a
    -- blank row would read as a gap in reporting rather than an indicator that does not apply.
    -- A reported rate that cannot be recomputed is a finding (int_model_findings) instead.
    where value is not null

),

indicator_rows as (

    select * from element_rows
    union all
    select * from derived_rows

),

final as (

    select
        cast(indicator_rows.indicator_code as varchar) as indicator_code,
        cast(indicator_rows.org_unit_code as varchar) as org_unit_code,
        cast(indicator_rows.period_code as varchar) as period_code,
        cast(periods.period_type as varchar) as period_type,
        cast(indicator_rows.org_unit_level as varchar) as org_unit_level,
        cast(indicator_rows.value as double) as value,
        cast(indicator_rows.numerator as double) as numerator,
        cast(indicator_rows.denominator as double) as denominator,
        cast(indicator_rows.reported_value as double) as reported_value,
        cast(indicator_rows.months_expected as integer) as months_expected,
        cast(indicator_rows.months_present as integer) as months_present,
        cast(indicator_rows.is_complete as boolean) as is_complete,
        cast(indicator_rows.source_submission_id as bigint) as source_submission_id
    from indicator_rows
    inner join periods
        on indicator_rows.period_code = periods.period_code

)

select * from final
