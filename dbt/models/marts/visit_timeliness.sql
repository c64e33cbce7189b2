-- Statutory visit timeliness per child (docs/measures.md, "Visits"), for every month-end, the 13 most recent
-- Sundays and the extract date (the scorecard covers every week).
-- grain: one row per (period_type, as_at_date, visit_type, child_id)

with reporting_dates as (

    select
        period_type,
        as_at_date
    from {{ ref('int_reporting_dates_spined') }}
    where is_child_level_date

),

visits as (

    select * from {{ ref('int_visits_timeliness_evaluated') }}
    where is_child_level_date

),

current_allocations as (

    select * from {{ ref('int_children_allocations_current') }}

),

child_rows as (

    select
        reporting_dates.period_type,
        visits.as_at_date,
        visits.visit_type,
        visits.child_id,
        visits.base_date,
        visits.last_visit_date,
        visits.due_date,
        visits.in_time,
        visits.days_overdue,
        current_allocations.team_id,
        current_allocations.worker_id
    from reporting_dates
    inner join visits on reporting_dates.as_at_date = visits.as_at_date
    left join current_allocations
        on
            visits.as_at_date = current_allocations.as_at_date
            and visits.child_id = current_allocations.child_id

),

available as (

    -- no visit rows from a source without visits (a CIN census, an SSDA903): every child would look
    -- overdue; marts.measure_availability says why the visit measures are missing
    select child_rows.*
    from child_rows
    where lower(child_rows.visit_type) || '_visits_in_time_pct' not in (
        select measure_availability.measure from {{ ref('measure_availability') }} as measure_availability
        where not measure_availability.available
    )

)

select * from available
