with

disaggregations as (

    select * from {{ ref('stg_raw__submitted_disaggregations') }}

),

submissions as (

    select * from {{ ref('stg_raw__submissions') }}

),

received_reports as (

    select * from {{ ref('int_dq_received_reports') }}

),

ingest_findings as (

    select * from {{ ref('stg_raw__ingest_findings') }}

),

rule_findings as (

    select * from {{ ref('stg_raw__dq_rule_findings') }}

),

options as (

    select * from {{ ref('stg_raw__disaggregation_options') }}

),

carried as (

    select * from {{ ref('stg_raw__indicator_disaggregations') }}

),

-- A split goes with its total: a rule error that holds back the unit's total for the period
-- (int_current_values) holds back its split too, and so does an intake error naming the
-- indicator without a cell. Cells the intake refused were never loaded.
held_values as (

    select distinct org_unit_code, period_code, indicator_code
    from rule_findings
    where severity = 'error'
        and indicator_code is not null

),

indicator_errors as (

    select distinct submission_id, indicator_code
    from ingest_findings
    where severity = 'error'
        and indicator_code is not null
        and cell_ref is null

),

-- The unit's current file for the period, as for the totals (int_dq_values_under_check); a split
-- named twice (two files of the area, or two tables) counts once, newest file first.
winning as (

    select
        disaggregations.*,
        submissions.arrived_at
    from disaggregations
    inner join received_reports
        on disaggregations.submission_id = received_reports.winning_submission_id
    inner join submissions
        on disaggregations.submission_id = submissions.submission_id
    inner join carried
        on disaggregations.indicator_code = carried.indicator_code
        and disaggregations.dimension_code = carried.dimension_code
    left join held_values
        on disaggregations.org_unit_code = held_values.org_unit_code
        and disaggregations.period_code = held_values.period_code
        and disaggregations.indicator_code = held_values.indicator_code
    left join indicator_errors
        on disaggregations.submission_id = indicator_errors.submission_id
        and disaggregations.indicator_code = indicator_errors.indicator_code
    where held_values.org_unit_code is null
        and indicator_errors.submission_id is null

),

deduplicated as (

    select * from winning
    qualify row_number() over (
        partition by org_unit_code, period_code, indicator_code, option_code
        order by arrived_at desc, submission_id desc, sheet_name, cell_ref
    ) = 1

),

final as (

    select
        deduplicated.org_unit_code,
        deduplicated.period_code,
        deduplicated.indicator_code,
        deduplicated.dimension_code,
        options.dimension_kind,
        deduplicated.option_code,
        deduplicated.value,
        deduplicated.submission_id,
        deduplicated.sheet_name,
        deduplicated.cell_ref
    from deduplicated
    inner join options
        on deduplicated.option_code = options.option_code

)

select * from final
