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

-- A derived indicator is never aggregated itself: its behaviour over time is that of its parts
-- (beds per 10 000 for a quarter = closing beds over the year's population), so the catalogue
-- spells the parts' rules out instead of carrying a separate, possibly contradicting, column.
time_rules as (

    select
        indicators.indicator_code,
        numerator_element.aggregation as numerator_aggregation,
        denominator_element.aggregation as denominator_aggregation,
        case
            when indicators.kind <> 'derived' then null
            when indicators.numerator_subtract_code is null then indicators.numerator_code
            else format('({} − {})', indicators.numerator_code, indicators.numerator_subtract_code)
        end as numerator_text,
        case
            when indicators.numerator_window = 'year_to_date' then 'cộng từ tháng 1 đến cuối kỳ'
            when numerator_element.aggregation = 'flow' then 'cộng các tháng trong kỳ'
            when numerator_element.aggregation = 'stock' then 'số cuối kỳ'
            else 'số của năm'
        end as numerator_rule_vi,
        case
            when indicators.numerator_window = 'year_to_date' then 'summed from January to the period''s end'
            when numerator_element.aggregation = 'flow' then 'summed over the period''s months'
            when numerator_element.aggregation = 'stock' then 'value at the period''s end'
            else 'the year''s figure'
        end as numerator_rule_en,
        case denominator_element.aggregation
            when 'flow' then 'cộng các tháng trong kỳ'
            when 'stock' then 'số cuối kỳ'
            else 'số của năm, áp dụng cho mọi kỳ trong năm'
        end as denominator_rule_vi,
        case denominator_element.aggregation
            when 'flow' then 'summed over the period''s months'
            when 'stock' then 'value at the period''s end'
            else 'the year''s figure, applied to every period of the year'
        end as denominator_rule_en
    from indicators
    left join indicators as numerator_element
        on indicators.numerator_code = numerator_element.indicator_code
    left join indicators as denominator_element
        on indicators.denominator_code = denominator_element.indicator_code

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
        cast(
            case
                when indicators.kind = 'derived' then format(
                    '{} / {} × {}',
                    time_rules.numerator_text,
                    indicators.denominator_code,
                    {{ number_text('indicators.factor', 'en') }}
                )
            end as varchar
        ) as formula,
        cast(time_rules.numerator_aggregation as varchar) as numerator_aggregation,
        cast(time_rules.denominator_aggregation as varchar) as denominator_aggregation,
        cast(
            case indicators.kind
                when 'derived' then format(
                    'Tính lại ở mọi cấp từ tử số và mẫu số đã tổng hợp: tử số {} {}, mẫu số {} {}.',
                    time_rules.numerator_text,
                    time_rules.numerator_rule_vi,
                    indicators.denominator_code,
                    time_rules.denominator_rule_vi
                )
                else case indicators.aggregation
                    when 'flow' then 'Cộng các tháng trong kỳ và các cơ sở trên địa bàn.'
                    when 'stock' then 'Lấy số cuối kỳ (tháng cuối của kỳ), cộng các cơ sở trên địa bàn.'
                    else 'Số của năm theo địa bàn, áp dụng cho mọi kỳ trong năm.'
                end
            end as varchar
        ) as time_rule_vi,
        cast(
            case indicators.kind
                when 'derived' then format(
                    'Recomputed at every level from the summed parts: numerator {} {}, denominator {} {}.',
                    time_rules.numerator_text,
                    time_rules.numerator_rule_en,
                    indicators.denominator_code,
                    time_rules.denominator_rule_en
                )
                else case indicators.aggregation
                    when 'flow' then 'Summed over the period''s months and over the facilities of an area.'
                    when 'stock' then 'Value at the period''s end (its last month), summed over the facilities of an area.'
                    else 'The year''s figure per area, applied to every period of the year.'
                end
            end as varchar
        ) as time_rule_en,
        cast(indicators.min_value as double) as min_value,
        cast(indicators.max_value as double) as max_value,
        cast(frequencies.reporting_frequencies as varchar) as reporting_frequencies
    from indicators
    inner join time_rules
        on indicators.indicator_code = time_rules.indicator_code
    left join frequencies
        on indicators.indicator_code = frequencies.indicator_code

)

select * from final
