with

submission_statuses as (

    select * from {{ ref('int_submission_statuses') }}

),

final as (

    select
        cast(submission_id as bigint) as submission_id,
        cast(file_name as varchar) as file_name,
        cast(content_hash as varchar) as content_hash,
        cast(file_format as varchar) as file_format,
        cast(org_unit_code as varchar) as org_unit_code,
        cast(period_code as varchar) as period_code,
        cast(arrived_at as timestamp) as arrived_at,
        cast(ingested_at as timestamp) as ingested_at,
        cast(status as varchar) as status,
        cast(reason_vi as varchar) as reason_vi,
        cast(reason_en as varchar) as reason_en,
        cast(values_read as integer) as values_read,
        cast(values_rejected as integer) as values_rejected,
        cast(values_held as integer) as values_held,
        cast(error_findings as integer) as error_findings,
        cast(warning_findings as integer) as warning_findings,
        cast(superseded_by_submission_id as bigint) as superseded_by_submission_id,
        cast(duplicate_of_submission_id as bigint) as duplicate_of_submission_id
    from submission_statuses

)

select * from final
