-- The overdue assessment backlog counted as at each reporting date (docs/measures.md, "Assessments"); the
-- assessments are int_assessments_overdue_listed's. Dates with none count 0.
-- grain: one row per as_at_date

with overdue as (

    select * from {{ ref('int_assessments_overdue_listed') }}

),

reporting_dates as (

    select distinct as_at_date from {{ ref('int_reporting_dates_spined') }}

),

counted as (

    select
        reporting_dates.as_at_date,
        count(overdue.assessment_id) as overdue_assessments
    from reporting_dates
    left join overdue on reporting_dates.as_at_date = overdue.as_at_date
    group by reporting_dates.as_at_date

)

select * from counted
