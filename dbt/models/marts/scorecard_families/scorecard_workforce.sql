-- Scorecard rows of the workforce family (docs/measures.md): one CTE per measure.
-- grain: one row per (period_type, as_at_date, measure)

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}

),

caseloads as (

    select * from {{ ref('int_workers_caseload_measured') }}

),

employed as (

    select * from {{ ref('int_workers_employed_listed') }}

),

unallocated as (

    select * from {{ ref('int_children_unallocated_counted') }}

),

caseload_by_date as (

    select
        as_at_date,
        sum(caseload) as total_caseload,
        -- summed left to right in worker_id order, so the FTE total is the same float on every run
        list_sum(list(fte order by worker_id) filter (where caseload >= 1)) as holding_fte,
        count(*) filter (where over_max) as workers_over_max,
        count(*) as workers_employed
    from caseloads
    group by as_at_date

),

average_caseload as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'average_caseload' as measure,
        coalesce(caseload_by_date.total_caseload, 0) as numerator,
        coalesce(caseload_by_date.holding_fte, 0) as denominator
    from reporting_dates
    left join caseload_by_date on reporting_dates.as_at_date = caseload_by_date.as_at_date

),

workers_over_max_caseload_pct as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'workers_over_max_caseload_pct' as measure,
        coalesce(caseload_by_date.workers_over_max, 0) as numerator,
        coalesce(caseload_by_date.workers_employed, 0) as denominator
    from reporting_dates
    left join caseload_by_date on reporting_dates.as_at_date = caseload_by_date.as_at_date

),

unallocated_children as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'unallocated_children' as measure,
        unallocated.unallocated_children as numerator,
        1 as denominator
    from reporting_dates
    inner join unallocated on reporting_dates.as_at_date = unallocated.as_at_date

),

agency_by_date as (

    select
        as_at_date,
        count(*) filter (where employment_type = 'AGENCY') as agency_workers,
        count(*) as workers_employed
    from employed
    group by as_at_date

),

agency_workers_pct as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'agency_workers_pct' as measure,
        coalesce(agency_by_date.agency_workers, 0) as numerator,
        coalesce(agency_by_date.workers_employed, 0) as denominator
    from reporting_dates
    left join agency_by_date on reporting_dates.as_at_date = agency_by_date.as_at_date

),

family_measures as (

    select * from average_caseload
    union all by name
    select * from workers_over_max_caseload_pct
    union all by name
    select * from unallocated_children
    union all by name
    select * from agency_workers_pct

)

select * from family_measures
