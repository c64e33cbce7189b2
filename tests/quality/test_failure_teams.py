"""Which team a failing record goes to (quality/failure_teams.py): the SQL run on a small warehouse of staging
tables built here, each expected team worked out by hand from the rules' order in the module docstring."""

from __future__ import annotations

import duckdb
import pytest

from dagster_project.contract.model import load_contract, staging_model
from dagster_project.quality.failure_teams import BASIS, NO_KEYS, failure_teams_sql

pytestmark = pytest.mark.fast

EXTRACT = "2020-03-31"
ROWS = {  # file -> rows (source_line first); the columns a row does not name are NULL
    "teams.csv": [(2, {"team_id": "T1", "service_area": "CIN"}), (3, {"team_id": "T2", "service_area": "CP_COURT"}),
                  (4, {"team_id": "M1", "service_area": "MASH"})],
    "workers.csv": [(2, {"worker_id": "W1", "team_id": "T2", "start_date": "2019-01-01"}),
                    (3, {"worker_id": "W9", "team_id": "TX", "start_date": "2019-01-01"})],
    "allocations.csv": [
        (2, {"allocation_id": "L1", "child_id": "C1", "team_id": "T1", "start_date": "2020-01-01"}),
        (3, {"allocation_id": "L2", "child_id": "C2", "team_id": "T2", "start_date": "2019-06-01",
             "end_date": "2020-02-01"}),
    ],
    "referrals.csv": [(2, {"referral_id": "R1", "child_id": "C3", "team_id": "T2", "referral_date": "2020-01-05"})],
    "assessments.csv": [
        (2, {"assessment_id": "A1", "referral_id": "R2", "team_id": "T1", "start_date": "2020-02-01"}),
        (3, {"assessment_id": "A2", "child_id": "C9", "team_id": "T1", "start_date": "2020-02-01"}),
    ],
    "visits.csv": [(2, {"visit_id": "V1", "child_id": "C1", "worker_id": "W1"}),
                   (3, {"visit_id": "V2", "child_id": "C9", "worker_id": "W1"})],
    "plans.csv": [(2, {"plan_id": "P1", "child_id": "C5", "referral_id": "R2"})],
    "cla_episodes.csv": [(2, {"episode_id": "E1", "child_id": "C2"}), (3, {"episode_id": "E2", "child_id": "C8"})],
    "children.csv": [(2, {"child_id": "C3"})],
    "contacts.csv": [(2, {"contact_id": "K1", "child_id": "C7"})],
    "supervisions.csv": [(2, {"supervision_id": "S1", "worker_id": "W9", "supervisor_id": "W1"}),
                         (3, {"supervision_id": "S2"})],
}  # fmt: skip
# (file, line) -> (team, basis), from the rules' order
EXPECTED = {
    ("visits.csv", 2): ("T1", BASIS["child_allocation"]),  # the child's allocation beats the worker's team
    ("visits.csv", 3): ("T2", BASIS["worker_team"]),  # C9 has no allocation: the worker's team
    ("assessments.csv", 3): ("T1", BASIS["own_team"]),
    ("plans.csv", 2): ("T1", BASIS["referral_assessment"]),  # referral R2's assessment A1
    ("cla_episodes.csv", 2): ("T2", BASIS["child_last_allocation"]),  # C2's allocation ended 2020-02-01
    ("children.csv", 2): ("T2", BASIS["child_referral"]),  # C3: never allocated, referral R1 in T2
    ("contacts.csv", 2): ("M1", BASIS["front_door"]),  # C7 known only at the front door: the one MASH team
    ("supervisions.csv", 2): ("T2", BASIS["supervisor_team"]),  # W9's team TX is not in teams.csv
    ("workers.csv", 3): (  # W9 itself: its team TX is not listed, so neither is W9 with a listed team
        None,
        "no team: the worker is not in workers.csv with a listed team; its team is not in teams.csv",
    ),
    ("cla_episodes.csv", 3): (None, "no team: the child has no allocation or referral with a listed team"),
    ("supervisions.csv", 3): (None, f"no team: {NO_KEYS}"),
}


def _warehouse() -> tuple[duckdb.DuckDBPyConnection, dict[str, str]]:
    conn = duckdb.connect()
    names = {}
    for file, spec in load_contract().files.items():
        table = staging_model(file)
        names[table] = table
        columns = [c.name for c in spec.columns]
        typed = ", ".join(f"{c} {'date' if c.endswith('date') else 'varchar'}" for c in columns)
        conn.execute(f"create table {table} (source_file varchar, source_line bigint, {typed})")
        for line, values in ROWS.get(spec.file_name, []):
            conn.execute(
                f"insert into {table} (source_file, source_line, {', '.join(values)}) values (?, ?"
                + ", ?" * len(values)
                + ")",
                [spec.file_name, line, *values.values()],
            )
    failing = ", ".join(f"('{file}', {line})" for file, line in EXPECTED)
    conn.execute(f"create table failing as select * from (values {failing}) as f(source_file, source_line)")
    return conn, names


def test_each_failing_record_goes_to_the_first_rule_that_gives_a_listed_team():
    conn, names = _warehouse()
    placed = {
        (file, line): (team, basis)
        for file, line, team, basis in conn.execute(
            failure_teams_sql(names, "select * from failing", EXTRACT)
        ).fetchall()
    }
    assert placed == EXPECTED


def test_no_front_door_team_when_the_council_has_two_mash_teams():
    conn, names = _warehouse()
    conn.execute(
        "insert into stg_case_management__teams (source_file, source_line, team_id, service_area) "
        "values ('teams.csv', 5, 'M2', 'MASH')"
    )
    placed = dict(
        ((f, line), team)
        for f, line, team, _ in conn.execute(failure_teams_sql(names, "select * from failing", EXTRACT)).fetchall()
    )
    assert placed[("contacts.csv", 2)] is None
