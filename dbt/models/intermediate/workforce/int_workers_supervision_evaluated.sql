-- Supervision in time per case-holding worker as at each reporting date (docs/measures.md, "Supervision"):
-- base = the latest INDIVIDUAL supervision on or before D, else the worker's start date.
-- grain: one row per (as_at_date, worker_id)

with employed as (

    select * from {{ ref('int_workers_employed_listed') }}

),

individual_supervisions as (

    select
        worker_id,
        supervision_date
    from {{ ref('int_supervisions_validated') }}
    where supervision_type = 'INDIVIDUAL'

),

latest_supervision as (

    select
        employed.as_at_date,
        employed.worker_id,
        employed.team_id,
        individual_supervisions.supervision_date as last_supervision_date,
        coalesce(individual_supervisions.supervision_date, employed.start_date) as base_date
    from employed
    asof left join individual_supervisions
        on
            employed.worker_id = individual_supervisions.worker_id
            and employed.as_at_date >= individual_supervisions.supervision_date

),

evaluated as (

    select
        *,
        as_at_date <= base_date + {{ var('supervision_standard_days') }} as in_time
    from latest_supervision

)

select * from evaluated
