-- Scorecard rows of the care leavers family (docs/measures.md): from the optional file care_leavers.csv (no
-- rows, and unavailable in marts.measure_availability, when an extract leaves it out).
-- grain: one row per (period_type, as_at_date, measure)

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}

),

care_leavers as (

    select * from {{ ref('int_care_leavers_validated') }}

),

as_at_dates as (

    select distinct as_at_date from reporting_dates

),

-- each young person's latest follow-up in the 12 months (365 days) to the date; those who died are not counted
latest_follow_ups as (

    select
        as_at_dates.as_at_date,
        care_leavers.child_id,
        care_leavers.in_touch,
        care_leavers.activity,
        care_leavers.accommodation
    from as_at_dates
    inner join care_leavers
        on
            as_at_dates.as_at_date - 365 < care_leavers.contact_date
            and as_at_dates.as_at_date >= care_leavers.contact_date
    qualify row_number() over (
        partition by as_at_dates.as_at_date, care_leavers.child_id
        order by care_leavers.contact_date desc, care_leavers.care_leaver_record_id desc
    ) = 1

),

care_leavers_by_date as (

    select
        as_at_date,
        count(*) filter (where in_touch = 'YES') as in_touch,
        -- the DfE accommodation code's suffix 1 is "suitable"
        count(*) filter (where accommodation like '%1') as suitably_accommodated,
        -- G4, G5, G6: not in education, employment or training
        count(*) filter (where activity is not null and activity not in ('G4', 'G5', 'G6')) as in_eet,
        count(*) as followed_up
    from latest_follow_ups
    where in_touch <> 'DIED'
    group by as_at_date

),

by_date as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        coalesce(care_leavers_by_date.in_touch, 0) as in_touch,
        coalesce(care_leavers_by_date.suitably_accommodated, 0) as suitably_accommodated,
        coalesce(care_leavers_by_date.in_eet, 0) as in_eet,
        coalesce(care_leavers_by_date.followed_up, 0) as followed_up
    from reporting_dates
    left join care_leavers_by_date on reporting_dates.as_at_date = care_leavers_by_date.as_at_date

),

care_leavers_in_touch_pct as (

    select
        period_type,
        as_at_date,
        'care_leavers_in_touch_pct' as measure,
        in_touch as numerator,
        followed_up as denominator
    from by_date

),

care_leavers_suitable_accommodation_pct as (

    select
        period_type,
        as_at_date,
        'care_leavers_suitable_accommodation_pct' as measure,
        suitably_accommodated as numerator,
        followed_up as denominator
    from by_date

),

care_leavers_eet_pct as (

    select
        period_type,
        as_at_date,
        'care_leavers_eet_pct' as measure,
        in_eet as numerator,
        followed_up as denominator
    from by_date

)

select * from care_leavers_in_touch_pct
union all by name
select * from care_leavers_suitable_accommodation_pct
union all by name
select * from care_leavers_eet_pct
