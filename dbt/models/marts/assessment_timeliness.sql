-- Authorised assessments and their timeliness against the statutory standard (docs/measures.md, "Assessments").
-- grain: one row per assessment_id (authorised assessments only)

with assessments as (

    select * from {{ ref('int_assessments_timeliness_evaluated') }}

),

authorised as (

    select
        assessment_id,
        child_id,
        referral_id,
        referral_date,
        start_date,
        authorised_date,
        working_days,
        in_time,
        duration_band,
        team_id,
        worker_id
    from assessments
    where authorised_date is not null

)

select * from authorised
