-- Team worklists: children on a plan or looked after at the extract date with no open allocation, since when,
-- and the team they belong to (int_children_unallocated_listed: their last allocation's team, else their latest
-- referral's; NULL if neither), as in the unallocated_children breakdown. Ids only.
-- grain: one row per (child_id, visit_type)

with open_cases as (

    select * from {{ ref('int_children_open_cases_listed') }}
    where as_at_date = cast('{{ csc_run_var("extract_date") }}' as date)

),

allocations as (

    select * from {{ ref('int_allocations_validated') }}

),

assigned_teams as (

    select * from {{ ref('int_children_unallocated_listed') }}
    where as_at_date = cast('{{ csc_run_var("extract_date") }}' as date)

),

unallocated as (

    select open_cases.*
    from open_cases
    anti join allocations
        on
            open_cases.child_id = allocations.child_id
            and open_cases.as_at_date >= allocations.start_date
            and (allocations.end_date is null or open_cases.as_at_date < allocations.end_date)

),

last_allocation as (

    select
        unallocated.child_id,
        unallocated.visit_type,
        allocations.end_date,
        row_number() over (
            partition by unallocated.child_id, unallocated.visit_type
            order by allocations.end_date desc, allocations.allocation_id desc
        ) as allocation_rank
    from unallocated
    inner join allocations
        on
            unallocated.child_id = allocations.child_id
            and unallocated.as_at_date >= allocations.end_date

),

dated as (

    select
        unallocated.as_at_date,
        unallocated.child_id,
        unallocated.visit_type,
        unallocated.record_start_date as case_start_date,
        greatest(unallocated.record_start_date, last_allocation.end_date) as unallocated_since,
        assigned_teams.team_id
    from unallocated
    left join last_allocation
        on
            unallocated.child_id = last_allocation.child_id
            and unallocated.visit_type = last_allocation.visit_type
            and last_allocation.allocation_rank = 1
    left join assigned_teams on unallocated.child_id = assigned_teams.child_id

)

select * from dated
