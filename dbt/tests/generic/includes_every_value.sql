{#- The column holds every value of `field` in `to` (the reverse of relationships): rows of `to` missing here. -#}
{% test includes_every_value(model, column_name, to, field) %}

select {{ field }} as missing_value
from {{ to }}
where {{ field }} not in (select {{ column_name }} from {{ model }} where {{ column_name }} is not null)

{% endtest %}
