-- Team worklists: assessments still open at the extract date, with their working days since the referral and
-- the day-45 due date (at risk from 35 working days, overdue after the standard). Ids only.
-- grain: one row per assessment_id

with assessments as (

    select * from {{ ref('int_assessments_timeliness_evaluated') }}

),

open_at_extract as (

    select
        assessment_id,
        child_id,
        referral_id,
        referral_date,
        start_date,
        team_id,
        worker_id,
        cast('{{ csc_run_var("extract_date") }}' as date) as as_at_date
    from assessments
    where
        authorised_date is null
        and start_date <= cast('{{ csc_run_var("extract_date") }}' as date)

),

measured as (

    select
        *,
        {{ wd('referral_date', 'as_at_date') }} as working_days_open,
        {{ add_wd('referral_date', var('assessment_standard_wd')) }} as due_date
    from open_at_extract

),

flagged as (

    select
        *,
        case
            when working_days_open > {{ var('assessment_standard_wd') }} then 'overdue'
            when working_days_open >= {{ var('assessment_standard_wd') }} - 10 then 'at risk'
            else 'on track'
        end as status
    from measured

)

select * from flagged
