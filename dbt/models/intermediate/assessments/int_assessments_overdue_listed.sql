-- The overdue assessment backlog as at each reporting date (docs/measures.md, "Assessments"): assessments open
-- at D (started on or before D, not authorised by D) already past the standard from their own referral, with
-- the assessment's own team (the export's assessments.team_id).
-- grain: one row per (as_at_date, assessment_id)

with assessments as (

    select * from {{ ref('int_assessments_timeliness_evaluated') }}

),

reporting_dates as (

    select distinct as_at_date from {{ ref('int_reporting_dates_spined') }}

),

open_at_date as (

    select
        reporting_dates.as_at_date,
        assessments.assessment_id,
        assessments.referral_date,
        assessments.team_id
    from reporting_dates
    inner join assessments
        on
            reporting_dates.as_at_date >= assessments.start_date
            and (assessments.authorised_date is null or reporting_dates.as_at_date < assessments.authorised_date)

),

overdue as (

    select
        as_at_date,
        assessment_id,
        team_id
    from open_at_date
    where {{ wd('referral_date', 'as_at_date') }} > {{ var('assessment_standard_wd') }}

)

select * from overdue
