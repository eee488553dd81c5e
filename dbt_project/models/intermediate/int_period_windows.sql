with

periods as (

    select * from {{ ref('int_periods') }}

),

period_windows as (

    select
        period_code,
        'period' as window_kind,
        start_date as window_start_date,
        end_date as window_end_date,
        months_in_period as months_in_window
    from periods

),

-- Cumulative coverage indicators (full immunisation) count from January up to the period's end,
-- whatever the period type.
year_to_date_windows as (

    select
        period_code,
        'year_to_date' as window_kind,
        make_date(period_year, 1, 1) as window_start_date,
        end_date as window_end_date,
        month(end_date) as months_in_window
    from periods

),

final as (

    select * from period_windows
    union all
    select * from year_to_date_windows

)

select * from final
