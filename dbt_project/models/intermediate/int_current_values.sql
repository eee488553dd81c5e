with

screened_values as (

    select * from {{ ref('int_submitted_values_screened') }}

),

submission_statuses as (

    select * from {{ ref('int_submission_statuses') }}

),

published_values as (

    select screened_values.*
    from screened_values
    inner join submission_statuses
        on screened_values.submission_id = submission_statuses.submission_id
    where submission_statuses.status in ('published', 'held')
        and not screened_values.is_held

),

-- One value per unit, period and indicator: when two winning files both carry it (e.g. an area
-- named by two sources) the newest file counts, and a code repeated inside one file keeps its
-- first cell, so downstream sums never double count.
final as (

    select
        org_unit_code,
        period_code,
        indicator_code,
        value,
        submission_id,
        submitting_unit_code
    from published_values
    qualify row_number() over (
        partition by org_unit_code, period_code, indicator_code
        order by arrived_at desc, submission_id desc, sheet_name, cell_ref
    ) = 1

)

select * from final
