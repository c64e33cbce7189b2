-- Which scorecard measures the run's extract can support, from its source descriptor (var
-- measure_availability, computed by dagster_project/sources/availability.py from
-- catalogue/measure_requires.yaml). An unavailable measure has no rows in scorecard: never a 0 or a bare NULL.
-- grain: one row per measure
{%- set rows = var('measure_availability', []) %}

with availability as (

    {%- if rows %}

    select * from (
        values
        {%- for row in rows %}
            (
                '{{ row.measure }}',
                {{ 'true' if row.available else 'false' }},
                {{ "'" ~ row.reason | replace("'", "''") ~ "'" if row.reason else 'null' }}
            ){{ ',' if not loop.last }}
        {%- endfor %}
    ) as measures (measure, available, reason)  -- noqa: AL05

    {%- else %}

    select
        cast(null as varchar) as measure,
        cast(null as boolean) as available,
        cast(null as varchar) as reason
    where false

    {%- endif %}

),

dated as (

    select
        cast('{{ var("extract_date") }}' as date) as extract_date,
        cast('{{ var("source") }}' as varchar) as source,
        cast(measure as varchar) as measure,
        cast(available as boolean) as available,
        cast(reason as varchar) as reason
    from availability

)

select * from dated
