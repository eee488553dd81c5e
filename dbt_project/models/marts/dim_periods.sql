with

periods as (

    select * from {{ ref('int_periods') }}

),

final as (

    select
        cast(period_code as varchar) as period_code,
        cast(period_type as varchar) as period_type,
        cast(period_year as integer) as period_year,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(months_in_period as integer) as months_in_period,
        cast(label_vi as varchar) as label_vi,
        cast(label_en as varchar) as label_en
    from periods

)

select * from final
