-- Caseload per case-holding worker (docs/measures.md, "Workforce"), for the same dates as visit_timeliness.
-- grain: one row per (period_type, as_at_date, worker_id); team = the worker's own team in workers.csv

with reporting_dates as (

    select
        period_type,
        as_at_date
    from {{ ref('int_reporting_dates_spined') }}
    where is_child_level_date

),

caseloads as (

    select * from {{ ref('int_workers_caseload_measured') }}
    where is_child_level_date

),

worker_rows as (

    select
        reporting_dates.period_type,
        caseloads.as_at_date,
        caseloads.worker_id,
        caseloads.team_id,
        caseloads.service_area,
        caseloads.employment_type,
        caseloads.fte,
        caseloads.caseload,
        caseloads.fte_adjusted_caseload,
        caseloads.over_max
    from reporting_dates
    inner join caseloads on reporting_dates.as_at_date = caseloads.as_at_date

)

select * from worker_rows
