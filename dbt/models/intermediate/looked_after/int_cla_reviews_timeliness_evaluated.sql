-- Looked-after reviews with their due date and whether they were held in time (docs/measures.md,
-- "cla_reviews_in_time_pct"): the first review of a period of care is due 20 working days after the period
-- starts, the second 3 months after the first, each later one 6 months after the previous (Care Planning,
-- Placement and Case Review (England) Regulations 2010, regulation 33).
-- grain: one row per review_id held within a period of care (reviews outside every period are not here)

with reviews as (

    select * from {{ ref('int_cla_reviews_validated') }}

),

episodes as (

    select * from {{ ref('int_cla_episodes_placement_dated') }}

),

periods_of_care as (

    select
        child_id,
        period_of_care_number,
        min(start_date) as period_start_date,
        -- open while its last episode is open
        case when bool_or(end_date is null) then null else max(end_date) end as period_end_date
    from episodes
    group by child_id, period_of_care_number

),

reviews_in_periods as (

    select
        reviews.review_id,
        reviews.child_id,
        reviews.review_date,
        periods_of_care.period_of_care_number,
        periods_of_care.period_start_date
    from reviews
    inner join periods_of_care
        on
            reviews.child_id = periods_of_care.child_id
            and reviews.review_date > periods_of_care.period_start_date
            and reviews.review_date <= coalesce(periods_of_care.period_end_date, date '9999-12-31')

),

-- Periods overlap only in defective data (an imported 903 return's duplicated episode row has an id of its own
-- and reads as a second period): a review then belongs to the latest period begun before it, once.
one_period_per_review as (

    select * from reviews_in_periods
    qualify row_number() over (
        partition by review_id order by period_start_date desc, period_of_care_number desc
    ) = 1

),

numbered as (

    select
        *,
        row_number() over (
            partition by child_id, period_of_care_number order by review_date, review_id
        ) as review_number,
        lag(review_date) over (
            partition by child_id, period_of_care_number order by review_date, review_id
        ) as previous_review_date
    from one_period_per_review

),

due_dated as (

    select
        *,
        case
            when review_number = 1 then {{ add_wd('period_start_date', 20) }}
            when review_number = 2 then cast(previous_review_date + interval 3 month as date)
            else cast(previous_review_date + interval 6 month as date)
        end as due_date
    from numbered

),

evaluated as (

    select
        *,
        review_date <= due_date as in_time
    from due_dated

)

select * from evaluated
