-- Scorecard rows of the visits family (docs/measures.md): one row per visit type and reporting date.
-- grain: one row per (period_type, as_at_date, measure)

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}

),

visits as (

    select * from {{ ref('int_visits_timeliness_evaluated') }}

),

visit_types as (

    select * from (
        values ('CP', 'cp_visits_in_time_pct'), ('CIN', 'cin_visits_in_time_pct'),
        ('CLA', 'cla_visits_in_time_pct')
    ) as visit_types (visit_type, measure)  -- noqa: AL05

),

visits_by_date as (

    select
        as_at_date,
        visit_type,
        count(*) filter (where in_time) as in_time_children,
        count(*) as open_children
    from visits
    group by all

),

visits_in_time_pct as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        visit_types.measure,
        coalesce(visits_by_date.in_time_children, 0) as numerator,
        coalesce(visits_by_date.open_children, 0) as denominator
    from reporting_dates
    cross join visit_types
    left join visits_by_date
        on
            reporting_dates.as_at_date = visits_by_date.as_at_date
            and visit_types.visit_type = visits_by_date.visit_type

)

select * from visits_in_time_pct
