-- Contacts with the team they belong to (docs/measures.md "Which team a figure belongs to"). A contact carries no
-- team in the export: it is the front door's, the council's MASH team when it has exactly one (NULL otherwise:
-- "No team"). The front-door breakdowns and worklist both read it.
-- grain: one row per contact_id

with contacts as (

    select * from {{ ref('int_contacts_decisions_evaluated') }}

),

teams as (

    select * from {{ ref('int_teams_validated') }}

),

front_door_team as (

    select min(team_id) as team_id
    from teams
    where service_area = 'MASH'
    having count(*) = 1

),

assigned as (

    select
        contacts.*,
        front_door_team.team_id
    from contacts
    left join front_door_team on true

)

select * from assigned
