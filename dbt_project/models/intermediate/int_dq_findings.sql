with

ingest_findings as (

    select * from {{ ref('stg_raw__ingest_findings') }}

),

rule_findings as (

    select * from {{ ref('stg_raw__dq_rule_findings') }}

),

model_findings as (

    select * from {{ ref('int_model_findings') }}

),

-- Ingestion findings are written once per file, so their position within the file (sheet, cell,
-- rule) is a stable identity.
from_ingestion as (

    select
        format(
            '{}-{}',
            submission_id,
            lpad(cast(row_number() over (
                partition by submission_id
                order by
                    sheet_name nulls first,
                    cell_ref nulls first,
                    rule_code,
                    indicator_code nulls first,
                    org_unit_code nulls first,
                    message_en
            ) as varchar), 4, '0')
        ) as finding_id,
        'ingestion' as finding_source,
        submission_id,
        file_name,
        org_unit_code,
        period_code,
        indicator_code,
        rule_code,
        severity,
        message_vi,
        message_en,
        sheet_name,
        cell_ref,
        value_text
    from ingest_findings

),

-- Rule findings are re-evaluated every run; what they are about (rule, unit, period, indicator,
-- file, cell) is their identity, so the same verdict keeps the same id from run to run.
from_rules as (

    select
        'DQ-' || left(md5(concat_ws(
            '|',
            rule_code,
            org_unit_code,
            period_code,
            coalesce(indicator_code, ''),
            coalesce(cast(submission_id as varchar), ''),
            coalesce(cell_ref, '')
        )), 16) as finding_id,
        'rule' as finding_source,
        submission_id,
        file_name,
        org_unit_code,
        period_code,
        indicator_code,
        rule_code,
        severity,
        message_vi,
        message_en,
        sheet_name,
        cell_ref,
        value_text
    from rule_findings

),

-- Model findings are recomputed each build too; one per file, unit, period, indicator and rule.
from_model as (

    select
        'MODEL-' || left(md5(concat_ws(
            '|',
            rule_code,
            coalesce(cast(submission_id as varchar), ''),
            org_unit_code,
            period_code,
            indicator_code
        )), 16) as finding_id,
        'model' as finding_source,
        submission_id,
        cast(null as varchar) as file_name,
        org_unit_code,
        period_code,
        indicator_code,
        rule_code,
        severity,
        message_vi,
        message_en,
        sheet_name,
        cell_ref,
        cast(null as varchar) as value_text
    from model_findings

),

final as (

    select * from from_ingestion
    union all
    select * from from_rules
    union all
    select * from from_model

)

select * from final
