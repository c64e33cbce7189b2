-- Scorecard rows of the child protection family (docs/measures.md): from the optional file
-- section47_enquiries.csv (no rows, and unavailable in marts.measure_availability, when an extract leaves it out).
-- grain: one row per (period_type, as_at_date, measure)

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}

),

enquiries as (

    select * from {{ ref('int_section47_enquiries_validated') }}

),

cp_plans as (

    select * from {{ ref('int_plans_validated') }}
    where plan_type = 'CP'

),

cp_reviews as (

    select * from {{ ref('int_cp_reviews_validated') }}

),

-- one row per initial conference held: its working days from the strategy discussion (the start day is day 0)
conferences as (

    select
        s47_id,
        icpc_date,
        {{ wd('strategy_discussion_date', 'icpc_date') }} as working_days
    from enquiries
    where icpc_date is not null

),

conference_flow as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        -- 15 working days is statutory (Working Together to Safeguard Children); a conference dated before its
        -- strategy discussion is excluded upstream, and would never be in time here
        count(*) filter (where conferences.working_days between 0 and 15) as within_15wd,
        count(conferences.s47_id) as conferences_held
    from reporting_dates
    left join conferences
        on conferences.icpc_date between reporting_dates.period_start_date and reporting_dates.as_at_date
    group by all

),

icpc_within_15wd_pct as (

    select
        period_type,
        as_at_date,
        'icpc_within_15wd_pct' as measure,
        within_15wd as numerator,
        conferences_held as denominator
    from conference_flow

),

-- a plan's start and its review conferences held while it was open (a review on the start day is the initial
-- conference, not a review; a "review" of a CIN plan is no CP review)
plan_events as (

    select
        plan_id,
        child_id,
        start_date,
        end_date,
        start_date as event_date,
        0 as is_review
    from cp_plans
    union all
    select
        cp_plans.plan_id,
        cp_plans.child_id,
        cp_plans.start_date,
        cp_plans.end_date,
        cp_reviews.review_date as event_date,
        1 as is_review
    from cp_reviews
    inner join cp_plans
        on
            cp_reviews.cp_plan_id = cp_plans.plan_id
            and cp_reviews.review_date > cp_plans.start_date
            and cp_reviews.review_date <= coalesce(cp_plans.end_date, date '9999-12-31')

),

-- Working Together to Safeguard Children: the first review within 3 months of the initial conference (the
-- plan's start), each later one within 6 months of the previous; calendar months, a month end kept
-- (31 August + 6 months = 28 or 29 February). Each event says when the next review is due.
plan_events_due as (

    select
        *,
        cast(event_date + case when is_review = 1 then interval 6 month else interval 3 month end as date)
            as next_due_date,
        lead(event_date) over (partition by plan_id order by event_date, is_review) as next_event_date
    from plan_events

),

plan_reviews_judged as (

    select
        *,
        is_review = 1
        and event_date > lag(next_due_date) over (partition by plan_id order by event_date, is_review) as is_late
    from plan_events_due

),

plan_first_late_review as (

    select
        plan_id,
        min(event_date) filter (where is_late) as first_late_review_date
    from plan_reviews_judged
    group by plan_id

),

-- one row per (reporting date, plan open on it for at least 3 months): the plan's state on that date (since its
-- latest event up to it) and whether every review so far was in time and the next one is not overdue yet
plans_reviewed_at_date as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        plan_reviews_judged.child_id,
        coalesce(plan_first_late_review.first_late_review_date > reporting_dates.as_at_date, true)
        and plan_reviews_judged.next_due_date >= reporting_dates.as_at_date as reviews_in_time
    from reporting_dates
    inner join plan_reviews_judged
        on
            reporting_dates.as_at_date >= plan_reviews_judged.event_date
            and coalesce(reporting_dates.as_at_date < plan_reviews_judged.next_event_date, true)
            and coalesce(reporting_dates.as_at_date < plan_reviews_judged.end_date, true)
            and reporting_dates.as_at_date >= cast(plan_reviews_judged.start_date + interval 3 month as date)
    inner join plan_first_late_review on plan_reviews_judged.plan_id = plan_first_late_review.plan_id

),

-- a child counts once: in time when every CP plan open for 3 months (normally one) had its reviews in time
children_reviewed_at_date as (

    select
        period_type,
        as_at_date,
        child_id,
        bool_and(reviews_in_time) as reviews_in_time
    from plans_reviewed_at_date
    group by all

),

cp_reviews_at_date as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        count(*) filter (where children_reviewed_at_date.reviews_in_time) as children_reviewed_in_time,
        count(children_reviewed_at_date.child_id) as children_on_plan_3_months
    from reporting_dates
    left join children_reviewed_at_date
        on
            reporting_dates.period_type = children_reviewed_at_date.period_type
            and reporting_dates.as_at_date = children_reviewed_at_date.as_at_date
    group by all

),

cp_reviews_in_time_pct as (

    select
        period_type,
        as_at_date,
        'cp_reviews_in_time_pct' as measure,
        children_reviewed_in_time as numerator,
        children_on_plan_3_months as denominator
    from cp_reviews_at_date

)

select * from icpc_within_15wd_pct
union all
select * from cp_reviews_in_time_pct
