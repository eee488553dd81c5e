with

source as (

    select * from {{ source('raw', 'submissions') }}

),

renamed as (

    select
        cast(submission_id as bigint) as submission_id,
        cast(content_hash as varchar) as content_hash,
        cast(file_name as varchar) as file_name,
        cast(inbox_path as varchar) as inbox_path,
        cast(archive_path as varchar) as archive_path,
        cast(file_format as varchar) as file_format,
        cast(file_size_bytes as bigint) as file_size_bytes,
        cast(arrived_at as timestamp) as arrived_at,
        cast(ingested_at as timestamp) as ingested_at,
        cast(run_id as varchar) as run_id,
        cast(intake_status as varchar) as intake_status,
        cast(duplicate_of_submission_id as bigint) as duplicate_of_submission_id,
        cast(org_unit_code as varchar) as org_unit_code,
        cast(period_code as varchar) as period_code,
        cast(period_text as varchar) as period_text,
        cast(declared_unit_name as varchar) as declared_unit_name,
        cast(declared_report_date as varchar) as declared_report_date,
        cast(preparer_name as varchar) as preparer_name,
        cast(table_sheet as varchar) as table_sheet,
        cast(reason_code as varchar) as reason_code,
        cast(reason_vi as varchar) as reason_vi,
        cast(reason_en as varchar) as reason_en,
        cast(values_read as integer) as values_read,
        cast(values_rejected as integer) as values_rejected

    from source

)

select * from renamed
