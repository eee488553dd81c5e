-- A table, not a view: each of its data tests would otherwise recompute it from the whole ledger
-- (at 60 provinces its tests took several times its own build). Rebuilt whole, not by period:
-- a finding's status follows the unit's later files and notes.
{{ config(materialized='table') }}

with

findings as (

    select * from {{ ref('int_dq_findings') }}

),

submissions as (

    select * from {{ ref('stg_raw__submissions') }}
    where intake_status <> 'duplicate'

),

reasons as (

    select submission_id, sheet_name, cell_ref, note_text
    from {{ ref('stg_raw__submitted_notes') }}
    where note_text is not null and not not_applicable

),

-- Each finding on a file, with the file's unit, period and arrival.
located as (

    select
        findings.finding_id,
        findings.submission_id,
        findings.rule_code,
        findings.indicator_code,
        findings.severity,
        findings.sheet_name,
        findings.cell_ref,
        submissions.org_unit_code,
        submissions.period_code,
        submissions.arrived_at
    from findings
    inner join submissions
        on findings.submission_id = submissions.submission_id
    where submissions.org_unit_code is not null
        and submissions.period_code is not null

),

-- The unit's latest readable file for the period: the one whose findings stand.
latest as (

    select
        org_unit_code,
        period_code,
        arg_max(submission_id, arrived_at) as latest_submission_id,
        max(arrived_at) as latest_arrived_at
    from submissions
    where intake_status = 'accepted'
    group by org_unit_code, period_code

),

-- A warning on a figure of a resubmission (an earlier file for the same unit and period was
-- accepted) whose Ghi chú gives a reason: the unit was told, checked the figure and stands by it.
-- A first file's notes ("số liệu từ phần mềm HIS") answer no question yet, so they settle nothing.
explained as (

    select
        located.finding_id,
        reasons.note_text,
        located.arrived_at
    from located
    inner join reasons
        on located.submission_id = reasons.submission_id
        and located.sheet_name = reasons.sheet_name
        and located.cell_ref = reasons.cell_ref
    where located.severity = 'warning'
        and exists (
            select 1
            from submissions as earlier
            where earlier.org_unit_code = located.org_unit_code
                and earlier.period_code = located.period_code
                and earlier.intake_status = 'accepted'
                and earlier.arrived_at < located.arrived_at
        )

),

-- What the latest file still says, per rule and indicator.
standing as (

    select
        located.org_unit_code,
        located.period_code,
        located.rule_code,
        located.indicator_code,
        bool_and(explained.finding_id is not null) as all_explained,
        min(explained.note_text) as note_text,
        max(explained.arrived_at) as explained_at
    from located
    inner join latest
        on located.submission_id = latest.latest_submission_id
    left join explained
        on located.finding_id = explained.finding_id
    group by located.org_unit_code, located.period_code, located.rule_code, located.indicator_code

),

final as (

    select
        located.finding_id,
        case
            when explained.finding_id is not null then 'explained'
            when located.submission_id = latest.latest_submission_id or latest.latest_submission_id is null then 'open'
            when standing.rule_code is null then 'resolved'
            when standing.all_explained then 'explained'
            else 'open'
        end as status,
        case
            when explained.finding_id is not null then explained.note_text
            when located.submission_id <> latest.latest_submission_id and standing.all_explained
                then standing.note_text
        end as status_reason,
        case
            when explained.finding_id is not null then explained.arrived_at
            when located.submission_id = latest.latest_submission_id then null
            when standing.rule_code is null then latest.latest_arrived_at
            when standing.all_explained then standing.explained_at
        end as status_changed_at
    from located
    left join explained
        on located.finding_id = explained.finding_id
    left join latest
        on located.org_unit_code = latest.org_unit_code
        and located.period_code = latest.period_code
    left join standing
        on located.org_unit_code = standing.org_unit_code
        and located.period_code = standing.period_code
        and located.rule_code = standing.rule_code
        and located.indicator_code is not distinct from standing.indicator_code

)

select * from final
