{#- A value (list/dict from --vars) as a SQL string literal of its JSON, quotes doubled. -#}
{% macro csc_json_literal(value) -%}
    '{{ value | tojson | replace("'", "''") }}'
{%- endmacro %}
