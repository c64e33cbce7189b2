{#- The column holds every value of `field` in `to` (the reverse of relationships): rows of `to` missing here.
    `available_in`: a model with (measure, available) - values its source cannot support are not expected. -#}
{% test includes_every_value(model, column_name, to, field, available_in=none) %}

select {{ field }} as missing_value
from {{ to }}
where {{ field }} not in (select {{ column_name }} from {{ model }} where {{ column_name }} is not null)
{%- if available_in %}
    and {{ field }} in (select measure from {{ available_in }} where available)
{%- endif %}

{% endtest %}
