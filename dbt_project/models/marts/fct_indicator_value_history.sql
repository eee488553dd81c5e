with

submitted_values as (

    select * from {{ ref('stg_raw__submitted_values') }}

),

submissions as (

    select * from {{ ref('stg_raw__submissions') }}

),

submission_statuses as (

    select * from {{ ref('int_submission_statuses') }}

),

-- Each accepted file of a unit and period was the published one from its arrival until the next
-- file for that unit and period arrived; the last one still is. Arrival, not ingestion, orders
-- them because "the newest by arrival wins" is the rule every status is decided by.
publication_windows as (

    select
        submission_id,
        arrived_at as published_from,
        lead(arrived_at) over (
            partition by org_unit_code, period_code
            order by arrived_at, submission_id
        ) as published_until,
        lead(submission_id) over (
            partition by org_unit_code, period_code
            order by arrived_at, submission_id
        ) as replaced_by_submission_id
    from submissions
    where intake_status = 'accepted'

),

final as (

    select
        cast(submitted_values.submission_id as bigint) as submission_id,
        cast(submissions.file_name as varchar) as file_name,
        cast(submissions.org_unit_code as varchar) as submitting_unit_code,
        cast(submitted_values.org_unit_code as varchar) as org_unit_code,
        cast(submitted_values.period_code as varchar) as period_code,
        cast(submitted_values.indicator_code as varchar) as indicator_code,
        cast(submitted_values.value as double) as value,
        cast(submitted_values.value_text as varchar) as value_text,
        cast(submitted_values.sheet_name as varchar) as sheet_name,
        cast(submitted_values.cell_ref as varchar) as cell_ref,
        cast(submission_statuses.status as varchar) as submission_status,
        cast(submission_statuses.superseded_by_submission_id as bigint) as superseded_by_submission_id,
        cast(publication_windows.replaced_by_submission_id as bigint) as replaced_by_submission_id,
        cast(submissions.arrived_at as timestamp) as arrived_at,
        cast(submissions.ingested_at as timestamp) as ingested_at,
        cast(publication_windows.published_from as timestamp) as published_from,
        cast(publication_windows.published_until as timestamp) as published_until,
        cast(publication_windows.published_until is null as boolean) as is_current
    from submitted_values
    inner join submissions
        on submitted_values.submission_id = submissions.submission_id
    inner join submission_statuses
        on submitted_values.submission_id = submission_statuses.submission_id
    inner join publication_windows
        on submitted_values.submission_id = publication_windows.submission_id

)

select * from final
