"""Which team can fix a failing record (issue 23): the SQL that places each failing line of the extract in the team
responsible for the child or worker it concerns, from the keys on the record (the staging models, restricted).

In order, the first that gives a team listed in teams.csv:
1. the child's allocated team at the extract date (an allocation open on that date: start <= date < end);
2. the record's own team (teams.csv, allocations, referrals and assessments carry a team_id);
3. the team of the record's worker (workers.csv);
4. the team of the referral's assessment (the latest one started);
5. the team of the child's last allocation (a child unallocated now: the same rule as the unallocated worklist);
6. the team of the child's latest referral;
7. the team of a supervision's supervisor (a supervision of a worker missing from workers.csv);
8. the front-door team, when the council has exactly one MASH team, for a contact or a child record that nothing
   above places (a child known only through contacts: the front door decides on contacts).
A record none of these places stays on the "No team" worklist with the reason (what it names and why that gives
no team). Only the team and the basis are stored (the restricted failures store), never a personal value.
Pure Python: builds SQL run on the warehouse.
"""

from __future__ import annotations

from dagster_project.contract.model import load_contract, staging_model

# The keys a record can be placed by, and the file whose staging model holds them.
LINK_COLUMNS = ("child_id", "worker_id", "referral_id", "team_id")

BASIS = {
    "child_allocation": "the child's allocated team",
    "own_team": "the record's team",
    "worker_team": "the team of the record's worker",
    "referral_assessment": "the team of the referral's assessment",
    "child_last_allocation": "the team of the child's last allocation",
    "child_referral": "the team of the child's latest referral",
    "supervisor_team": "the team of the supervisor",
    "front_door": "the front-door (MASH) team",
}
FRONT_DOOR_FILES = ("contacts.csv", "children.csv")
NO_KEYS = "the record names no child, worker, referral or team"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _links_sql(names: dict[str, str]) -> str:
    """source_file, source_line and the four link keys of every staging row (NULL where a file has no such column)."""
    selects = []
    for file, spec in load_contract().files.items():
        columns = {c.name for c in spec.columns}
        keys = ", ".join(
            f"nullif(trim(cast({c} as varchar)), '') as {c}" if c in columns else f"cast(null as varchar) as {c}"
            for c in LINK_COLUMNS
        )
        selects.append(f"select source_file, source_line, {keys} from {names[staging_model(file)]}")
    return " union all ".join(selects)


def failure_teams_sql(names: dict[str, str], failures_sql: str, extract_date: str) -> str:
    """One row per distinct (source_file, source_line) of `failures_sql` with team_id and team_basis (the basis
    when placed, else 'no team: <reason>')."""
    stg = {
        file: names[staging_model(file)]
        for file in ("teams", "workers", "allocations", "assessments", "referrals", "supervisions")
    }
    front_door_files = ", ".join(_literal(f) for f in FRONT_DOOR_FILES)
    date = f"date '{extract_date}'"
    return f"""
    with failing as (select distinct source_file, source_line from ({failures_sql})),
    links as ({_links_sql(names)}),
    known_teams as (select distinct team_id from {stg["teams"]} where team_id is not null),
    allocations as (
        select child_id, team_id, start_date, end_date from {stg["allocations"]}
        where child_id is not null and team_id in (select team_id from known_teams)
    ),
    child_current as (
        select child_id, arg_max(team_id, start_date) as team_id from allocations
        where start_date <= {date} and (end_date is null or {date} < end_date) group by child_id
    ),
    child_last as (
        select child_id, arg_max(team_id, coalesce(end_date, start_date)) as team_id from allocations
        where start_date <= {date} group by child_id
    ),
    worker_team as (
        select worker_id, arg_max(team_id, start_date) as team_id from {stg["workers"]}
        where worker_id is not null and team_id in (select team_id from known_teams) group by worker_id
    ),
    referral_team as (
        select referral_id, arg_max(team_id, start_date) as team_id from {stg["assessments"]}
        where referral_id is not null and team_id in (select team_id from known_teams) group by referral_id
    ),
    child_referral as (
        select child_id, arg_max(team_id, referral_date) as team_id from {stg["referrals"]}
        where child_id is not null and team_id in (select team_id from known_teams) group by child_id
    ),
    supervisor as (
        select source_file, source_line, supervisor_id from {stg["supervisions"]} where supervisor_id is not null
    ),
    front_door as (
        select min(team_id) as team_id from {stg["teams"]} where upper(trim(service_area)) = 'MASH'
        having count(distinct team_id) = 1
    ),
    placed as (
        select
            failing.source_file, failing.source_line,
            links.child_id, links.worker_id, links.referral_id, links.team_id as own_team_id,
            child_current.team_id as child_team,
            own.team_id as own_team,
            worker_team.team_id as worker_team,
            referral_team.team_id as referral_team,
            child_last.team_id as child_last_team,
            child_referral.team_id as child_referral_team,
            supervisor_team.team_id as supervisor_team,
            case when failing.source_file in ({front_door_files}) then (select team_id from front_door) end
                as front_door_team
        from failing
        left join links using (source_file, source_line)
        left join known_teams as own on own.team_id = links.team_id
        left join child_current on child_current.child_id = links.child_id
        left join worker_team on worker_team.worker_id = links.worker_id
        left join referral_team on referral_team.referral_id = links.referral_id
        left join child_last on child_last.child_id = links.child_id
        left join child_referral on child_referral.child_id = links.child_id
        left join supervisor using (source_file, source_line)
        left join worker_team as supervisor_team on supervisor_team.worker_id = supervisor.supervisor_id
    )
    select
        source_file, source_line,
        coalesce(
            child_team, own_team, worker_team, referral_team, child_last_team, child_referral_team, supervisor_team,
            front_door_team
        ) as team_id,
        case
            when child_team is not null then {_literal(BASIS["child_allocation"])}
            when own_team is not null then {_literal(BASIS["own_team"])}
            when worker_team is not null then {_literal(BASIS["worker_team"])}
            when referral_team is not null then {_literal(BASIS["referral_assessment"])}
            when child_last_team is not null then {_literal(BASIS["child_last_allocation"])}
            when child_referral_team is not null then {_literal(BASIS["child_referral"])}
            when supervisor_team is not null then {_literal(BASIS["supervisor_team"])}
            when front_door_team is not null then {_literal(BASIS["front_door"])}
            when coalesce(child_id, worker_id, referral_id, own_team_id) is null then {_literal("no team: " + NO_KEYS)}
            else 'no team: ' || concat_ws('; ',
                case when child_id is not null then 'the child has no allocation or referral with a listed team' end,
                case when worker_id is not null then 'the worker is not in workers.csv with a listed team' end,
                case when referral_id is not null then 'the referral has no assessment with a listed team' end,
                case when own_team_id is not null then 'its team is not in teams.csv' end)
        end as team_basis
    from placed
    """
