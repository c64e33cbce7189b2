{#- The column holds every value of `field` in `to` (the reverse of relationships): rows of `to` missing here.
    `unless_in` / `unless_where`: values of `field` in that relation (rows meeting the condition) may be missing,
    e.g. measures the extract's source cannot support (marts.measure_availability). -#}
{% test includes_every_value(model, column_name, to, field, unless_in=none, unless_where='true') %}

select {{ field }} as missing_value
from {{ to }}
where {{ field }} not in (select {{ column_name }} from {{ model }} where {{ column_name }} is not null)
{%- if unless_in is not none %}
    and {{ field }} not in (select {{ field }} from {{ unless_in }} where {{ unless_where }})
{%- endif %}

{% endtest %}
