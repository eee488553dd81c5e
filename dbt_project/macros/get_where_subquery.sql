{#
    The rows a data test reads. dbt's own macro of this name applies a test's `where` config; this
    one, in the root project, takes its place (dbt prefers a root project's macro over its global
    one) and adds the periods an incremental build recomputed when the tested model is period-keyed
    (period_scoped_incremental): the periods the build left alone were tested when they were built
    and have not changed since, so testing them again is time spent for the same verdict. A full
    rebuild (--full-refresh, or no periods named) tests every row. Whole-table properties a slice
    cannot show (a key unique across periods) are the integrity checks' to hold
    (orchestration/quality/checks.py), which validate the published marts on every run.
#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- if config.get('where') -%}
        {%- do conditions.append(config.get('where')) -%}
    {%- endif -%}
    {%- if execute and not flags.FULL_REFRESH and is_period_keyed(relation) -%}
        {%- do conditions.append(affected_periods_condition('period_code')) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{% macro is_period_keyed(relation) %}
    {#- Whether `relation` is built by a model configured with period_scoped_incremental(); only
        known when running (`execute`): the graph is empty while dbt parses. -#}
    {%- if relation is not string and relation.identifier is defined -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'model'
                and node.alias | lower == relation.identifier | lower
                and node.schema | lower == relation.schema | lower -%}
            {%- if node.config.materialized == 'incremental' and node.config.unique_key == 'period_code' -%}
                {{ return(true) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(false) }}
{% endmacro %}
