with

indicators as (

    select * from {{ ref('stg_raw__indicators') }}

),

obligations as (

    select * from {{ ref('stg_raw__obligations') }}

),

frequencies as (

    select
        indicator_code,
        string_agg(distinct frequency, ', ' order by frequency) as reporting_frequencies
    from obligations
    group by indicator_code

),

final as (

    select
        cast(indicators.indicator_code as varchar) as indicator_code,
        cast(indicators.name_vi as varchar) as name_vi,
        cast(indicators.name_en as varchar) as name_en,
        cast(indicators.kind as varchar) as kind,
        cast(indicators.aggregation as varchar) as aggregation,
        cast(indicators.unit_of_measure_vi as varchar) as unit_of_measure_vi,
        cast(indicators.numerator_code as varchar) as numerator_code,
        cast(indicators.numerator_subtract_code as varchar) as numerator_subtract_code,
        cast(indicators.denominator_code as varchar) as denominator_code,
        cast(indicators.factor as double) as factor,
        cast(indicators.numerator_window as varchar) as numerator_window,
        cast(indicators.min_value as double) as min_value,
        cast(indicators.max_value as double) as max_value,
        cast(frequencies.reporting_frequencies as varchar) as reporting_frequencies
    from indicators
    left join frequencies
        on indicators.indicator_code = frequencies.indicator_code

)

select * from final
