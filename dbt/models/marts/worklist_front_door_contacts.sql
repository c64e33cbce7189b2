-- Team worklists (issue 23): contacts with no decision at the extract date more than one working day after the
-- contact (the front door's one-working-day standard), with the working days waiting. team_id is the front-door
-- team of int_contacts_teams_assigned: the council's MASH team when it has exactly one (NULL otherwise: the
-- "No team" worklist), as in the front-door breakdowns. Ids only.
-- grain: one row per contact_id

with contacts as (

    select * from {{ ref('int_contacts_teams_assigned') }}

),

undecided as (

    select
        cast('{{ csc_run_var("extract_date") }}' as date) as as_at_date,
        contact_id,
        child_id,
        contact_date,
        contact_source,
        team_id
    from contacts
    where
        contact_date <= cast('{{ csc_run_var("extract_date") }}' as date)
        and (decision_date is null or decision_date > cast('{{ csc_run_var("extract_date") }}' as date))

),

waiting as (

    select
        undecided.*,
        {{ wd('undecided.contact_date', 'undecided.as_at_date') }} as working_days_waiting
    from undecided

),

listed as (

    select * from waiting
    where working_days_waiting > 1

)

select * from listed
