"""The whole pipeline (ingest, checks, dbt, publish) on imported statutory returns: the peer's CIN
census, and an SSDA903 round trip from the generated council compared with the council's own
case-management extract for the same day."""

from __future__ import annotations

import csv
import html
from pathlib import Path

import duckdb
import pytest

from dagster_project.catalogue import load_measures
from dagster_project.cli import main as csc
from dagster_project.quality.rule_counts import relation_names
from dagster_project.quality.rules import rule_by_id
from dagster_project.sources.descriptor import read_descriptor
from tests.pipeline.run_pipeline import run_pipeline
from tests.sources.ssda903_export import export_ssda903

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
COUNCIL_DATE = "2019-03-01"


def _published(paths, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(paths.published_database), read_only=True) as conn:
        return conn.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="module")
def cin_run(cin_census_run):
    """The peer's CIN census (the fake return in tests/fixtures/peer_cin_census/, the same file as the DfE parity
    test's) imported and run through the nightly job: the session's run (tests/sources/conftest.py)."""
    return cin_census_run


def test_cin_census_publishes_what_it_supports(cin_run):
    outcome, paths, _ = cin_run
    assert outcome.success, outcome.error
    published = {m for (m,) in _published(paths, "select distinct measure from marts.scorecard")}
    # cp_reviews_in_time_pct: the census's CP reviews (this return has no CP plan: 0 of 0)
    assert published == {"assessments_in_time_pct", "overdue_open_assessments", "referrals_nfa_pct",
                         "re_referrals_pct", "children_cp_count", "children_cin_plan_count",
                         "cp_plans_repeat_pct", "cp_plans_two_years_pct", "children_cp_rate_per_10k",
                         "children_in_need_count", "children_in_need_rate_per_10k",
                         "cp_reviews_in_time_pct"}  # fmt: skip
    availability = dict(_published(paths, "select measure, reason from marts.measure_availability where not available"))
    for measure in ("cp_visits_in_time_pct", "average_caseload", "supervision_in_time_pct"):
        assert availability[measure].startswith("not available from this source: a CIN census has no")
    assert set(availability) | published == {m.measure for m in load_measures()}
    # Re-referrals: the referrals that count, computed here from the imported file and the exclusions.
    (referrals_counted,) = _published(
        paths, "select denominator from marts.scorecard where measure = 're_referrals_pct' "
        "and period_type = 'month' and as_at_date = date '2022-07-21'")  # fmt: skip
    assert referrals_counted[0] >= 0


def test_cin_census_records_not_applicable_rules_and_excludes_nothing_for_its_gaps(cin_run):
    outcome, paths, root = cin_run
    rows = _published(paths, "select check_name, passed, status, failure_sample, rows_failed from marts.dq_results "
                             "where run_id = ?", [outcome.run_id])  # fmt: skip
    by_name = {r[0]: r for r in rows}
    team = by_name["referrals.team_id.required"]
    assert team[1] is None and team[2] == "not_applicable" and team[4] is None
    assert team[3] == "not applicable: cin_census does not provide referrals.team_id"
    assert by_name["referrals.referral_date.required"][2] == "passed"
    assert {r[2] for r in rows} == {"passed", "failed", "not_applicable"}
    with duckdb.connect(str(paths.warehouse), read_only=True) as conn:
        names = relation_names(paths.warehouse)
        reasons = {
            r for (r,) in conn.execute(f"select distinct rule_id from {names['int_records_excluded']}").fetchall()
        }
        counted = conn.execute(f"select count(*) from {names['int_referrals_validated']}").fetchone()[0]
    assert not any(rule_by_id(r).defect_kind == "blank_required" for r in reasons)
    with open(root / "raw" / "2022-07-21" / "referrals.csv", encoding="utf-8") as f:
        imported = sum(1 for _ in csv.DictReader(f))
    excluded = {r for r in reasons if r.startswith("referrals.")}
    assert counted == imported - _excluded_rows(paths, "referrals.csv") and excluded <= {
        "referrals.referral_date.in_future", "referrals.closure_date.in_future"}  # fmt: skip


