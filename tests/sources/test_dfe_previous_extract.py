"""The SSDA903 rules that compare with last year's return (202-204, 208, 205D, 502, 503A/B/D, 562, NoE; OC3 348,
1010) on a real two-extract run: last year's 903 return and this year's are imported as two extracts (`csc import
ssda903`) and the real nightly job runs on each. The previous extract is the most recent extract date before the
run's target still in the raw layer. On the first extract there is none: every such rule is not applicable
(never passed). On the second, they compare with the first and fire exactly on the children changed
between the two returns."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from dagster_project.cli import main as csc
from dagster_project.quality.dfe_parity import project_pairs
from dagster_project.quality.rules import registry
from tests.pipeline.run_pipeline import run_pipeline
from tests.sources.ssda903_export import export_ssda903

LAST_YEAR, THIS_YEAR = "2025-10-31", "2026-10-31"
PREVIOUS_EXTRACT_CODES = {
    "202",
    "203",
    "204",
    "502",
    "503A",
    "503B",
    "503D",
    "562",
    "NoE",
    "348",
    "1010",
    "208",
    "205D",
}


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def _uk(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def _changed_returns(last_year: Path, this_year: Path) -> dict[str, set[str]]:
    """Edit this year's copy (and last year's, for a child missing from it) so each previous-extract rule has
    children of its own; returns code -> the children it must report."""
    header_columns, header = _read(this_year / "header.csv")
    episode_columns, episodes = _read(this_year / "episodes.csv")
    by_child = defaultdict(list)
    for row in episodes:
        by_child[row["CHILD"]].append(row)
    for rows in by_child.values():
        rows.sort(key=lambda r: _uk(r["DECOM"]))
    open_children = sorted(c for c, rows in by_child.items() if not rows[-1]["DEC"])
    closed_children = sorted(c for c, rows in by_child.items() if rows[-1]["DEC"] and len(rows) > 1)
    d, e, f, g = open_children[:4]
    h, i = closed_children[:2]
    a, b, c, j, k, *both_years = [row["CHILD"] for row in header if row["CHILD"] not in {d, e, f, g, h, i}][:10]
    people = {row["CHILD"]: row for row in header}
    people[a]["SEX"] = "F" if people[a]["SEX"] == "M" else "M"  # 202
    people[b]["DOB"] = (_uk(people[b]["DOB"]) - dt.timedelta(days=1)).strftime("%d/%m/%Y")  # 203
    people[c]["ETHNIC"] = "WIRI" if people[c]["ETHNIC"] != "WIRI" else "WBRI"  # 204
    still_open = {child: by_child[child][-1] for child in (d, e, f, g)}
    still_open[d]["DECOM"] = (_uk(still_open[d]["DECOM"]) + dt.timedelta(days=1)).strftime("%d/%m/%Y")  # 502
    still_open[e]["RNE"] = "P" if still_open[e]["RNE"] != "P" else "S"  # 503A
    still_open[f]["LS"] = "C1" if still_open[f]["LS"] != "C1" else "C2"  # 503B
    still_open[g]["PLACE"] = "U1" if still_open[g]["PLACE"] != "U1" else "U3"  # 503D
    people[j]["UPN"] = "P884000000002"  # 208: last year's is R884123456789 (below)
    _write(this_year / "header.csv", header_columns, header)
    # 205D: k is UASC this year, not last year (five others are both years: no 205D; and 5 -> 6 rows stays under
    # the plausibility check's 25% jump)
    lines = {x: f"{people[x]['CHILD']},{people[x]['SEX']},{people[x]['DOB']},\r\n" for x in (*both_years, k)}
    last = "CHILD,SEX,DOB,DUC\r\n" + "".join(lines[x] for x in both_years)
    (last_year / "uasc.csv").write_text(last, encoding="utf-8")
    (this_year / "uasc.csv").write_text(last + lines[k], encoding="utf-8")
    _write(this_year / "episodes.csv", episode_columns, episodes)
    # last year's return: child h not in it at all (NoE, 562); child i without its latest episode (562)
    _, last_header = _read(last_year / "header.csv")
    _, last_episodes = _read(last_year / "episodes.csv")
    latest_of_i = by_child[i][-1]["DECOM"]
    last_episodes = [
        r for r in last_episodes if r["CHILD"] != h and not (r["CHILD"] == i and r["DECOM"] == latest_of_i)
    ]
    for row in last_header:
        if row["CHILD"] == j:
            row["UPN"] = "R884123456789"
    _write(last_year / "header.csv", header_columns, [r for r in last_header if r["CHILD"] != h])
    _write(last_year / "episodes.csv", episode_columns, last_episodes)
    # OC3 (care leavers): x reported DIED last year and in touch this year (348); y, whose latest episode was open
    # last year, has care leaver data and no episode this year (1010)
    y = open_children[4]
    x = next(row["CHILD"] for row in header if row["CHILD"] not in {a, b, c, d, e, f, g, h, i, y})
    _write(this_year / "episodes.csv", episode_columns, [r for r in episodes if r["CHILD"] != y])
    oc3_columns = ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"]
    # y is in last year's OC3 too: the same number of care leavers each year (a jump would block the run)
    _write(last_year / "oc3.csv", oc3_columns, [
        dict(CHILD=x, DOB=people[x]["DOB"], IN_TOUCH="DIED", ACTIV="0", ACCOM="0"),
        dict(CHILD=y, DOB=people[y]["DOB"], IN_TOUCH="YES", ACTIV="F2", ACCOM="B1"),
    ])  # fmt: skip
    _write(this_year / "oc3.csv", oc3_columns, [
        dict(CHILD=x, DOB=people[x]["DOB"], IN_TOUCH="NO", ACTIV="0", ACCOM="0"),
        dict(CHILD=y, DOB=people[y]["DOB"], IN_TOUCH="YES", ACTIV="F2", ACCOM="B1"),
    ])  # fmt: skip
    return {"202": {a}, "203": {b}, "204": {c}, "502": {d}, "503A": {e}, "503B": {f}, "503D": {g},
            "562": {d, h, i}, "NoE": {h}, "348": {x}, "1010": {y}, "208": {j}, "205D": {k}}  # fmt: skip


def _statuses(paths, run_extract: str) -> dict[str, tuple[str, str]]:
    previous = {r.id for r in registry() if r.reads_previous_extract}
    with duckdb.connect(str(paths.history_database), read_only=True) as conn:
        rows = conn.execute(
            "select check_name, status, failure_sample from main.dq_results where extract_date = ?", [run_extract]
        ).fetchall()
    return {name: (status, sample) for name, status, sample in rows if name in previous}


@pytest.fixture(scope="module")
def two_extracts(tmp_path_factory):
    root = tmp_path_factory.mktemp("dfe_previous_extract")
    generated = root / "generated"
    command = [sys.executable, "-m", "dagster_project.cli", "generate", "--preset", "council", "--scale", "0.2",
               "--extract-date", LAST_YEAR, "--seed", "13", "--defect-rate", "0", "--out", str(generated),
               "--quiet"]  # fmt: skip
    subprocess.run(command, check=True)
    last_year = export_ssda903(generated / LAST_YEAR, root / "903_last_year")
    this_year = root / "903_this_year"
    shutil.copytree(last_year, this_year)  # the same history a year on, with the changes below
    expected = _changed_returns(last_year, this_year)
    for folder, date in ((last_year, LAST_YEAR), (this_year, THIS_YEAR)):
        assert csc(["import", "ssda903", str(folder), "--out", str(root / "raw"), "--extract-date", date]) == 0
    first, _ = run_pipeline(root, LAST_YEAR)
    assert first.success, first.error
    second, paths = run_pipeline(root, THIS_YEAR)
    assert second.success, second.error
    return paths, expected


def test_without_a_previous_extract_the_rules_are_not_applicable(two_extracts):
    paths, _ = two_extracts
    statuses = _statuses(paths, LAST_YEAR)
    assert len(statuses) == 13
    assert all(status == "not_applicable" and "no extract before" in sample for status, sample in statuses.values())


def test_with_last_years_return_they_compare_and_fire_on_the_changed_children_only(two_extracts):
    paths, expected = two_extracts
    statuses = _statuses(paths, THIS_YEAR)
    assert len(statuses) == 13 and {status for status, _ in statuses.values()} == {"failed"}
    found = defaultdict(set)
    for child, code in project_pairs(paths.warehouse, "903"):
        if code in PREVIOUS_EXTRACT_CODES:
            found[code].add(child)
    assert dict(found) == expected
