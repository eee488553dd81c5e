{#
    The pattern of a canonical period code (202503, 2025Q1, 2025S1, 2025N9, 2025). dbt cannot import
    Python, so the SQL side keeps this one copy of orchestration/lib/periods.py PERIOD_CODE_PATTERN;
    tests/lib/test_period_wording.py fails when the two differ.
#}

{% macro period_code_pattern() %}
    {{- return('^\\d{4}(?:\\d{2}|Q[1-4]|S[12]|N9)?$') -}}
{% endmacro %}
