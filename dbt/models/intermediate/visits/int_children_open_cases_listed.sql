{{ config(materialized="table") }}

-- Children open to a plan type as at each reporting date: CP and CIN plans, and looked-after episodes (CLA).
-- grain: one row per (as_at_date, visit_type, child_id); if two plans of one type are open (a data defect)
-- the latest-starting one is the current plan.
-- A table: the scorecard (every date), visit_timeliness (child-level dates) and the unallocated count all read it.

with plans as (

    select * from {{ ref('int_plans_validated') }}

),

episodes as (

    select * from {{ ref('int_cla_episodes_placement_dated') }}

),

reporting_dates as (

    select
        as_at_date,
        bool_or(is_child_level_date) as is_child_level_date
    from {{ ref('int_reporting_dates_spined') }}
    group by as_at_date

),

open_plans as (

    select
        reporting_dates.as_at_date,
        reporting_dates.is_child_level_date,
        plans.plan_type as visit_type,
        plans.child_id,
        plans.start_date as record_start_date,
        plans.start_date as plan_start_date,
        plans.plan_id as case_record_id,
        cast(null as boolean) as placement_intended_until_18
    from reporting_dates
    inner join plans
        on
            reporting_dates.as_at_date >= plans.start_date
            and (plans.end_date is null or reporting_dates.as_at_date < plans.end_date)

),

open_episodes as (

    select
        reporting_dates.as_at_date,
        reporting_dates.is_child_level_date,
        'CLA' as visit_type,
        episodes.child_id,
        episodes.start_date as record_start_date,
        episodes.placement_start_date as plan_start_date,
        episodes.episode_id as case_record_id,
        episodes.placement_intended_until_18
    from reporting_dates
    inner join episodes
        on
            reporting_dates.as_at_date >= episodes.start_date
            and (episodes.end_date is null or reporting_dates.as_at_date < episodes.end_date)

),

open_cases as (

    select * from open_plans
    union all
    select * from open_episodes

),

ranked as (

    select
        *,
        row_number() over (
            partition by as_at_date, visit_type, child_id order by record_start_date desc, case_record_id desc
        ) as case_rank
    from open_cases

),

current_case as (

    select * exclude (case_rank)
    from ranked
    where case_rank = 1

)

select * from current_case
