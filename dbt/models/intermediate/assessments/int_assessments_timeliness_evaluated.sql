-- Assessment timeliness (docs/measures.md, "Assessments"): working days from the referral to authorisation.
-- grain: one row per assessment_id (open assessments too: working_days and in_time are NULL until authorised)

with assessments as (

    select * from {{ ref('int_assessments_validated') }}

),

referrals as (

    select
        referral_id,
        referral_date
    from {{ ref('int_referrals_validated') }}

),

joined as (

    select
        assessments.assessment_id,
        assessments.child_id,
        assessments.referral_id,
        referrals.referral_date,
        assessments.start_date,
        assessments.authorised_date,
        assessments.team_id,
        assessments.worker_id
    from assessments
    inner join referrals on assessments.referral_id = referrals.referral_id

),

measured as (

    select
        *,
        case when authorised_date is not null then {{ wd('referral_date', 'authorised_date') }} end as working_days
    from joined

),

evaluated as (

    select
        *,
        working_days <= {{ var('assessment_standard_wd') }} as in_time,
        case
            when working_days is null then null
            when working_days <= 0 then 'same day'
            when working_days <= 10 then '1-10'
            when working_days <= 20 then '11-20'
            when working_days <= 30 then '21-30'
            when working_days <= 40 then '31-40'
            when working_days <= 45 then '41-45'
            when working_days <= 50 then '46-50'
            when working_days <= 60 then '51-60'
            else '61+'
        end as duration_band
    from measured

)

select * from evaluated
