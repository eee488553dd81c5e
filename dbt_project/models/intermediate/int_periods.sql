with

submissions as (

    select * from {{ ref('stg_raw__submissions') }}

),

submitted_values as (

    select * from {{ ref('stg_raw__submitted_values') }}

),

-- Quarantined files are left out: a typo such as "2205" must not add a calendar year.
period_codes as (

    select period_code from submissions where intake_status <> 'quarantined'
    union
    select period_code from submitted_values

),

years as (

    select distinct cast(left(period_code, 4) as integer) as period_year
    from period_codes
    where regexp_full_match(period_code, '[0-9]{4}([0-9]{2}|Q[1-4]|S[12]|N9)?')

),

month_periods as (

    select
        strftime(make_date(period_year, month_number, 1), '%Y%m') as period_code,
        'month' as period_type,
        period_year,
        make_date(period_year, month_number, 1) as start_date,
        last_day(make_date(period_year, month_number, 1)) as end_date,
        1 as months_in_period,
        format('Tháng {}/{}', month_number, period_year) as label_vi,
        strftime(make_date(period_year, month_number, 1), '%B %Y') as label_en
    from years
    cross join range(1, 13) as month_numbers (month_number)

),

quarter_periods as (

    select
        format('{}Q{}', period_year, quarter_number) as period_code,
        'quarter' as period_type,
        period_year,
        make_date(period_year, 3 * quarter_number - 2, 1) as start_date,
        last_day(make_date(period_year, 3 * quarter_number, 1)) as end_date,
        3 as months_in_period,
        format('Quý {}/{}', ['I', 'II', 'III', 'IV'][quarter_number], period_year) as label_vi,
        format('Q{} {}', quarter_number, period_year) as label_en
    from years
    cross join range(1, 5) as quarter_numbers (quarter_number)

),

half_year_periods as (

    select
        format('{}S{}', period_year, half_number) as period_code,
        'half_year' as period_type,
        period_year,
        make_date(period_year, 6 * half_number - 5, 1) as start_date,
        last_day(make_date(period_year, 6 * half_number, 1)) as end_date,
        6 as months_in_period,
        format(
            '6 tháng {} năm {}',
            case half_number when 1 then 'đầu' else 'cuối' end,
            period_year
        ) as label_vi,
        format('H{} {}', half_number, period_year) as label_en
    from years
    cross join range(1, 3) as half_numbers (half_number)

),

nine_month_periods as (

    select
        format('{}N9', period_year) as period_code,
        'nine_months' as period_type,
        period_year,
        make_date(period_year, 1, 1) as start_date,
        make_date(period_year, 9, 30) as end_date,
        9 as months_in_period,
        format('9 tháng năm {}', period_year) as label_vi,
        format('Jan–Sep {}', period_year) as label_en
    from years

),

year_periods as (

    select
        cast(period_year as varchar) as period_code,
        'year' as period_type,
        period_year,
        make_date(period_year, 1, 1) as start_date,
        make_date(period_year, 12, 31) as end_date,
        12 as months_in_period,
        format('Năm {}', period_year) as label_vi,
        format('Year {}', period_year) as label_en
    from years

),

final as (

    select * from month_periods
    union all
    select * from quarter_periods
    union all
    select * from half_year_periods
    union all
    select * from nine_month_periods
    union all
    select * from year_periods

)

select * from final
