with

ingest_findings as (

    select * from {{ ref('stg_raw__ingest_findings') }}

),

submission_statuses as (

    select * from {{ ref('int_submission_statuses') }}

),

-- Findings have no key of their own; they are written once per file, so their position within
-- the file (sheet, cell, rule) is a stable identity.
numbered as (

    select
        ingest_findings.*,
        row_number() over (
            partition by ingest_findings.submission_id
            order by
                ingest_findings.sheet_name nulls first,
                ingest_findings.cell_ref nulls first,
                ingest_findings.rule_code,
                ingest_findings.indicator_code nulls first,
                ingest_findings.org_unit_code nulls first,
                ingest_findings.message_en
        ) as finding_number
    from ingest_findings

),

final as (

    select
        cast(format('{}-{}', numbered.submission_id, lpad(cast(numbered.finding_number as varchar), 4, '0')) as varchar) as finding_id,
        cast(numbered.submission_id as bigint) as submission_id,
        cast(coalesce(submission_statuses.file_name, numbered.file_name) as varchar) as file_name,
        cast(numbered.org_unit_code as varchar) as org_unit_code,
        cast(numbered.period_code as varchar) as period_code,
        cast(numbered.indicator_code as varchar) as indicator_code,
        cast(numbered.rule_code as varchar) as rule_code,
        cast(numbered.severity as varchar) as severity,
        cast(numbered.message_vi as varchar) as message_vi,
        cast(numbered.message_en as varchar) as message_en,
        cast(numbered.sheet_name as varchar) as sheet_name,
        cast(numbered.cell_ref as varchar) as cell_ref,
        cast(numbered.value_text as varchar) as value_text,
        cast(submission_statuses.status as varchar) as submission_status
    from numbered
    left join submission_statuses
        on numbered.submission_id = submission_statuses.submission_id

)

select * from final
