-- Which scorecard measures the run's extract can support, from its source descriptor (var
-- measure_availability, computed by dagster_project/sources/availability.py from
-- catalogue/measure_requires.yaml). An unavailable measure has no rows in scorecard: never a 0 or a bare NULL.
-- grain: one row per measure

with availability as (

    select
        unnest(
            from_json(
                {{ csc_json_literal(csc_run_var("measure_availability")) }},
                '[{"measure": "VARCHAR", "available": "BOOLEAN", "reason": "VARCHAR"}]'
            ),
            recursive := true
        )

),

dated as (

    select
        cast('{{ csc_run_var("extract_date") }}' as date) as extract_date,
        cast('{{ csc_run_var("source") }}' as varchar) as extract_source,
        measure,
        available,
        reason
    from availability

)

select * from dated
