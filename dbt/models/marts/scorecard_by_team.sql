-- The scorecard split by team, for every measure whose catalogue entry has a team breakdown.
-- grain: one row per (period_type, as_at_date, measure, team_id); team_id NULL is "no team"
-- A record belongs to the team of the mart that already carries one: assessment_timeliness (assessments),
-- visit_timeliness (visits: the child's current allocation), caseload / the worker's own team (workforce,
-- supervision; agency workers from int_workers_employed_listed); the front door's from
-- int_front_door_by_team_counted (contacts: the MASH team; referrals: their own team) and the as-at counts
-- (children on plans, unallocated children, overdue assessments) from int_open_work_by_team_counted
-- (docs/measures.md "Which team a figure belongs to"). Dates: the child-level dates of visit_timeliness and
-- caseload (every month-end, the 13 most recent Sundays and the extract date).
-- A measure the source cannot support (marts.measure_availability) has no rows, as in marts.scorecard.
-- Numerators and denominators are the scorecard's, so the teams (with "no team") add up to the council
-- figure; values are recomputed per team the same way.

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}
    where is_child_level_date

),

catalogue as (

    select * from {{ ref('measures') }}

),

teams as (

    select
        team_id,
        team_name,
        service_area
    from {{ ref('int_teams_validated') }}

),

assessments as (

    select * from {{ ref('assessment_timeliness') }}

),

visits as (

    select * from {{ ref('visit_timeliness') }}

),

caseloads as (

    select * from {{ ref('caseload') }}

),

supervision as (

    select * from {{ ref('int_workers_supervision_evaluated') }}

),

employed as (

    select * from {{ ref('int_workers_employed_listed') }}

),

front_door as (

    select * from {{ ref('int_front_door_by_team_counted') }}

),

open_work as (

    select * from {{ ref('int_open_work_by_team_counted') }}

),

visit_types as (

    select * from (
        values ('CP', 'cp_visits_in_time_pct'), ('CIN', 'cin_visits_in_time_pct'),
        ('CLA', 'cla_visits_in_time_pct')
    ) as visit_types (visit_type, measure)  -- noqa: AL05

),

assessment_flow as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'assessments_in_time_pct' as measure,
        assessments.team_id,
        count(*) filter (where assessments.in_time) as numerator,
        count(*) as denominator
    from reporting_dates
    inner join assessments
        on assessments.authorised_date between reporting_dates.period_start_date and reporting_dates.as_at_date
    group by all

),

visits_as_at as (

    select
        visits.period_type,
        visits.as_at_date,
        visit_types.measure,
        visits.team_id,
        count(*) filter (where visits.in_time) as numerator,
        count(*) as denominator
    from visits
    inner join visit_types on visits.visit_type = visit_types.visit_type
    group by all

),

caseload_as_at as (

    select
        period_type,
        as_at_date,
        'average_caseload' as measure,
        team_id,
        sum(caseload) as numerator,
        coalesce(list_sum(list(fte order by worker_id) filter (where caseload >= 1)), 0) as denominator
    from caseloads
    group by all
    union all
    select
        period_type,
        as_at_date,
        'workers_over_max_caseload_pct' as measure,
        team_id,
        count(*) filter (where over_max) as numerator,
        count(*) as denominator
    from caseloads
    group by all

),

supervision_as_at as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'supervision_in_time_pct' as measure,
        supervision.team_id,
        count(*) filter (where supervision.in_time) as numerator,
        count(*) as denominator
    from reporting_dates
    inner join supervision on reporting_dates.as_at_date = supervision.as_at_date
    group by all

),

agency_as_at as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'agency_workers_pct' as measure,
        employed.team_id,
        count(*) filter (where employed.employment_type = 'AGENCY') as numerator,
        count(*) as denominator
    from reporting_dates
    inner join employed on reporting_dates.as_at_date = employed.as_at_date
    group by all

),

measures as (

    select * from assessment_flow
    union all by name
    select * from visits_as_at
    union all by name
    select * from caseload_as_at
    union all by name
    select * from supervision_as_at
    union all by name
    select * from agency_as_at
    union all by name
    select * from front_door
    union all by name
    select * from open_work

),

valued as (

    select
        measures.period_type,
        cast(measures.as_at_date as date) as as_at_date,
        measures.measure,
        measures.team_id,
        teams.team_name,
        teams.service_area,
        {{ measure_numerator('measures.numerator', 'measures.denominator') }} as numerator,
        cast(measures.denominator as double) as denominator,
        {{ measure_value('measures.numerator', 'measures.denominator', 'catalogue.unit') }} as value,  -- noqa: RF04
        cast('{{ csc_run_var("extract_date") }}' as date) as extract_date,
        cast('{{ csc_run_var("run_id") }}' as varchar) as run_id,
        reporting_dates.is_complete_period
    from measures
    inner join reporting_dates
        on
            measures.period_type = reporting_dates.period_type
            and measures.as_at_date = reporting_dates.as_at_date
    left join teams on measures.team_id = teams.team_id
    left join catalogue on measures.measure = catalogue.measure

),

available as (

    -- as in marts.scorecard: a measure the extract's source cannot support (e.g. the front door from a CIN
    -- census, which has no contacts) has no rows, never a team's 0
    select valued.*
    from valued
    where valued.measure not in ({{ unavailable_measures() }})

)

select * from available
