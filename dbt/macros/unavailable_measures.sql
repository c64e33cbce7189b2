{#- The measures the extract's source cannot support (marts.measure_availability says why): marts.scorecard and
    marts.scorecard_by_team leave them out, never showing them as 0. -#}
{% macro unavailable_measures() %}
    select measure_availability.measure from {{ ref('measure_availability') }} as measure_availability
    where not measure_availability.available
{% endmacro %}
