with

values_under_check as (

    select * from {{ ref('int_dq_values_under_check') }}

),

rule_findings as (

    select * from {{ ref('stg_raw__dq_rule_findings') }}

),

-- An error holds back exactly the values it is about: that unit, indicator and period.
held_values as (

    select distinct
        org_unit_code,
        period_code,
        indicator_code
    from rule_findings
    where severity = 'error'
        and indicator_code is not null

),

final as (

    select
        values_under_check.org_unit_code,
        values_under_check.period_code,
        values_under_check.indicator_code,
        values_under_check.value,
        values_under_check.submission_id,
        values_under_check.submitting_unit_code
    from values_under_check
    left join held_values
        on values_under_check.org_unit_code = held_values.org_unit_code
        and values_under_check.period_code = held_values.period_code
        and values_under_check.indicator_code = held_values.indicator_code
    where held_values.org_unit_code is null

)

select * from final
