-- Period-keyed like the marts it feeds: its tests and readers see a table, computed once per
-- build and, in an incremental build, only for the affected periods.
{{ config(**period_scoped_incremental()) }}

with

members as (

    select * from {{ ref('int_comparable_geography_members') }}

),

element_values as (

    select * from {{ ref('int_element_values') }}

),

indicators as (

    select * from {{ ref('stg_raw__indicators') }}

),

windows as (

    select * from {{ ref('int_period_windows') }}

),

org_units as (

    select * from {{ ref('int_org_units') }}

),

-- A predecessor's flows count in every period they cover. Its stock or population counts only in
-- windows that end while it exists: after the merge the successor holds the beds, records and
-- people, and counting the predecessor's last figure as well would count them twice.
member_values as (

    select
        members.geography_code,
        members.is_successor,
        element_values.indicator_code,
        element_values.period_code,
        element_values.window_kind,
        element_values.value,
        element_values.months_expected,
        element_values.months_present,
        element_values.is_complete
    from members
    inner join element_values
        on members.member_code = element_values.org_unit_code
    inner join indicators
        on element_values.indicator_code = indicators.indicator_code
    inner join windows
        on element_values.period_code = windows.period_code
        and element_values.window_kind = windows.window_kind
    inner join org_units as member_units
        on members.member_code = member_units.org_unit_code
    where indicators.aggregation = 'flow'
        or member_units.valid_to is null
        or member_units.valid_to >= windows.window_end_date

),

final as (

    select
        member_values.geography_code as org_unit_code,
        geographies.org_unit_level,
        member_values.is_successor,
        member_values.indicator_code,
        member_values.period_code,
        member_values.window_kind,
        sum(member_values.value) as value,
        cast(sum(member_values.months_expected) as integer) as months_expected,
        cast(sum(member_values.months_present) as integer) as months_present,
        bool_and(member_values.is_complete) as is_complete
    from member_values
    inner join org_units as geographies
        on member_values.geography_code = geographies.org_unit_code
    group by
        member_values.geography_code,
        geographies.org_unit_level,
        member_values.is_successor,
        member_values.indicator_code,
        member_values.period_code,
        member_values.window_kind

)

select * from final
where {{ in_affected_periods('period_code') }}
