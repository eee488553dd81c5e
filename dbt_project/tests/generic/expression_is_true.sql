{#
    Row-level invariant test (e.g. months_present <= months_expected); fails with every row where
    the expression is false. Null results count as passing so that optional columns can be tested.
#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
