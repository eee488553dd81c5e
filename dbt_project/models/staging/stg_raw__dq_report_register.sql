with

source as (

    select * from {{ source('raw', 'dq_report_register') }}

),

renamed as (

    select
        cast(org_unit_code as varchar) as org_unit_code,
        cast(unit_type as varchar) as unit_type,
        cast(period_code as varchar) as period_code,
        cast(frequency as varchar) as frequency,
        cast(period_end as date) as period_end,
        cast(regime_code as varchar) as regime_code,
        cast(due_date as date) as due_date,
        cast(first_arrived_at as timestamp) as first_arrived_at,
        cast(first_submission_id as bigint) as first_submission_id,
        cast(winning_submission_id as bigint) as winning_submission_id,
        cast(report_status as varchar) as report_status,
        cast(working_days_late as integer) as working_days_late,
        cast(indicators_expected as integer) as indicators_expected,
        cast(indicators_missing as integer) as indicators_missing,
        cast(evaluated_on as date) as evaluated_on

    from source

)

select * from renamed
