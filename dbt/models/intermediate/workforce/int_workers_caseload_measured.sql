{{ config(materialized="table") }}

-- Caseload per case-holding worker as at each reporting date (docs/measures.md, "Workforce"): distinct children
-- with an allocation to the worker open at D.
-- grain: one row per (as_at_date, worker_id)
-- A table: read by the scorecard (every date) and marts.caseload (child-level dates).

with employed as (

    select * from {{ ref('int_workers_employed_listed') }}

),

allocations as (

    select * from {{ ref('int_allocations_validated') }}

),

reporting_dates as (

    select distinct as_at_date from employed

),

open_allocations as (

    select
        reporting_dates.as_at_date,
        allocations.worker_id,
        count(distinct allocations.child_id) as caseload
    from reporting_dates
    inner join allocations
        on
            reporting_dates.as_at_date >= allocations.start_date
            and (allocations.end_date is null or reporting_dates.as_at_date < allocations.end_date)
    group by reporting_dates.as_at_date, allocations.worker_id

),

measured as (

    select
        employed.*,
        coalesce(open_allocations.caseload, 0) as caseload,
        coalesce(open_allocations.caseload, 0) / employed.fte as fte_adjusted_caseload,
        coalesce(open_allocations.caseload, 0) > {{ var('caseload_max') }} as over_max
    from employed
    left join open_allocations
        on
            employed.as_at_date = open_allocations.as_at_date
            and employed.worker_id = open_allocations.worker_id

)

select * from measured
