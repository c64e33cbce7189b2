{#- Typed staging columns, one macro per contract column type (dagster_project/contract/raw_exports.yaml).
    Staging fixes formatting only; every date, flag, decimal and code column also keeps the trimmed raw
    text as <column>_text, so the quality layer can tell an empty value from an unparseable one. -#}

{% macro stg_text(column) -%}
    nullif(trim({{ column }}), '') as {{ column }}
{%- endmacro %}

{% macro stg_raw_text(column) -%}
    nullif(trim({{ column }}), '') as {{ column }}_text
{%- endmacro %}

{% macro stg_code(column) -%}
    nullif(upper(trim({{ column }})), '') as {{ column }},
        {{ stg_raw_text(column) }}
{%- endmacro %}

{% macro parse_date(expression) -%}
    {#- ISO YYYY-MM-DD or UK DD/MM/YYYY; anything else (US order, text) is NULL. -#}
    cast(coalesce(
        try_strptime(trim({{ expression }}), '%Y-%m-%d'),
        try_strptime(trim({{ expression }}), '%d/%m/%Y')
    ) as date)
{%- endmacro %}

{% macro stg_date(column) -%}
    {{ parse_date(column) }} as {{ column }},
        {{ stg_raw_text(column) }}
{%- endmacro %}

{% macro stg_flag(column) -%}
    case upper(trim({{ column }})) when 'Y' then true when 'N' then false end as {{ column }},
        {{ stg_raw_text(column) }}
{%- endmacro %}

{% macro stg_decimal(column) -%}
    try_cast(trim({{ column }}) as double) as {{ column }},
        {{ stg_raw_text(column) }}
{%- endmacro %}

{% macro stg_lineage() -%}
    _extract_date as extract_date,
        _source_file as source_file,
        _source_line as source_line
{%- endmacro %}
