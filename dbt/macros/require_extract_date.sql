{#- on-run-start: refuse to build without the run's extract date (staging reads only that extract). -#}
{% macro require_extract_date() %}
    {%- if execute and csc_run_var('extract_date') is none -%}
        {{ exceptions.raise_compiler_error(
            "var extract_date is required, e.g. --vars '{extract_date: \"2020-03-31\"}' (the extract folder's date)"
        ) }}
    {%- endif -%}
    select 1
{% endmacro %}
