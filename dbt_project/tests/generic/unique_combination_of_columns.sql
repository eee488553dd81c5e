{#
    Grain test for tables keyed by several columns (dbt's built-in `unique` takes one column and we
    install no packages). Fails with one row per duplicated key combination.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
