with

periods as (

    select * from {{ ref('int_periods') }}

),

windows as (

    select * from {{ ref('int_period_windows') }}

),

-- Months and quarters are the grains units report at; every longer span is built from them.
components as (

    select * from periods where period_type in ('month', 'quarter')

),

final as (

    select
        windows.period_code,
        windows.window_kind,
        components.period_code as component_period_code,
        components.period_type as component_period_type
    from windows
    inner join components
        on components.start_date >= windows.window_start_date
        and components.end_date <= windows.window_end_date

)

select * from final