def _excluded_rows(paths, file_name: str) -> int:
    with duckdb.connect(str(paths.warehouse), read_only=True) as conn:
        names = relation_names(paths.warehouse)
        return conn.execute(
            f"select count(distinct source_line) from {names['int_records_excluded']} where source_file = ?",
            [file_name],
        ).fetchone()[0]


def test_cin_census_dfe_error_list(cin_run, tmp_path, monkeypatch):
    outcome, paths, root = cin_run
    monkeypatch.setenv("CSC_RAW_DIR", str(root / "raw"))
    monkeypatch.setenv("CSC_DATA_DIR", str(root / "data"))
    out = tmp_path / "dfe_errors.csv"
    assert csc(["dq", "dfe-errors", "--run", outcome.run_id, "--out", str(out)]) == 0
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with duckdb.connect(str(paths.restricted_dir / "dq_failures.duckdb"), read_only=True) as conn:
        stored = conn.execute(
            "select distinct rule_id, record_key from dq_failures where run_id = ?", [outcome.run_id]
        ).fetchall()
    # every stored failure is listed, once per DfE code its rule evaluates (or once under the project's rule id)
    assert stored and {(r["rule_id"], r["record_key"]) for r in rows} == set(stored)
    assert len(rows) >= len(stored)
    assert list(rows[0]) == ["return", "rule_code", "child_id", "record_key", "location", "message", "rule_id",
                             "action"]  # fmt: skip
    assert all(r["return"] == "CIN" and r["child_id"].startswith("RND") for r in rows)
    assert all(r["location"].startswith("fake_CIN_data.xml /Message/Children/Child[") for r in rows)
    # ids and positions only: no date of birth (the only personal field the census carries) in the list
    with open(root / "raw" / "2022-07-21" / "children.csv", encoding="utf-8") as f:
        births = {c["date_of_birth"] for c in csv.DictReader(f)} - {""}
    assert not any(b in out.read_text(encoding="utf-8") for b in births)


@pytest.fixture(scope="module")
def council_and_903(tmp_path_factory):
    council = tmp_path_factory.mktemp("council_pipeline")
    assert csc(["generate", "--preset", "council", "--scale", "0.2", "--extract-date", COUNCIL_DATE, "--seed", "5",
                "--defect-rate", "0", "--out", str(council / "raw"), "--optional-files"]) == 0  # fmt: skip
    council_outcome, council_paths = run_pipeline(council, COUNCIL_DATE)
    returns = tmp_path_factory.mktemp("ssda903_pipeline")
    files = export_ssda903(council / "raw" / COUNCIL_DATE, returns / "903")
    assert csc(["import", "ssda903", str(files), "--out", str(returns / "raw"), "--extract-date", COUNCIL_DATE]) == 0
    outcome, paths = run_pipeline(returns, COUNCIL_DATE)
    return (council_outcome, council_paths), (outcome, paths)


def _looked_after(paths) -> dict:
    names = relation_names(paths.warehouse)
    with duckdb.connect(str(paths.warehouse), read_only=True) as conn:
        return dict(conn.execute(
            f"select as_at_date, count(distinct child_id) from {names['int_children_open_cases_listed']} "
            "where visit_type = 'CLA' group by as_at_date").fetchall())  # fmt: skip


def test_ssda903_round_trip_gives_the_same_looked_after_figures(council_and_903):
    (council_outcome, council_paths), (outcome, paths) = council_and_903
    assert council_outcome.success, council_outcome.error
    assert outcome.success, outcome.error
    council, imported = _looked_after(council_paths), _looked_after(paths)
    common = sorted(set(council) & set(imported))
    assert len(common) >= 12 and max(common).isoformat() == COUNCIL_DATE
    assert {d: imported[d] for d in common} == {d: council[d] for d in common}
    assert council[max(common)] > 10
    # the published scorecard's own looked-after count agrees too, on every reporting date both hold
    sql = ("select period_type, as_at_date, value from marts.scorecard "
           "where measure = 'children_looked_after_count' order by 1, 2")  # fmt: skip
    theirs = {(p, d): v for p, d, v in _published(council_paths, sql)}
    ours = {(p, d): v for p, d, v in _published(paths, sql)}
    shared = ours.keys() & theirs.keys()
    assert len(shared) >= 12 and any(ours[k] > 10 for k in shared)
    assert {k: ours[k] for k in shared} == {k: theirs[k] for k in shared}


