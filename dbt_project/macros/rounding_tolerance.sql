{#
    Half a unit in the last decimal place a reported figure shows: 95.5 typed by a unit agrees
    with anything from 95.45 to 95.55, 1200 with 1199.5 to 1200.5. A figure carrying more than six
    decimals was computed, not typed, and is held to 0.0000005.
#}
{% macro rounding_tolerance(reported) -%}
    (0.5 / power(10, coalesce(
        list_min(list_filter(range(0, 7), lambda digits: round({{ reported }}, cast(digits as integer)) = {{ reported }})),
        6
    )))
{%- endmacro %}
