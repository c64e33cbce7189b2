-- Children open to a plan (CP, CIN) or looked after at D with no open allocation to any worker, counted
-- (docs/measures.md, "Workforce"); the children are int_children_unallocated_listed's. Dates with none count 0.
-- grain: one row per as_at_date

with unallocated as (

    select * from {{ ref('int_children_unallocated_listed') }}

),

reporting_dates as (

    select distinct as_at_date from {{ ref('int_reporting_dates_spined') }}

),

counted as (

    select
        reporting_dates.as_at_date,
        count(unallocated.child_id) as unallocated_children
    from reporting_dates
    left join unallocated on reporting_dates.as_at_date = unallocated.as_at_date
    group by reporting_dates.as_at_date

)

select * from counted
