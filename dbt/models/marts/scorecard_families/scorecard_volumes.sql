-- Scorecard rows of the volumes family (docs/measures.md): children in need, on plans and looked after, repeat
-- child protection plans and plans lasting two years or more. One CTE per measure.
-- grain: one row per (period_type, as_at_date, measure)

with reporting_dates as (

    select * from {{ ref('int_reporting_dates_spined') }}

),

open_cases as (

    select * from {{ ref('int_children_open_cases_listed') }}

),

plans as (

    select * from {{ ref('int_plans_validated') }}

),

referrals as (

    select * from {{ ref('int_referrals_validated') }}

),

child_population as (

    select * from {{ source('reference', 'child_population') }}

),

-- one row per (as_at_date, visit_type, child_id) already: a child with two open plans of a type counts once
open_children_by_date as (

    select
        as_at_date,
        count(*) filter (where visit_type = 'CP') as cp_children,
        count(*) filter (where visit_type = 'CIN') as cin_children,
        count(*) filter (where visit_type = 'CLA') as looked_after_children
    from open_cases
    group by as_at_date

),

-- children in need at D, the DfE's sense: an episode of need opens with a referral that is not no further action
-- (referred on D counts) and is open until its closure date (closed on D is closed, as a plan ending on D); a child
-- on a plan or looked after is in need too, even when the export shows their referral closed
open_referrals as (

    select
        reporting_dates.as_at_date,
        referrals.child_id
    from reporting_dates
    inner join referrals
        on
            reporting_dates.as_at_date >= referrals.referral_date
            and (referrals.closure_date is null or reporting_dates.as_at_date < referrals.closure_date)
    where not referrals.nfa

),

children_in_need_listed as (

    select
        as_at_date,
        child_id
    from open_referrals
    union
    select
        as_at_date,
        child_id
    from open_cases

),

-- union (not union all) above: a child with two open referrals, or a referral and a plan, counts once
children_in_need_by_date as (

    select
        as_at_date,
        count(*) as children_in_need
    from children_in_need_listed
    group by as_at_date

),

children_in_need_count as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'children_in_need_count' as measure,
        coalesce(children_in_need_by_date.children_in_need, 0) as numerator,
        1 as denominator
    from reporting_dates
    left join children_in_need_by_date on reporting_dates.as_at_date = children_in_need_by_date.as_at_date

),

children_cp_count as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'children_cp_count' as measure,
        coalesce(open_children_by_date.cp_children, 0) as numerator,
        1 as denominator
    from reporting_dates
    left join open_children_by_date on reporting_dates.as_at_date = open_children_by_date.as_at_date

),

children_cin_plan_count as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'children_cin_plan_count' as measure,
        coalesce(open_children_by_date.cin_children, 0) as numerator,
        1 as denominator
    from reporting_dates
    left join open_children_by_date on reporting_dates.as_at_date = open_children_by_date.as_at_date

),

children_looked_after_count as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'children_looked_after_count' as measure,
        coalesce(open_children_by_date.looked_after_children, 0) as numerator,
        1 as denominator
    from reporting_dates
    left join open_children_by_date on reporting_dates.as_at_date = open_children_by_date.as_at_date

),

-- a CP plan is a repeat when the child has a CP plan that started earlier, at any time in the data
-- (a second plan starting on the same day as the first is not earlier)
cp_plans_sequenced as (

    select
        child_id,
        start_date,
        start_date > min(start_date) over (partition by child_id) as is_repeat
    from plans
    where plan_type = 'CP'

),

children_starting_cp_plans as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        cp_plans_sequenced.child_id,
        bool_or(cp_plans_sequenced.is_repeat) as is_repeat
    from reporting_dates
    inner join cp_plans_sequenced
        on cp_plans_sequenced.start_date between reporting_dates.period_start_date and reporting_dates.as_at_date
    group by all

),

cp_plan_starts_by_period as (

    select
        period_type,
        as_at_date,
        count(*) filter (where is_repeat) as repeat_children,
        count(*) as starting_children
    from children_starting_cp_plans
    group by all

),

cp_plans_repeat_pct as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'cp_plans_repeat_pct' as measure,
        coalesce(cp_plan_starts_by_period.repeat_children, 0) as numerator,
        coalesce(cp_plan_starts_by_period.starting_children, 0) as denominator
    from reporting_dates
    left join cp_plan_starts_by_period
        on
            reporting_dates.period_type = cp_plan_starts_by_period.period_type
            and reporting_dates.as_at_date = cp_plan_starts_by_period.as_at_date

),

-- the rates' denominator: the council's children in 10,000s at each reporting date (0 when the population is
-- unknown: no figure, never a guess)
population_by_date as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        coalesce(max(child_population.population), 0) / 10000 as population_10k
    from reporting_dates
    left join child_population
        on
            reporting_dates.as_at_date >= child_population.valid_from
            and reporting_dates.as_at_date < child_population.valid_to
    group by all

),

children_cp_rate_per_10k as (

    select
        population_by_date.period_type,
        population_by_date.as_at_date,
        'children_cp_rate_per_10k' as measure,
        coalesce(open_children_by_date.cp_children, 0) as numerator,
        population_by_date.population_10k as denominator
    from population_by_date
    left join open_children_by_date on population_by_date.as_at_date = open_children_by_date.as_at_date

),

children_looked_after_rate_per_10k as (

    select
        population_by_date.period_type,
        population_by_date.as_at_date,
        'children_looked_after_rate_per_10k' as measure,
        coalesce(open_children_by_date.looked_after_children, 0) as numerator,
        population_by_date.population_10k as denominator
    from population_by_date
    left join open_children_by_date on population_by_date.as_at_date = open_children_by_date.as_at_date

),

children_in_need_rate_per_10k as (

    select
        population_by_date.period_type,
        population_by_date.as_at_date,
        'children_in_need_rate_per_10k' as measure,
        coalesce(children_in_need_by_date.children_in_need, 0) as numerator,
        population_by_date.population_10k as denominator
    from population_by_date
    left join children_in_need_by_date on population_by_date.as_at_date = children_in_need_by_date.as_at_date

),

-- CP plans ending in the period; a plan lasted two years or more when it ended on or after the same day two
-- calendar years after it started (29 February + 2 years is 28 February)
cp_plans_ended_by_period as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        count(*) filter (where plans.end_date >= cast(plans.start_date + interval 2 year as date)) as two_years,
        count(*) as ended
    from reporting_dates
    inner join plans
        on plans.end_date between reporting_dates.period_start_date and reporting_dates.as_at_date
    where plans.plan_type = 'CP'
    group by all

),

cp_plans_two_years_pct as (

    select
        reporting_dates.period_type,
        reporting_dates.as_at_date,
        'cp_plans_two_years_pct' as measure,
        coalesce(cp_plans_ended_by_period.two_years, 0) as numerator,
        coalesce(cp_plans_ended_by_period.ended, 0) as denominator
    from reporting_dates
    left join cp_plans_ended_by_period
        on
            reporting_dates.period_type = cp_plans_ended_by_period.period_type
            and reporting_dates.as_at_date = cp_plans_ended_by_period.as_at_date

),

family_measures as (

    select * from children_cp_count
    union all by name
    select * from children_cin_plan_count
    union all by name
    select * from children_looked_after_count
    union all by name
    select * from cp_plans_repeat_pct
    union all by name
    select * from cp_plans_two_years_pct
    union all by name
    select * from children_cp_rate_per_10k
    union all by name
    select * from children_looked_after_rate_per_10k
    union all by name
    select * from children_in_need_count
    union all by name
    select * from children_in_need_rate_per_10k

)

select * from family_measures
