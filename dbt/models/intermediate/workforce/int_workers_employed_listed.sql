{{ config(materialized="table") }}

-- Case-holding workers (role SW, ASYE, SP) employed at each reporting date (docs/measures.md, "Workforce",
-- "Supervision").
-- grain: one row per (as_at_date, worker_id)
-- A table, not a view: DuckDB plans the supervision ASOF join badly over the range-join view (50x slower).

with workers as (

    select * from {{ ref('int_workers_validated') }}

),

teams as (

    select
        team_id,
        service_area
    from {{ ref('int_teams_validated') }}

),

case_holding_roles as (

    select code from {{ ref('code_lists') }}
    where list_name = 'case_holding_role'

),

reporting_dates as (

    select
        as_at_date,
        bool_or(is_child_level_date) as is_child_level_date
    from {{ ref('int_reporting_dates_spined') }}
    group by as_at_date

),

employed as (

    select
        reporting_dates.as_at_date,
        reporting_dates.is_child_level_date,
        workers.worker_id,
        workers.team_id,
        teams.service_area,
        workers.employment_type,
        workers.fte,
        workers.start_date
    from reporting_dates
    inner join workers
        on
            reporting_dates.as_at_date >= workers.start_date
            and (workers.end_date is null or reporting_dates.as_at_date < workers.end_date)
    inner join case_holding_roles on workers.role = case_holding_roles.code
    left join teams on workers.team_id = teams.team_id

)

select * from employed
