-- Children open to a plan (CP, CIN) or looked after at D with no open allocation to any worker, whatever the
-- worker's role (docs/measures.md, "Workforce"), with the team they belong to (docs/measures.md "Which team a
-- figure belongs to"): the team of their last allocation ended by D, else the team of their latest referral
-- dated on or before D, else NULL ("No team").
-- grain: one row per (as_at_date, child_id)

with open_cases as (

    select distinct
        as_at_date,
        child_id
    from {{ ref('int_children_open_cases_listed') }}

),

allocations as (

    select * from {{ ref('int_allocations_validated') }}

),

referrals as (

    select * from {{ ref('int_referrals_validated') }}

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

last_allocation_team as (

    select
        unallocated.as_at_date,
        unallocated.child_id,
        arg_max(allocations.team_id, (allocations.end_date, allocations.allocation_id)) as team_id
    from unallocated
    inner join allocations
        on
            unallocated.child_id = allocations.child_id
            and unallocated.as_at_date >= allocations.end_date
    group by all

),

latest_referral_team as (

    select
        unallocated.as_at_date,
        unallocated.child_id,
        arg_max(referrals.team_id, (referrals.referral_date, referrals.referral_id)) as team_id
    from unallocated
    inner join referrals
        on
            unallocated.child_id = referrals.child_id
            and unallocated.as_at_date >= referrals.referral_date
    group by all

),

assigned as (

    select
        unallocated.as_at_date,
        unallocated.child_id,
        coalesce(last_allocation_team.team_id, latest_referral_team.team_id) as team_id
    from unallocated
    left join last_allocation_team
        on
            unallocated.as_at_date = last_allocation_team.as_at_date
            and unallocated.child_id = last_allocation_team.child_id
    left join latest_referral_team
        on
            unallocated.as_at_date = latest_referral_team.as_at_date
            and unallocated.child_id = latest_referral_team.child_id

)

select * from assigned