def test_ssda903_round_trip_carries_the_missing_episodes(council_and_903):
    """The 903's missing.csv fills the optional file missing_episodes: children missing from care are the same as
    in the council's own extract; the return interviews (not in the 903) are unavailable, saying so."""
    (_, council_paths), (_, paths) = council_and_903
    sql = ("select period_type, as_at_date, measure, numerator, denominator from marts.scorecard "
           "where measure in ('cla_went_missing_count', 'cla_went_missing_pct') order by all")  # fmt: skip
    theirs = {(p, d, m): (n, q) for p, d, m, n, q in _published(council_paths, sql)}
    ours = {(p, d, m): (n, q) for p, d, m, n, q in _published(paths, sql)}
    shared = ours.keys() & theirs.keys()
    assert len(shared) >= 24 and sum(ours[k][0] for k in shared) > 10
    assert {k: ours[k] for k in shared} == {k: theirs[k] for k in shared}
    reasons = dict(_published(paths, "select measure, reason from marts.measure_availability where not available"))
    assert reasons["cla_missing_return_interview_offered_pct"].startswith("not available from this source")
    assert "return_interview_offered" in reasons["cla_missing_return_interview_offered_pct"]
    # lineage: each imported missing episode names its line of missing.csv
    raw = paths.raw_dir / COUNCIL_DATE
    with open(raw / "_lineage.csv", encoding="utf-8") as f:
        origins = [r["origin"] for r in csv.DictReader(f) if r["source_file"] == "missing_episodes.csv"]
    with open(raw / "missing_episodes.csv", encoding="utf-8") as f:
        assert len(origins) == len(list(csv.DictReader(f))) > 10
    assert origins[0] == "missing.csv line 2"


def test_ssda903_round_trip_carries_the_care_leavers(council_and_903):
    """The 903's oc3.csv fills the optional file care_leavers: each care leaver of the council once (the OC3's one
    row per young person: their latest contact), with its in touch, activity and accommodation, and the line of
    oc3.csv it came from; dated in the return's collection year, never after the extract date."""
    (_, council_paths), (outcome, paths) = council_and_903
    assert outcome.success, outcome.error

    def rows(folder: Path, name: str) -> list[dict[str, str]]:
        with open(folder / name, encoding="utf-8") as f:
            return list(csv.DictReader(f))

    council = rows(council_paths.raw_dir / COUNCIL_DATE, "care_leavers.csv")
    latest = {}
    for c in sorted(council, key=lambda c: (c["contact_date"], c["care_leaver_record_id"])):
        latest[c["child_id"]] = (c["in_touch"], c["activity"], c["accommodation"])
    raw = paths.raw_dir / COUNCIL_DATE
    imported = rows(raw, "care_leavers.csv")
    assert len(latest) > 10 and len(imported) == len(latest)
    assert {c["child_id"]: (c["in_touch"], c["activity"], c["accommodation"]) for c in imported} == latest
    assert all("2018-04-01" <= c["contact_date"] <= COUNCIL_DATE for c in imported)
    origins = [r["origin"] for r in rows(raw, "_lineage.csv") if r["source_file"] == "care_leavers.csv"]
    assert origins == [f"oc3.csv line {n}" for n in range(2, len(imported) + 2)]


