{#- A per-run value: extract_date, run_id, source, not_applicable_rules or measure_availability.

    The nightly job does not pass these as --vars: they change every run, and any change of --vars makes dbt
    re-parse the whole project (~5 s per dbt step). Instead the job writes them, as one JSON object, into
    main._dbt_run_context just before each dbt step (dagster_project/transform/dbt_vars.py write_run_context)
    and empties it afterwards, and this macro reads them at execution time; parsing never depends on them, so
    dbt's partial parsing holds across steps and runs.

    Run by hand with --vars '{extract_date: ...}' (tests, the benchmark's DuckDB-alone compile): every per-run
    value then comes from var() as before (project defaults for the ones not given), never from the table. -#}
{#- The run's context row as a dict ({} when run with --vars, at parse time, or without the table). A model that
    reads many per-run values (the generated int_<file>_excluded and int_records_flagged: one per rule) reads it
    once into a variable and passes it to csc_run_var / csc_rule_applies: each read is a query, and the staging step
    made ~1,000 of them per run. -#}
{% macro csc_run_context() -%}
    {%- if execute and var('extract_date', none) is none -%}
        {%- set relation = adapter.get_relation(
            database=target.database, schema='main', identifier='_dbt_run_context'
        ) -%}
        {%- if relation is not none -%}
            {%- set rows = run_query('select context from ' ~ relation) -%}
            {%- if rows | length == 1 -%}
                {{ return(fromjson(rows[0][0])) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {{ return({}) }}
{%- endmacro %}

{#- `run_context`: the model's csc_run_context(), read once; omitted, this call reads it. -#}
{% macro csc_run_var(name, run_context=none) -%}
    {%- set context = csc_run_context() if run_context is none else run_context -%}
    {%- if name in context -%}
        {{ return(context[name]) }}
    {%- endif -%}
    {{ return(var(name, none)) }}
{%- endmacro %}
