-- Rebuilt only for the periods a run's new files touch (macros/affected_periods.sql).
{{ config(**period_scoped_incremental()) }}

with

comparable_values as (

    select * from {{ ref('int_comparable_element_values') }}
    where {{ in_affected_periods('period_code') }}

),

members as (

    select * from {{ ref('int_comparable_geography_members') }}

),

indicators as (

    select * from {{ ref('stg_raw__indicators') }}

),

org_units as (

    select * from {{ ref('int_org_units') }}

),

periods as (

    select * from {{ ref('int_periods') }}

),

-- Rates are recomputed from the summed parts with the same formula as every published rate.
derived_values as (

    {{ derive_indicator_values('indicators', 'comparable_values', 'org_units') }}

),

successors as (

    select
        geography_code,
        max(effective_date) as change_effective_date,
        string_agg(member_code, ', ' order by member_code) filter (
            where member_code <> geography_code
        ) as predecessor_codes
    from members
    where is_successor
    group by geography_code

),

indicator_rows as (

    select
        indicator_code,
        org_unit_code,
        org_unit_level,
        period_code,
        value,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        months_expected,
        months_present,
        is_complete
    from comparable_values
    where window_kind = 'period'

    union all

    select
        indicator_code,
        org_unit_code,
        org_unit_level,
        period_code,
        value,
        numerator,
        denominator,
        months_expected,
        months_present,
        is_complete
    from derived_values
    where value is not null

),

final as (

    select
        cast(indicator_rows.org_unit_code as varchar) as org_unit_code,
        cast(org_units.name_vi as varchar) as org_unit_name_vi,
        cast(indicator_rows.org_unit_level as varchar) as org_unit_level,
        cast(indicator_rows.indicator_code as varchar) as indicator_code,
        cast(indicator_rows.period_code as varchar) as period_code,
        cast(periods.period_type as varchar) as period_type,
        cast(indicator_rows.value as double) as value,
        cast(indicator_rows.numerator as double) as numerator,
        cast(indicator_rows.denominator as double) as denominator,
        cast(indicator_rows.months_expected as integer) as months_expected,
        cast(indicator_rows.months_present as integer) as months_present,
        cast(indicator_rows.is_complete as boolean) as is_complete,
        cast(successors.predecessor_codes as varchar) as predecessor_codes,
        cast(successors.change_effective_date as date) as change_effective_date,
        cast(
            case
                when periods.end_date < successors.change_effective_date then 'predecessors'
                when periods.start_date >= successors.change_effective_date then 'successor'
                else 'predecessors_and_successor'
            end as varchar
        ) as composition
    from indicator_rows
    inner join successors
        on indicator_rows.org_unit_code = successors.geography_code
    inner join periods
        on indicator_rows.period_code = periods.period_code
    inner join org_units
        on indicator_rows.org_unit_code = org_units.org_unit_code

)

select * from final
