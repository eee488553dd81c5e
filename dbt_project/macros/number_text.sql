{#
    A number for a finding's message, at most two decimals and no trailing zeros; Vietnamese
    messages use the decimal comma units type in their workbooks (95,56), English a point.
#}
{% macro number_text(expression, language) -%}
    {%- set text -%}
        regexp_replace(format('{:.2f}', cast({{ expression }} as double)), '\.?0+$', '')
    {%- endset -%}
    {%- if language == 'vi' -%}
        replace({{ text }}, '.', ',')
    {%- else -%}
        {{ text }}
    {%- endif -%}
{%- endmacro %}
