-- Scorecard rows of the looked after family (docs/measures.md): from the optional file cla_reviews.csv (no rows,
-- and unavailable in marts.measure_availability, when an extract leaves it out).
-- grain: one row per (period_type, as_at_date, measure)

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}

),

reviews as (

    select * from {{ ref('int_cla_reviews_timeliness_evaluated') }}

),

review_flow as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        count(*) filter (where reviews.in_time) as in_time,
        count(reviews.review_id) as reviews_held
    from reporting_dates
    left join reviews
        on reviews.review_date between reporting_dates.period_start_date and reporting_dates.as_at_date
    group by all

),

cla_reviews_in_time_pct as (

    select
        period_type,
        as_at_date,
        'cla_reviews_in_time_pct' as measure,
        in_time as numerator,
        reviews_held as denominator
    from review_flow

)

select * from cla_reviews_in_time_pct
