"""Every team is named from the team list (marts.team_directory), including a team with no breakdown row: a
leaving-care team of personal advisers holds no case-holding worker, plan or visit, so it has no row in
marts.scorecard_by_team, yet it has a worklist. Its label was "T0010 (T0010)" when names came from the breakdown."""

from __future__ import annotations

import re
import shutil

import duckdb

from dagster_project.reports.published import load_published
from dagster_project.reports.worklists import build_worklists
from dagster_project.settings import CHILD_LEVEL_DATABASE_NAME

# tests/fixtures/conformance/2020-03-31/teams.csv, by hand
CONFORMANCE_TEAMS = {
    "T1": ("MASH and Assessment", "ASSESSMENT"),
    "T2": ("Child in Need", "CIN"),
    "T3": ("Child Protection and Court", "CP_COURT"),
    "T4": ("Children in Care", "LAC"),
    "T5": ("Disabled Children", "DISABLED_CHILDREN"),
}


def test_a_team_without_breakdown_rows_is_named_from_the_team_list(report_run, tmp_path):
    published = tmp_path / "published" / "analytics.duckdb"
    child_level = tmp_path / "restricted" / CHILD_LEVEL_DATABASE_NAME
    published.parent.mkdir()
    child_level.parent.mkdir()
    shutil.copy(report_run.paths.published_database, published)
    shutil.copy(report_run.paths.child_level_database, child_level)
    with duckdb.connect(str(published)) as conn:
        # T5 as a team no measure places a record in (its visits and workers stay on its worklist)
        conn.execute("delete from marts.scorecard_by_team where team_id = 'T5'")
    data = load_published(published, child_level)
    assert {t: data.teams[t] for t in CONFORMANCE_TEAMS} == CONFORMANCE_TEAMS
    labels = {w.team_id: w.team_label for w in build_worklists(data, [], {}, caseload_max=23)}
    assert labels["T5"] == "Disabled Children (T5)"
    assert not [label for label in labels.values() if re.fullmatch(r"(\w+) \(\1\)", label)], labels


def test_the_team_directory_lists_every_team_that_counts(report_run):
    with duckdb.connect(str(report_run.paths.published_database), read_only=True) as conn:
        rows = conn.execute("select team_id, team_name, service_area from marts.team_directory").fetchall()
    assert {r[0]: (r[1], r[2]) for r in rows} == CONFORMANCE_TEAMS
