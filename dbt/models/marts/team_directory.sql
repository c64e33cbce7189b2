-- The teams of the extract that count (teams.csv after the exclusion rules), with their names and service
-- areas: where the reports take a team's name from. A team need not have a row in scorecard_by_team (a
-- leaving-care team of personal advisers holds no case-holding worker, no plan and no visit), yet it has a
-- worklist; reading names from the breakdown left it labelled by its id ("T0010 (T0010)").
-- grain: one row per team_id

with teams as (

    select * from {{ ref('int_teams_validated') }}

),

listed as (

    select
        team_id,
        team_name,
        service_area
    from teams

)

select * from listed
