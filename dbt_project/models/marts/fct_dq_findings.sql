with

findings as (

    select * from {{ ref('int_dq_findings') }}

),

finding_statuses as (

    select * from {{ ref('int_dq_finding_statuses') }}

),

submission_statuses as (

    select * from {{ ref('int_submission_statuses') }}

),

final as (

    select
        cast(findings.finding_id as varchar) as finding_id,
        cast(findings.finding_source as varchar) as finding_source,
        cast(findings.submission_id as bigint) as submission_id,
        cast(coalesce(submission_statuses.file_name, findings.file_name) as varchar) as file_name,
        cast(findings.org_unit_code as varchar) as org_unit_code,
        cast(findings.period_code as varchar) as period_code,
        cast(findings.indicator_code as varchar) as indicator_code,
        cast(findings.rule_code as varchar) as rule_code,
        cast(findings.severity as varchar) as severity,
        cast(findings.message_vi as varchar) as message_vi,
        cast(findings.message_en as varchar) as message_en,
        cast(findings.sheet_name as varchar) as sheet_name,
        cast(findings.cell_ref as varchar) as cell_ref,
        cast(findings.value_text as varchar) as value_text,
        cast(submission_statuses.status as varchar) as submission_status,
        cast(coalesce(finding_statuses.status, 'open') as varchar) as status,
        cast(finding_statuses.status_reason as varchar) as status_reason,
        cast(finding_statuses.status_changed_at as timestamp) as status_changed_at
    from findings
    left join submission_statuses
        on findings.submission_id = submission_statuses.submission_id
    left join finding_statuses
        on findings.finding_id = finding_statuses.finding_id

)

select * from final
