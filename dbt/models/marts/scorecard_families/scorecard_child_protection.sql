-- Scorecard rows of the child protection family (docs/measures.md): from the optional file
-- section47_enquiries.csv (no rows, and unavailable in marts.measure_availability, when an extract leaves it out).
-- grain: one row per (period_type, as_at_date, measure)

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}

),

enquiries as (

    select * from {{ ref('int_section47_enquiries_validated') }}

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

)

select * from icpc_within_15wd_pct