def test_ssda903_round_trip_carries_the_cla_reviews(council_and_903):
    """The 903's reviews.csv fills the optional file cla_reviews: looked-after reviews in time are the same as in the
    council's own extract, and each imported review names its line of reviews.csv."""
    (_, council_paths), (_, paths) = council_and_903
    sql = ("select period_type, as_at_date, numerator, denominator from marts.scorecard "
           "where measure = 'cla_reviews_in_time_pct' order by all")  # fmt: skip
    theirs = {(p, d): (n, q) for p, d, n, q in _published(council_paths, sql)}
    ours = {(p, d): (n, q) for p, d, n, q in _published(paths, sql)}
    shared = ours.keys() & theirs.keys()
    assert len(shared) >= 12 and sum(ours[k][1] for k in shared) > 10
    assert {k: ours[k] for k in shared} == {k: theirs[k] for k in shared}
    raw = paths.raw_dir / COUNCIL_DATE
    with open(raw / "_lineage.csv", encoding="utf-8") as f:
        origins = [r["origin"] for r in csv.DictReader(f) if r["source_file"] == "cla_reviews.csv"]
    with open(raw / "cla_reviews.csv", encoding="utf-8") as f:
        assert len(origins) == len(list(csv.DictReader(f))) > 10
    assert origins[0] == "reviews.csv line 2"


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_ssda903_round_trip_carries_the_upns_and_uasc(council_and_903):
    """The 903 header's UPN item fills child_identifiers (a UPN, or its UN code) and uasc.csv fills uasc_statuses:
    the looked-after children's values are the council's own, each row with its line of the return."""
    (_, council_paths), (_, paths) = council_and_903
    council_raw, raw = council_paths.raw_dir / COUNCIL_DATE, paths.raw_dir / COUNCIL_DATE
    looked_after = {e["child_id"] for e in _rows(raw, "cla_episodes.csv")}
    theirs = {r["child_id"]: (r["upn"], r["upn_unknown"]) for r in _rows(council_raw, "child_identifiers.csv")}
    ours = {r["child_id"]: (r["upn"], r["upn_unknown"]) for r in _rows(raw, "child_identifiers.csv")}
    assert set(ours) == looked_after and ours == {c: theirs[c] for c in looked_after}
    assert sum(1 for upn, _ in ours.values() if upn) > 10 and all(r["former_upn"] == "" for r in
                                                                   _rows(raw, "child_identifiers.csv"))  # fmt: skip
    council_uasc = {r["child_id"]: r["uasc_ceased_date"] for r in _rows(council_raw, "uasc_statuses.csv")}
    uasc = {r["child_id"]: r["uasc_ceased_date"] for r in _rows(raw, "uasc_statuses.csv")}
    assert uasc and uasc == {c: d for c, d in council_uasc.items() if c in looked_after}
    origins = {(r["source_file"], r["origin"].split(" line ")[0]) for r in _rows(raw, "_lineage.csv")}
    assert {("child_identifiers.csv", "header.csv"), ("uasc_statuses.csv", "uasc.csv")} <= origins
    # the 903 has no disability codes and no former UPN: not available, never "missing"
    descriptor = read_descriptor(raw)
    assert "child_disabilities" in descriptor.missing_files
    assert descriptor.missing_columns["child_identifiers"] == ("former_upn",)


def test_ssda903_publishes_availability_and_no_visit_rows(council_and_903):
    _, (outcome, paths) = council_and_903
    reasons = dict(_published(paths, "select measure, reason from marts.measure_availability where not available"))
    assert reasons["cla_visits_in_time_pct"] == (
        "not available from this source: an SSDA903 return has no visits.csv or "
        "cla_episodes.placement_intended_until_18"
    )
    with duckdb.connect(str(paths.child_level_database), read_only=True) as conn:  # child-level: restricted
        assert conn.execute("select count(*) from marts.visit_timeliness").fetchone()[0] == 0
    published = {m for (m,) in _published(paths, "select distinct measure from marts.scorecard")}
    assert published == {m for m in published if m not in reasons}
    status = {r[0] for r in _published(paths, "select status from marts.dq_results where run_id = ?", [outcome.run_id])}
    assert "not_applicable" in status


def test_cin_census_scorecards_say_which_measures_the_source_cannot_support(cin_run):
    outcome, paths, _ = cin_run
    from pypdf import PdfReader

    unavailable = dict(_published(paths, "select measure, reason from marts.measure_availability where not available"))
    titles = {m.measure: m.title for m in load_measures()}
    folder = paths.reports_dir / "2022-07-21"
    for name in ("committee_scorecard", "management_scorecard"):
        page = html.unescape((folder / f"{name}.html").read_text(encoding="utf-8"))  # "children's" is escaped
        assert "Not available from this source" in page, name
        pdf_text = " ".join(p.extract_text() for p in PdfReader(folder / f"{name}.pdf").pages)
        assert "Not available from this source" in pdf_text, name
        for measure, reason in unavailable.items():
            assert titles[measure] in page and reason in page, (name, measure)
