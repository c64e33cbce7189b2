-- Children open to a plan (CP, CIN) or looked after at D with no open allocation to any worker, whatever
-- the worker's role (docs/measures.md, "Workforce").
-- grain: one row per as_at_date

with open_cases as (

    select distinct
        as_at_date,
        child_id
    from {{ ref('int_children_open_cases_listed') }}

),

allocations as (

    select * from {{ ref('int_allocations_validated') }}

),

reporting_dates as (

    select distinct as_at_date from {{ ref('int_reporting_dates_spined') }}

),

unallocated as (

    select
        open_cases.as_at_date,
        open_cases.child_id
    from open_cases
    anti join allocations
        on
            open_cases.child_id = allocations.child_id
            and open_cases.as_at_date >= allocations.start_date
            and (allocations.end_date is null or open_cases.as_at_date < allocations.end_date)

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
