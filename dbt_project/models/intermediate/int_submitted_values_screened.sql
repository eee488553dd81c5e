with

submitted_values as (

    select * from {{ ref('stg_raw__submitted_values') }}

),

submissions as (

    select * from {{ ref('stg_raw__submissions') }}

),

ingest_findings as (

    select * from {{ ref('stg_raw__ingest_findings') }}

),

value_errors as (

    select
        submission_id,
        indicator_code,
        sheet_name,
        cell_ref
    from ingest_findings
    where severity = 'error'
        and indicator_code is not null

),

-- An error that points at a cell holds back that cell only; one that names no cell holds back
-- the indicator on every row of the file. Matching on the cell matters for area-level files: an
-- error on one area's row must not withhold the other areas' population.
screened as (

    select
        submitted_values.submission_id,
        submissions.org_unit_code as submitting_unit_code,
        submissions.arrived_at,
        submitted_values.org_unit_code,
        submitted_values.period_code,
        submitted_values.indicator_code,
        submitted_values.value,
        submitted_values.sheet_name,
        submitted_values.cell_ref,
        exists (
            select 1
            from value_errors
            where value_errors.submission_id = submitted_values.submission_id
                and value_errors.indicator_code = submitted_values.indicator_code
                and (
                    value_errors.cell_ref is null
                    or (
                        value_errors.cell_ref = submitted_values.cell_ref
                        and value_errors.sheet_name is not distinct from submitted_values.sheet_name
                    )
                )
        ) as is_held
    from submitted_values
    inner join submissions
        on submitted_values.submission_id = submissions.submission_id

)

select * from screened
