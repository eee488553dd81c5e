-- Read by the data-quality rules between the two dbt phases, and by int_current_values after them.
{{ config(materialized='table', tags=['dq_inputs']) }}

with

screened_values as (

    select * from {{ ref('int_submitted_values_screened') }}

),

received_reports as (

    select * from {{ ref('int_dq_received_reports') }}

),

indicators as (

    select * from {{ ref('stg_raw__indicators') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

-- Values already held back at intake carry their own error finding; checking them again would
-- only repeat it.
winning_values as (

    select
        screened_values.*,
        received_reports.winning_file_name as file_name
    from screened_values
    inner join received_reports
        on screened_values.submission_id = received_reports.winning_submission_id
    where not screened_values.is_held

),

-- One value per unit, period and indicator: when two winning files both carry it (e.g. an area
-- named by two sources) the newest file counts, and a code repeated inside one file keeps its
-- first cell, so downstream sums never double count.
deduplicated as (

    select * from winning_values
    qualify row_number() over (
        partition by org_unit_code, period_code, indicator_code
        order by arrived_at desc, submission_id desc, sheet_name, cell_ref
    ) = 1

),

final as (

    select
        deduplicated.org_unit_code,
        deduplicated.period_code,
        deduplicated.indicator_code,
        deduplicated.value,
        deduplicated.submission_id,
        deduplicated.submitting_unit_code,
        deduplicated.file_name,
        deduplicated.sheet_name,
        deduplicated.cell_ref,
        periods.period_type,
        periods.start_date as period_start,
        periods.end_date as period_end,
        indicators.kind as indicator_kind,
        indicators.aggregation,
        indicators.min_value,
        indicators.max_value
    from deduplicated
    inner join indicators
        on deduplicated.indicator_code = indicators.indicator_code
    inner join periods
        on deduplicated.period_code = periods.period_code

)

select * from final
