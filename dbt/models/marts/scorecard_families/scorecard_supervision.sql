-- Scorecard rows of the supervision family (docs/measures.md).
-- grain: one row per (period_type, as_at_date, measure)

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}

),

supervision as (

    select * from {{ ref('int_workers_supervision_evaluated') }}

),

supervision_by_date as (

    select
        as_at_date,
        count(*) filter (where in_time) as in_time_workers,
        count(*) as workers_employed
    from supervision
    group by as_at_date

),

supervision_in_time_pct as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'supervision_in_time_pct' as measure,
        coalesce(supervision_by_date.in_time_workers, 0) as numerator,
        coalesce(supervision_by_date.workers_employed, 0) as denominator
    from reporting_dates
    left join supervision_by_date on reporting_dates.as_at_date = supervision_by_date.as_at_date

)

select * from supervision_in_time_pct
