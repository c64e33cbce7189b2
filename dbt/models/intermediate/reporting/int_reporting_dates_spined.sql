-- The reporting-date spine (docs/measures.md "Reporting dates").
-- grain: one row per (period_type, as_at_date)
-- Weeks end on Sundays, months on month-ends, from the first month in the data up to the extract date; the
-- extract date is added as a final partial period of each type unless it already ends one.

with referrals as (

    select min(referral_date) as first_date from {{ ref('int_referrals_validated') }}

),

contacts as (

    select min(contact_date) as first_date from {{ ref('int_contacts_validated') }}

),

plans as (

    select min(start_date) as first_date from {{ ref('int_plans_validated') }}

),

episodes as (

    select min(start_date) as first_date from {{ ref('int_cla_episodes_validated') }}

),

allocations as (

    select min(start_date) as first_date from {{ ref('int_allocations_validated') }}

),

bounds as (

    select
        cast(date_trunc('month', least(
            referrals.first_date, contacts.first_date, plans.first_date, episodes.first_date, allocations.first_date
        )) as date) as first_day,
        cast('{{ csc_run_var("extract_date") }}' as date) as extract_date
    from referrals, contacts, plans, episodes, allocations

),

month_ends as (

    select
        'month' as period_type,
        cast(last_day(month_start) as date) as as_at_date
    from bounds, unnest(generate_series(first_day, extract_date, interval 1 month)) as months (month_start)
    where last_day(month_start) <= extract_date

),

sundays as (

    select
        'week' as period_type,
        cast(sunday as date) as as_at_date
    from bounds,
        unnest(generate_series(
            first_day + cast((7 - isodow(first_day)) % 7 as integer), extract_date, interval 7 day
        )) as weeks (sunday)

),

extract_partial_periods as (

    select
        'month' as period_type,
        extract_date as as_at_date
    from bounds
    where extract_date <> last_day(extract_date)
    union all
    select
        'week' as period_type,
        extract_date as as_at_date
    from bounds
    where isodow(extract_date) <> 7

),

spine as (

    select * from month_ends
    union all
    select * from sundays
    union all
    select * from extract_partial_periods

),

dated as (

    select
        spine.period_type,
        spine.as_at_date,
        case spine.period_type
            when 'week' then spine.as_at_date - cast(isodow(spine.as_at_date) - 1 as integer)
            else cast(date_trunc('month', spine.as_at_date) as date)
        end as period_start_date,
        spine.as_at_date = bounds.extract_date as is_extract_date,
        -- false only for the extract's own partial week / month ("week / month to date")
        case spine.period_type
            when 'week' then isodow(spine.as_at_date) = 7
            else spine.as_at_date = last_day(spine.as_at_date)
        end as is_complete_period,
        -- child-level mart rows: every month-end, the 13 most recent Sundays and the extract date
        spine.period_type = 'month'
        or spine.as_at_date = bounds.extract_date
        or row_number() over (partition by spine.period_type order by spine.as_at_date desc)
        <= 13 + case when isodow(bounds.extract_date) <> 7 then 1 else 0 end as is_child_level_date
    from spine, bounds

)

select * from dated
