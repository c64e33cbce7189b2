{# The one valuing rule of every scorecard row (marts.scorecard, marts.scorecard_by_team): a ratio with a zero
   denominator has numerator 0, denominator 0 and value NULL; percent measures (unit from the measure catalogue)
   are x 100; stored values stay unrounded. #}
{% macro measure_numerator(numerator, denominator) -%}
    cast(case when {{ denominator }} = 0 then 0 else {{ numerator }} end as double)
{%- endmacro %}

{% macro measure_value(numerator, denominator, unit) -%}
    case
        when {{ denominator }} = 0 then null
        when {{ unit }} = 'percent' then cast({{ numerator }} as double) * 100 / {{ denominator }}
        else cast({{ numerator }} as double) / {{ denominator }}
    end
{%- endmacro %}
