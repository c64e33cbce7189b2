-- The allocation that places a child with a team and worker as at each child-level reporting date: the open
-- allocation that started last (ties: lowest worker_id), whatever the worker's role.
-- grain: one row per (as_at_date, child_id) with an open allocation

with allocations as (

    select * from {{ ref('int_allocations_validated') }}

),

reporting_dates as (

    select distinct as_at_date from {{ ref('int_reporting_dates_spined') }}
    where is_child_level_date

),

open_allocations as (

    select
        reporting_dates.as_at_date,
        allocations.child_id,
        allocations.team_id,
        allocations.worker_id,
        row_number() over (
            partition by reporting_dates.as_at_date, allocations.child_id
            order by allocations.start_date desc, allocations.worker_id asc, allocations.allocation_id asc
        ) as allocation_rank
    from reporting_dates
    inner join allocations
        on
            reporting_dates.as_at_date >= allocations.start_date
            and (allocations.end_date is null or reporting_dates.as_at_date < allocations.end_date)

)

select
    as_at_date,
    child_id,
    team_id,
    worker_id
from open_allocations
where allocation_rank = 1
