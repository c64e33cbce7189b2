{#- Working-day arithmetic on reference.working_days (the project's one calendar, written by Dagster from
    dagster_project.workdays.calendar_frame). working_day_number counts working days up to and including
    the date, so wd(a, b) = number(b) - number(a), and add_wd(a, n) = the working day numbered number(a) + n.
    Both are scalar subqueries on the calendar's key, which DuckDB turns into hash joins. -#}

{% macro working_day_number(date_expression) -%}
    (select wdn.working_day_number from {{ source('reference', 'working_days') }} as wdn
     where wdn.calendar_date = {{ date_expression }})
{%- endmacro %}

{% macro wd(start_date, end_date) -%}
    ({{ working_day_number(end_date) }} - {{ working_day_number(start_date) }})
{%- endmacro %}

{% macro add_wd(start_date, n) -%}
    (select awd.calendar_date from {{ source('reference', 'working_days') }} as awd
     where awd.is_working_day
       and awd.working_day_number = {{ working_day_number(start_date) }} + ({{ n }}))
{%- endmacro %}
