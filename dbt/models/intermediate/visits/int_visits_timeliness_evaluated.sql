-- Visit timeliness per child as at each reporting date (docs/measures.md, "Visits").
-- grain: one row per (as_at_date, visit_type, child_id)
-- Qualifying visits: same visit_type, child seen, on or after the plan start / placement start P and on or
-- before D. The latest one comes from an ASOF join (latest visit on or before D); if it predates the
-- plan start, no visit qualifies.

with open_cases as (

    select * from {{ ref('int_children_open_cases_listed') }}

),

seen_visits as (

    select
        child_id,
        visit_type,
        visit_date
    from {{ ref('int_visits_validated') }}
    where child_seen

),

latest_visit as (

    select
        open_cases.*,
        case when seen_visits.visit_date >= open_cases.plan_start_date then seen_visits.visit_date end
            as last_visit_date
    from open_cases
    asof left join seen_visits
        on
            open_cases.child_id = seen_visits.child_id
            and open_cases.visit_type = seen_visits.visit_type
            and open_cases.as_at_date >= seen_visits.visit_date

),

based as (

    select
        *,
        coalesce(last_visit_date, plan_start_date) as base_date
    from latest_visit

),

due as (

    select
        *,
        case visit_type
            when 'CP' then {{ add_wd('base_date', var('cp_visit_standard_wd')) }}
            when 'CIN' then {{ add_wd('base_date', var('cin_visit_standard_wd')) }}
            when 'CLA' then
                case
                    when last_visit_date is null
                        then plan_start_date + {{ var('cla_first_visit_days') }}
                    when placement_intended_until_18 and last_visit_date >= plan_start_date + 365
                        then last_visit_date + {{ var('cla_long_term_visit_days') }}
                    else last_visit_date + {{ var('cla_visit_days') }}
                end
        end as due_date
    from based

),

evaluated as (

    select
        as_at_date,
        is_child_level_date,
        visit_type,
        child_id,
        base_date,
        last_visit_date,
        due_date,
        as_at_date <= due_date as in_time,
        case when as_at_date > due_date then as_at_date - due_date end as days_overdue
    from due

)

select * from evaluated
