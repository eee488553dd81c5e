-- Read by the data-quality rules between the two dbt phases (orchestration/quality/rule_assets.py).
{{ config(tags=['dq_inputs']) }}

with

submissions as (

    select * from {{ ref('stg_raw__submissions') }}

),

-- Only readable files count as a report: a quarantined file holds no numbers, and a duplicate
-- repeats one already counted.
accepted as (

    select * from submissions
    where intake_status = 'accepted'

),

ranked as (

    select
        *,
        row_number() over (
            partition by org_unit_code, period_code
            order by arrived_at desc, submission_id desc
        ) as newest_first,
        row_number() over (
            partition by org_unit_code, period_code
            order by arrived_at, submission_id
        ) as oldest_first,
        count(*) over (partition by org_unit_code, period_code) as accepted_files
    from accepted

),

-- Newest arrival wins; the submission id breaks ties because it is the ledger order.
winners as (

    select * from ranked
    where newest_first = 1

),

-- Timeliness is judged on the first readable file: a later correction does not make a report late.
first_arrivals as (

    select * from ranked
    where oldest_first = 1

),

final as (

    select
        winners.org_unit_code,
        winners.period_code,
        winners.submission_id as winning_submission_id,
        winners.file_name as winning_file_name,
        winners.table_sheet as winning_table_sheet,
        first_arrivals.submission_id as first_submission_id,
        first_arrivals.file_name as first_file_name,
        first_arrivals.arrived_at as first_arrived_at,
        cast(winners.accepted_files as integer) as accepted_files
    from winners
    inner join first_arrivals
        on winners.org_unit_code = first_arrivals.org_unit_code
        and winners.period_code = first_arrivals.period_code

)

select * from final
