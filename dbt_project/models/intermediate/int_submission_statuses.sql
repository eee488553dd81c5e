-- A table, not a view: each of its data tests would otherwise recompute it from the whole ledger
-- (at 60 provinces its tests took several times its own build). Rebuilt whole, not by period:
-- a file's status follows the unit's later files.
{{ config(materialized='table') }}

with

submissions as (

    select * from {{ ref('stg_raw__submissions') }}

),

received_reports as (

    select * from {{ ref('int_dq_received_reports') }}

),

findings as (

    select * from {{ ref('int_dq_findings') }}

),

-- Every accepted file of a unit and period points at the one that won (int_dq_received_reports).
winners as (

    select
        submissions.submission_id,
        received_reports.winning_submission_id
    from submissions
    inner join received_reports
        on submissions.org_unit_code = received_reports.org_unit_code
        and submissions.period_code = received_reports.period_code
    where submissions.intake_status = 'accepted'

),

-- A value is held back by an error about it, found at intake or by a data-quality rule; both kinds
-- name the indicator, so an indicator-level error is one value held.
finding_counts as (

    select
        submission_id,
        count(*) filter (where severity = 'error') as error_findings,
        count(*) filter (where severity = 'warning') as warning_findings,
        count(*) filter (
            where severity = 'error' and indicator_code is not null
        ) as values_held
    from findings
    where submission_id is not null
    group by submission_id

),

classified as (

    select
        submissions.*,
        winners.winning_submission_id,
        coalesce(finding_counts.error_findings, 0) as error_findings,
        coalesce(finding_counts.warning_findings, 0) as warning_findings,
        coalesce(finding_counts.values_held, 0) as values_held,
        case
            when submissions.intake_status = 'quarantined' then 'quarantined'
            when submissions.intake_status = 'duplicate' then 'duplicate'
            when submissions.intake_status = 'accepted'
                and winners.winning_submission_id <> submissions.submission_id
                then 'superseded'
            when submissions.intake_status = 'accepted'
                and coalesce(finding_counts.values_held, 0) > 0
                then 'held'
            when submissions.intake_status = 'accepted' then 'published'
        end as status
    from submissions
    left join winners
        on submissions.submission_id = winners.submission_id
    left join finding_counts
        on submissions.submission_id = finding_counts.submission_id

),

final as (

    select
        classified.submission_id,
        classified.file_name,
        classified.content_hash,
        classified.file_format,
        classified.org_unit_code,
        classified.period_code,
        classified.arrived_at,
        classified.ingested_at,
        classified.intake_status,
        classified.status,
        case
            when classified.status = 'superseded' then classified.winning_submission_id
        end as superseded_by_submission_id,
        classified.duplicate_of_submission_id,
        case classified.status
            when 'quarantined' then classified.reason_vi
            when 'duplicate' then coalesce(
                classified.reason_vi,
                format(
                    'Tệp trùng nội dung với tệp đã nhận trước đó (mã nộp {})',
                    classified.duplicate_of_submission_id
                )
            )
            when 'superseded' then format(
                'Đã được thay thế bởi tệp nộp lại "{}" (mã nộp {})',
                winner.file_name,
                winner.submission_id
            )
            when 'held' then format(
                '{} giá trị bị giữ lại do lỗi kiểm tra dữ liệu; các giá trị khác đã được công bố',
                classified.values_held
            )
        end as reason_vi,
        case classified.status
            when 'quarantined' then classified.reason_en
            when 'duplicate' then coalesce(
                classified.reason_en,
                format(
                    'Same content as an earlier file (submission {})',
                    classified.duplicate_of_submission_id
                )
            )
            when 'superseded' then format(
                'Replaced by the later resubmission "{}" (submission {})',
                winner.file_name,
                winner.submission_id
            )
            when 'held' then format(
                '{} value(s) held back by data-quality errors; the other values are published',
                classified.values_held
            )
        end as reason_en,
        classified.values_read,
        classified.values_rejected,
        classified.values_held,
        classified.error_findings,
        classified.warning_findings
    from classified
    left join submissions as winner
        on classified.winning_submission_id = winner.submission_id

)

select * from final
