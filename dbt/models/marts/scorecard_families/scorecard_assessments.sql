-- Scorecard rows of the assessments family (docs/measures.md): one CTE per measure.
-- grain: one row per (period_type, as_at_date, measure)

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}

),

assessments as (

    select * from {{ ref('int_assessments_timeliness_evaluated') }}

),

overdue_assessments as (

    select * from {{ ref('int_assessments_overdue_counted') }}

),

assessments_in_time_pct as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'assessments_in_time_pct' as measure,
        count(*) filter (where assessments.in_time) as numerator,
        count(assessments.assessment_id) as denominator
    from reporting_dates
    left join assessments
        on assessments.authorised_date between reporting_dates.period_start_date and reporting_dates.as_at_date
    group by all

),

overdue_open_assessments as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'overdue_open_assessments' as measure,
        overdue_assessments.overdue_assessments as numerator,
        1 as denominator
    from reporting_dates
    inner join overdue_assessments on reporting_dates.as_at_date = overdue_assessments.as_at_date

),

family_measures as (

    select * from assessments_in_time_pct
    union all by name
    select * from overdue_open_assessments

)

select * from family_measures
