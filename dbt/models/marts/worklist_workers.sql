-- Team worklists: each case-holding worker at the extract date with caseload, FTE-adjusted caseload against the
-- maximum, last individual supervision and whether it is overdue. Ids only (never a worker's name).
-- grain: one row per worker_id

with caseloads as (

    select * from {{ ref('int_workers_caseload_measured') }}
    where as_at_date = cast('{{ csc_run_var("extract_date") }}' as date)

),

supervision as (

    select * from {{ ref('int_workers_supervision_evaluated') }}
    where as_at_date = cast('{{ csc_run_var("extract_date") }}' as date)

),

workers as (

    select
        caseloads.as_at_date,
        caseloads.worker_id,
        caseloads.team_id,
        caseloads.service_area,
        caseloads.employment_type,
        caseloads.fte,
        caseloads.caseload,
        caseloads.fte_adjusted_caseload,
        caseloads.over_max,
        supervision.last_supervision_date,
        supervision.base_date + {{ var('supervision_standard_days') }} as supervision_due_date,
        not supervision.in_time as supervision_overdue
    from caseloads
    left join supervision on caseloads.worker_id = supervision.worker_id

)

select * from workers
