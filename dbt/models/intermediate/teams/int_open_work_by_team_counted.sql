-- The as-at counts split by team (docs/measures.md "Which team a figure belongs to"): children on a CP or CIN
-- plan or looked after by their current allocation's team (as visit_timeliness), unallocated children by
-- int_children_unallocated_listed's team, overdue open assessments by the assessment's own team. Numerators as
-- in the scorecard (a count's denominator is 1), so the teams add up to the council. Child-level dates only.
-- A team with records of a measure at some date has a row at every date (0 when it has none then): a count
-- with no row would read "no data".
-- grain: one row per (period_type, as_at_date, measure, team_id); team_id NULL = no team

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}
    where is_child_level_date

),

open_cases as (

    select * from {{ ref('int_children_open_cases_listed') }}
    where is_child_level_date

),

current_allocations as (

    select * from {{ ref('int_children_allocations_current') }}

),

unallocated as (

    select * from {{ ref('int_children_unallocated_listed') }}

),

overdue_assessments as (

    select * from {{ ref('int_assessments_overdue_listed') }}

),

case_types as (

    select * from (
        values ('CP', 'children_cp_count'), ('CIN', 'children_cin_plan_count'),
        ('CLA', 'children_looked_after_count')
    ) as case_types (visit_type, measure)  -- noqa: AL05

),

open_children as (

    select
        open_cases.as_at_date,
        case_types.measure,
        current_allocations.team_id,
        open_cases.child_id as record_id
    from open_cases
    inner join case_types on open_cases.visit_type = case_types.visit_type
    left join current_allocations
        on
            open_cases.as_at_date = current_allocations.as_at_date
            and open_cases.child_id = current_allocations.child_id

),

records as (

    select * from open_children
    union all
    select
        as_at_date,
        'unallocated_children' as measure,
        team_id,
        child_id as record_id
    from unallocated
    union all
    select
        as_at_date,
        'overdue_open_assessments' as measure,
        team_id,
        assessment_id as record_id
    from overdue_assessments

),

child_level_records as (

    select records.*
    from records
    semi join reporting_dates on records.as_at_date = reporting_dates.as_at_date

),

measure_teams as (

    select distinct
        measure,
        team_id
    from child_level_records

),

-- every (date, measure, team) of a team that has the measure's records at some child-level date
team_dates as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        measure_teams.measure,
        measure_teams.team_id
    from reporting_dates
    cross join measure_teams

),

counted as (

    select
        team_dates.period_type,
        team_dates.as_at_date,
        team_dates.measure,
        team_dates.team_id,
        count(records.record_id) as numerator,
        1 as denominator
    from team_dates
    left join child_level_records as records
        on
            team_dates.as_at_date = records.as_at_date
            and team_dates.measure = records.measure
            and team_dates.team_id is not distinct from records.team_id
    group by all

)

select * from counted
