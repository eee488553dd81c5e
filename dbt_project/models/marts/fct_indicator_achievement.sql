-- Rebuilt only for the periods a run's new files touch (macros/affected_periods.sql).
{{ config(**period_scoped_incremental()) }}

with

indicator_values as (

    select * from {{ ref('fct_indicator_values') }}
    where {{ in_affected_periods('period_code') }}

),

periods as (

    select * from {{ ref('int_periods') }}
    where {{ in_affected_periods('period_code') }}

),

targets as (

    select * from {{ ref('stg_raw__indicator_targets') }}

),

benchmarks as (

    select * from {{ ref('stg_raw__national_benchmarks') }}

),

indicators as (

    select * from {{ ref('stg_raw__indicators') }}

),

org_units as (

    select * from {{ ref('int_org_units') }}

),

-- A yearly target holds for every period of its year in which the area exists at the period's
-- end (the hierarchy of a period is the one on its last day): Hạ Long's 2025 target is read
-- against January–June only. A target with no figure yet is reported as having no data.
targeted as (

    select
        targets.area_code as org_unit_code,
        targets.indicator_code,
        periods.period_code
    from targets
    inner join periods
        on targets.target_year = periods.period_year
    inner join org_units
        on targets.area_code = org_units.org_unit_code
    where org_units.valid_from <= periods.end_date
        and (org_units.valid_to is null or org_units.valid_to >= periods.end_date)

),

-- The national figure is set against every area and period that has a figure of its own; areas
-- without one (beds at commune level) would otherwise fill the table with "no data".
benchmarked as (

    select
        indicator_values.org_unit_code,
        indicator_values.indicator_code,
        indicator_values.period_code
    from indicator_values
    inner join periods
        on indicator_values.period_code = periods.period_code
    inner join benchmarks
        on indicator_values.indicator_code = benchmarks.indicator_code
        and periods.period_year = benchmarks.benchmark_year
    where indicator_values.org_unit_level = 'area'

),

comparisons as (

    select * from targeted
    union
    select * from benchmarked

),

compared as (

    select
        comparisons.org_unit_code,
        comparisons.indicator_code,
        comparisons.period_code,
        periods.period_type,
        periods.period_year,
        indicator_values.value as actual_value,
        coalesce(indicator_values.is_complete, false) as is_complete,
        targets.target_value,
        benchmarks.benchmark_value,
        coalesce(targets.direction, benchmarks.direction) as direction,
        targets.note_vi as target_note_vi,
        benchmarks.source_vi as benchmark_source_vi,
        case when targets.target_value is not null then 'target' else 'benchmark' end as compared_with,
        case when indicators.numerator_window = 'year_to_date' then 'year_to_date_share' else 'full_year' end
            as comparison_basis,
        -- A cumulative count over a yearly population (children fully immunised from January) is
        -- judged against the share of the year elapsed: March's year-to-date figure against a
        -- quarter of the yearly target. A ratio of a stock or a rate within the period keeps its
        -- meaning in any month and is judged against the yearly figure as it is.
        case when indicators.numerator_window = 'year_to_date' then month(periods.end_date) else 12 end
            as months_elapsed,
        coalesce(targets.target_value, benchmarks.benchmark_value) as yearly_reference_value
    from comparisons
    inner join periods
        on comparisons.period_code = periods.period_code
    inner join indicators
        on comparisons.indicator_code = indicators.indicator_code
    left join indicator_values
        on comparisons.org_unit_code = indicator_values.org_unit_code
        and comparisons.indicator_code = indicator_values.indicator_code
        and comparisons.period_code = indicator_values.period_code
    left join targets
        on comparisons.org_unit_code = targets.area_code
        and comparisons.indicator_code = targets.indicator_code
        and periods.period_year = targets.target_year
    left join benchmarks
        on comparisons.indicator_code = benchmarks.indicator_code
        and periods.period_year = benchmarks.benchmark_year

),

-- The area's own target decides the status; the national figure decides it only where the
-- province set no target, and is always shown beside it.
pro_rated as (

    select
        compared.*,
        yearly_reference_value * months_elapsed / 12 as comparison_value,
        benchmark_value * months_elapsed / 12 as comparison_benchmark_value
    from compared

),

verdicts as (

    select
        pro_rated.*,
        case
            when actual_value is null then 'khong_co_so_lieu'
            when direction = 'at_least' and actual_value >= comparison_value then 'dat'
            when direction = 'at_most' and actual_value <= comparison_value then 'dat'
            else 'chua_dat'
        end as achievement_status,
        case
            when actual_value is null or benchmark_value is null then null
            when direction = 'at_least' then actual_value >= comparison_benchmark_value
            else actual_value <= comparison_benchmark_value
        end as meets_benchmark
    from pro_rated

),

final as (

    select
        cast(statuses.org_unit_code as varchar) as org_unit_code,
        cast(org_units.name_vi as varchar) as org_unit_name_vi,
        cast(statuses.indicator_code as varchar) as indicator_code,
        cast(indicators.name_vi as varchar) as indicator_name_vi,
        cast(indicators.name_en as varchar) as indicator_name_en,
        cast(statuses.period_code as varchar) as period_code,
        cast(statuses.period_type as varchar) as period_type,
        cast(statuses.period_year as integer) as period_year,
        cast(statuses.actual_value as double) as actual_value,
        cast(statuses.is_complete as boolean) as is_complete,
        cast(statuses.target_value as double) as target_value,
        cast(statuses.benchmark_value as double) as benchmark_value,
        cast(statuses.direction as varchar) as direction,
        cast(statuses.compared_with as varchar) as compared_with,
        cast(statuses.comparison_basis as varchar) as comparison_basis,
        cast(statuses.comparison_value as double) as comparison_value,
        cast(statuses.achievement_status as varchar) as achievement_status,
        cast(
            case statuses.achievement_status
                when 'dat' then 'Đạt'
                when 'chua_dat' then 'Chưa đạt'
                else 'Không có số liệu'
            end as varchar
        ) as achievement_label_vi,
        cast(
            case statuses.achievement_status
                when 'dat' then 'Achieved'
                when 'chua_dat' then 'Not achieved'
                else 'No data'
            end as varchar
        ) as achievement_label_en,
        cast(statuses.meets_benchmark as boolean) as meets_benchmark,
        cast(statuses.target_note_vi as varchar) as target_note_vi,
        cast(statuses.benchmark_source_vi as varchar) as benchmark_source_vi
    from verdicts as statuses
    inner join org_units
        on statuses.org_unit_code = org_units.org_unit_code
    inner join indicators
        on statuses.indicator_code = indicators.indicator_code

)

select * from final
