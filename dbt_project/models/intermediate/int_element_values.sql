with

unit_element_periods as (

    select * from {{ ref('int_unit_element_periods') }}

),

area_element_values as (

    select * from {{ ref('int_area_element_values') }}

),

org_units as (

    select * from {{ ref('int_org_units') }}

),

-- Areas get flows and stocks only as facility sums, and keep their own figures for the yearly
-- references (population, insured) that sources publish per area. A code missing from the
-- registry is kept as a facility so that the marts' relationship tests name it instead of the
-- value silently disappearing.
own_values as (

    select
        unit_element_periods.org_unit_code,
        coalesce(org_units.org_unit_level, 'facility') as org_unit_level,
        unit_element_periods.indicator_code,
        unit_element_periods.period_code,
        unit_element_periods.window_kind,
        unit_element_periods.value,
        unit_element_periods.reported_value,
        unit_element_periods.months_expected,
        unit_element_periods.months_present,
        unit_element_periods.is_complete,
        unit_element_periods.source_submission_id
    from unit_element_periods
    left join org_units
        on unit_element_periods.org_unit_code = org_units.org_unit_code
    where coalesce(org_units.org_unit_level, 'facility') = 'facility'
        or unit_element_periods.aggregation = 'yearly'

),

area_sums as (

    select
        org_unit_code,
        'area' as org_unit_level,
        indicator_code,
        period_code,
        window_kind,
        value,
        cast(null as double) as reported_value,
        months_expected,
        months_present,
        is_complete,
        cast(null as bigint) as source_submission_id
    from area_element_values

),

final as (

    select * from own_values
    union all
    select * from area_sums

)

select * from final
