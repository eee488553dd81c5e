-- A table, not a view: each of its data tests would otherwise recompute it from the whole ledger
-- (at 60 provinces its tests took several times its own build). Rebuilt whole, not by period:
-- it compares a unit's periods with one another (months with the quarter or
-- 9-month report that covers them).
{{ config(materialized='table') }}

with

derived_values as (

    select * from {{ ref('int_derived_values') }}
    where reported_value is not null

),

unit_element_periods as (

    select * from {{ ref('int_unit_element_periods') }}
    where window_kind = 'period'
        and reported_value is not null

),

indicators as (

    select * from {{ ref('stg_raw__indicators') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

submitted_values as (

    select * from {{ ref('stg_raw__submitted_values') }}

),

-- A typed rate is checked against the rate its own parts give; within rounding of what the unit
-- typed (95.5 against 95.46) it agrees.
rate_findings as (

    select
        derived_values.source_submission_id as submission_id,
        derived_values.org_unit_code,
        derived_values.period_code,
        derived_values.indicator_code,
        'MODEL_REPORTED_RATE_MISMATCH' as rule_code,
        format(
            'Đơn vị báo cáo {} ({}) là {} nhưng tính lại từ số liệu gốc của kỳ được {} ({} / {} × {}); hệ thống công bố giá trị tính lại.',
            derived_values.indicator_code,
            indicators.name_vi,
            {{ number_text('derived_values.reported_value', 'vi') }},
            {{ number_text('derived_values.value', 'vi') }},
            {{ number_text('derived_values.numerator', 'vi') }},
            {{ number_text('derived_values.denominator', 'vi') }},
            {{ number_text('indicators.factor', 'vi') }}
        ) as message_vi,
        format(
            'The unit reported {} ({}) as {} but its inputs for the period give {} ({} / {} × {}); the recomputed value is published.',
            derived_values.indicator_code,
            indicators.name_en,
            {{ number_text('derived_values.reported_value', 'en') }},
            {{ number_text('derived_values.value', 'en') }},
            {{ number_text('derived_values.numerator', 'en') }},
            {{ number_text('derived_values.denominator', 'en') }},
            {{ number_text('indicators.factor', 'en') }}
        ) as message_en
    from derived_values
    inner join indicators
        on derived_values.indicator_code = indicators.indicator_code
    where derived_values.value is not null
        and abs(derived_values.reported_value - derived_values.value)
            > {{ rounding_tolerance('derived_values.reported_value') }}

),

unverified_rate_findings as (

    select
        derived_values.source_submission_id as submission_id,
        derived_values.org_unit_code,
        derived_values.period_code,
        derived_values.indicator_code,
        'MODEL_REPORTED_RATE_UNVERIFIED' as rule_code,
        format(
            'Đơn vị báo cáo {} ({}) là {} nhưng không có đủ số liệu gốc ({} và {} của đơn vị hoặc địa bàn phục vụ) để tính lại; giá trị này không được công bố.',
            derived_values.indicator_code,
            indicators.name_vi,
            {{ number_text('derived_values.reported_value', 'vi') }},
            indicators.numerator_code,
            indicators.denominator_code
        ) as message_vi,
        format(
            'The unit reported {} ({}) as {} but the inputs to recompute it ({} and {} of the unit or its catchment area) are missing; the figure is not published.',
            derived_values.indicator_code,
            indicators.name_en,
            {{ number_text('derived_values.reported_value', 'en') }},
            indicators.numerator_code,
            indicators.denominator_code
        ) as message_en
    from derived_values
    inner join indicators
        on derived_values.indicator_code = indicators.indicator_code
    where derived_values.value is null

),

-- A quarter total typed beside monthly reports must agree with them; value is the roll-up
-- whenever the unit reports shorter periods, so any difference is the unit's own.
period_total_findings as (

    select
        unit_element_periods.source_submission_id as submission_id,
        unit_element_periods.org_unit_code,
        unit_element_periods.period_code,
        unit_element_periods.indicator_code,
        'MODEL_PERIOD_TOTAL_MISMATCH' as rule_code,
        format(
            'Đơn vị báo cáo {} ({}) kỳ {} là {} nhưng tổng hợp từ báo cáo các kỳ ngắn hơn ({}/{} tháng) được {}; hệ thống công bố số tổng hợp.',
            unit_element_periods.indicator_code,
            indicators.name_vi,
            unit_element_periods.period_code,
            {{ number_text('unit_element_periods.reported_value', 'vi') }},
            unit_element_periods.months_present,
            unit_element_periods.months_expected,
            {{ number_text('unit_element_periods.value', 'vi') }}
        ) as message_vi,
        format(
            'The unit reported {} ({}) for {} as {} but its shorter-period reports ({} of {} months) give {}; the rolled-up figure is published.',
            unit_element_periods.indicator_code,
            indicators.name_en,
            unit_element_periods.period_code,
            {{ number_text('unit_element_periods.reported_value', 'en') }},
            unit_element_periods.months_present,
            unit_element_periods.months_expected,
            {{ number_text('unit_element_periods.value', 'en') }}
        ) as message_en
    from unit_element_periods
    inner join indicators
        on unit_element_periods.indicator_code = indicators.indicator_code
    where abs(unit_element_periods.reported_value - unit_element_periods.value)
        > {{ rounding_tolerance('unit_element_periods.reported_value') }}

),

-- A unit's own 6-month, 9-month or yearly report is published as its official figure; when all
-- its months for the span are present too and aggregate (sum of flows, closing stock) to another
-- figure, the unit is told both numbers.
cumulative_report_findings as (

    select
        unit_element_periods.source_submission_id as submission_id,
        unit_element_periods.org_unit_code,
        unit_element_periods.period_code,
        unit_element_periods.indicator_code,
        'MODEL_CUMULATIVE_REPORT_MISMATCH' as rule_code,
        format(
            'Đơn vị báo cáo {} ({}) kỳ {} là {} nhưng theo báo cáo các tháng của đơn vị ({}) là {}; hệ thống công bố số đơn vị báo cáo cho kỳ này ({}).',
            unit_element_periods.indicator_code,
            indicators.name_vi,
            unit_element_periods.period_code,
            {{ number_text('unit_element_periods.reported_value', 'vi') }},
            case unit_element_periods.aggregation when 'flow' then 'cộng các tháng' else 'số của tháng cuối kỳ' end,
            {{ number_text('unit_element_periods.rolled_up_value', 'vi') }},
            {{ number_text('unit_element_periods.reported_value', 'vi') }}
        ) as message_vi,
        format(
            'The unit reported {} ({}) for {} as {} but its monthly reports give {} ({}); the unit''s own figure ({}) is published for this period.',
            unit_element_periods.indicator_code,
            indicators.name_en,
            unit_element_periods.period_code,
            {{ number_text('unit_element_periods.reported_value', 'en') }},
            {{ number_text('unit_element_periods.rolled_up_value', 'en') }},
            case unit_element_periods.aggregation when 'flow' then 'their sum' else 'the closing month' end,
            {{ number_text('unit_element_periods.reported_value', 'en') }}
        ) as message_en
    from unit_element_periods
    inner join periods
        on unit_element_periods.period_code = periods.period_code
    inner join indicators
        on unit_element_periods.indicator_code = indicators.indicator_code
    where periods.period_type in ('half_year', 'nine_months', 'year')
        and unit_element_periods.aggregation in ('flow', 'stock')
        and unit_element_periods.rolled_up_value is not null
        and abs(unit_element_periods.reported_value - unit_element_periods.rolled_up_value)
            > {{ rounding_tolerance('unit_element_periods.reported_value') }}

),

findings as (

    select * from rate_findings
    union all
    select * from unverified_rate_findings
    union all
    select * from period_total_findings
    union all
    select * from cumulative_report_findings

),

-- The cell the unit typed the figure in, so the feedback can point at it (the first one, as
-- int_current_values keeps the first cell of a code repeated in a file). Warnings, not errors:
-- the published value is the warehouse's own computation either way, so nothing is held back.
final as (

    select
        findings.submission_id,
        findings.org_unit_code,
        findings.period_code,
        findings.indicator_code,
        findings.rule_code,
        'warning' as severity,
        findings.message_vi,
        findings.message_en,
        submitted_values.sheet_name,
        submitted_values.cell_ref
    from findings
    left join submitted_values
        on findings.submission_id = submitted_values.submission_id
        and findings.org_unit_code = submitted_values.org_unit_code
        and findings.period_code = submitted_values.period_code
        and findings.indicator_code = submitted_values.indicator_code
    qualify row_number() over (
        partition by findings.submission_id, findings.org_unit_code, findings.period_code,
            findings.indicator_code, findings.rule_code
        order by submitted_values.sheet_name, submitted_values.cell_ref
    ) = 1

)

select * from final
