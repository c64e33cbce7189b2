{#- None of the given columns holds a NULL: returns one row per column that does (column_name, null_rows), so dbt's
    failure count is the number of columns holding NULLs and the stored failures say which and how many rows.
    One query per model where a not_null test per column made a dbt node and a Dagster asset check each. #}
{% test not_null_columns(model, columns) %}

with null_counts as (
    select
        {% for column in columns -%}
            count(*) filter (where {{ column }} is null) as null_rows_{{ loop.index }}{{ "," if not loop.last }}
        {% endfor %}
    from {{ model }}
)

{% for column in columns -%}
    select
        '{{ column }}' as column_name,
        null_rows_{{ loop.index }} as null_rows
    from null_counts
    where null_rows_{{ loop.index }} > 0
    {% if not loop.last %}union all{% endif %}
{% endfor %}

{% endtest %}
