{#
    Derived indicators recomputed from their parts: value = (numerator − subtracted part) /
    denominator × factor, null when the denominator is missing or zero. One definition serves the
    published units and areas (int_derived_values) and the comparable geographies
    (rpt_comparable_geography), so a rate means the same thing wherever it is shown.

    Arguments name relations (CTEs) of the calling model:
    - indicators: stg_raw__indicators columns;
    - element_values: org_unit_code, org_unit_level, indicator_code, period_code, window_kind,
      value, months_expected, months_present, is_complete (as int_element_values);
    - org_units: org_unit_code, catchment_area_code.
#}
{% macro derive_indicator_values(indicators, element_values, org_units) %}

    with

    -- A denominator that is a reference element (population) is published per area, so such
    -- indicators are "per population" and need an area to divide by.
    derived_indicators as (

        select
            derived.indicator_code,
            derived.numerator_code,
            derived.numerator_subtract_code,
            derived.denominator_code,
            derived.factor,
            coalesce(derived.numerator_window, 'period') as numerator_window,
            coalesce(denominator_element.kind = 'reference', false) as is_per_population
        from {{ indicators }} as derived
        left join {{ indicators }} as denominator_element
            on derived.denominator_code = denominator_element.indicator_code
        where derived.kind = 'derived'

    ),

    numerators as (

        select
            derived_indicators.*,
            numerator.org_unit_code,
            numerator.org_unit_level,
            numerator.period_code,
            numerator.value as numerator_value,
            numerator.months_expected,
            numerator.months_present,
            numerator.is_complete as numerator_is_complete
        from derived_indicators
        inner join {{ element_values }} as numerator
            on derived_indicators.numerator_code = numerator.indicator_code
            and derived_indicators.numerator_window = numerator.window_kind

    ),

    -- An area divides by its own population; a facility by its catchment area's, and has no
    -- per-population value when it serves no catchment (a provincial hospital).
    denominator_units as (

        select
            numerators.*,
            case
                when not numerators.is_per_population then numerators.org_unit_code
                when numerators.org_unit_level = 'area' then numerators.org_unit_code
                else units.catchment_area_code
            end as denominator_unit_code
        from numerators
        left join {{ org_units }} as units
            on numerators.org_unit_code = units.org_unit_code

    ),

    parts as (

        select
            denominator_units.*,
            subtracted.value as subtract_value,
            subtracted.is_complete as subtract_is_complete,
            denominator.value as denominator_value,
            denominator.is_complete as denominator_is_complete
        from denominator_units
        left join {{ element_values }} as subtracted
            on denominator_units.numerator_subtract_code = subtracted.indicator_code
            and denominator_units.org_unit_code = subtracted.org_unit_code
            and denominator_units.period_code = subtracted.period_code
            and denominator_units.numerator_window = subtracted.window_kind
        left join {{ element_values }} as denominator
            on denominator_units.denominator_code = denominator.indicator_code
            and denominator_units.denominator_unit_code = denominator.org_unit_code
            and denominator_units.period_code = denominator.period_code
            and denominator.window_kind = 'period'
        where denominator_units.denominator_unit_code is not null

    ),

    computed as (

        select
            indicator_code,
            org_unit_code,
            org_unit_level,
            period_code,
            case
                when numerator_subtract_code is null then numerator_value
                else numerator_value - subtract_value
            end as numerator,
            denominator_value as denominator,
            factor,
            months_expected,
            months_present,
            numerator_is_complete
                and coalesce(subtract_is_complete, numerator_subtract_code is null)
                and coalesce(denominator_is_complete, false) as is_complete
        from parts

    )

    -- A zero or missing denominator gives no rate rather than an error or infinity.
    select
        indicator_code,
        org_unit_code,
        org_unit_level,
        period_code,
        case
            when denominator is null or denominator = 0 then null
            else numerator / denominator * factor
        end as value,
        numerator,
        denominator,
        months_expected,
        months_present,
        is_complete
    from computed

{% endmacro %}
