{#
    Incremental builds by period. The pipeline passes the periods touched by newly arrived files
    as `--vars '{"periods": [...]}'` (orchestration/transform/period_vars.py widens a month to its
    quarter, half year, nine months, year and the later year-to-date windows). Period-keyed models
    then recompute only those periods and replace them with delete+insert on period_code; without
    the variable they are rebuilt from scratch, which is always correct, e.g. after an edit to the
    reference files.

    The pipeline itself names the periods in a table instead (var 'affected_periods_table', the same
    on every run, see orchestration/transform/dbt_command.py): a `--vars` value that changes from run
    to run makes dbt throw away its partial parse and reparse the whole project (about 9 s of CPU),
    more than an incremental build costs. With the table, a full rebuild is `dbt build --full-refresh`.
#}

{% macro affected_period_codes() %}
    {%- set codes = var('periods', none) -%}
    {%- if codes is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if codes is string or codes is mapping or codes is not iterable -%}
        {{ exceptions.raise_compiler_error("var 'periods' must be a list of period codes, got " ~ codes) }}
    {%- endif -%}
    {#- The codes are inlined into SQL, so only canonical period codes get through. -#}
    {%- for code in codes -%}
        {%- if code is not string or not modules.re.fullmatch(period_code_pattern(), code) -%}
            {{ exceptions.raise_compiler_error("var 'periods' holds '" ~ code ~ "', not a period code like 202503, 2025Q1, 2025S1, 2025N9 or 2025") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(codes) }}
{% endmacro %}


{% macro affected_periods_table() %}
    {%- set table = var('affected_periods_table', none) -%}
    {%- if table is not none and not modules.re.fullmatch('[a-z_]+[.][a-z_]+', table) -%}
        {{ exceptions.raise_compiler_error("var 'affected_periods_table' must be schema.table, got " ~ table) }}
    {%- endif -%}
    {{ return(table) }}
{% endmacro %}


{% macro period_scoped_incremental() %}
    {#- The one config of every period-keyed model. `full_refresh`: true forces a rebuild when no
        periods are passed, neither as a list nor as a table; none leaves it to --full-refresh. -#}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': 'period_code',
        'on_schema_change': 'fail',
        'full_refresh': true if affected_period_codes() is none and affected_periods_table() is none else none,
    }) }}
{% endmacro %}


{% macro in_affected_periods(column) %}
    {#- A unit test without an input for `this` has no table to be incremental on. -#}
    {%- if this is none or not is_incremental() -%}
        true
    {%- else -%}
        {{ affected_periods_condition(column) }}
    {%- endif -%}
{% endmacro %}


{% macro affected_periods_condition(column) %}
    {#- `column` is one of the periods this build recomputes; true when no periods are named. -#}
    {%- set codes = affected_period_codes() -%}
    {%- if codes is none and affected_periods_table() is not none -%}
        {{ column }} in (select period_code from {{ affected_periods_table() }})
    {%- elif codes is none -%}
        true
    {%- elif codes | length == 0 -%}
        false
    {%- else -%}
        {{ column }} in ({% for code in codes %}'{{ code }}'{{ ", " if not loop.last }}{% endfor %})
    {%- endif -%}
{% endmacro %}
