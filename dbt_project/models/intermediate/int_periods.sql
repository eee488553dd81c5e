with

submissions as (

    select * from {{ ref('stg_raw__submissions') }}

),

submitted_values as (

    select * from {{ ref('stg_raw__submitted_values') }}

),

-- The one wording of every period, which the Python messages, templates and demo read too.
period_labels as (

    select * from {{ ref('stg_raw__period_labels') }}

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
    where regexp_full_match(period_code, '{{ period_code_pattern() }}')

),

month_periods as (

    select
        strftime(make_date(period_year, month_number, 1), '%Y%m') as period_code,
        'month' as period_type,
        period_year,
        make_date(period_year, month_number, 1) as start_date,
        last_day(make_date(period_year, month_number, 1)) as end_date,
        1 as months_in_period,
        month_number as number_in_year
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
        quarter_number as number_in_year
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
        half_number as number_in_year
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
        1 as number_in_year
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
        1 as number_in_year
    from years

),

all_periods as (

    select * from month_periods
    union all
    select * from quarter_periods
    union all
    select * from half_year_periods
    union all
    select * from nine_month_periods
    union all
    select * from year_periods

),

final as (

    select
        all_periods.period_code,
        all_periods.period_type,
        all_periods.period_year,
        all_periods.start_date,
        all_periods.end_date,
        all_periods.months_in_period,
        replace(period_labels.label_vi_template, '{year}', cast(all_periods.period_year as varchar)) as label_vi,
        replace(period_labels.label_en_template, '{year}', cast(all_periods.period_year as varchar)) as label_en
    from all_periods
    -- A left join: a period without a label fails int_periods' not_null tests rather than vanishing.
    left join period_labels
        on all_periods.period_type = period_labels.period_type
        and all_periods.number_in_year = period_labels.number_in_year

)

select * from final
