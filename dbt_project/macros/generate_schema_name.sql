{#
    Override of dbt's default: use a model's custom schema verbatim (`staging`, `intermediate`,
    `marts`) instead of prefixing it with the target schema (`main_marts`). The marts schema name is
    part of the public contract that Great Expectations, the publisher and dashboards read, so it
    must not depend on which target dbt happened to run with.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
