"""Every rule kind on a hand-made extract (the conformance extract with one defect per kind), through
the real loader, a real dbt build, real GX validations and the real evidence stores."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import duckdb
import pytest

from dagster_project.contract.model import load_contract
from dagster_project.quality import evidence
from dagster_project.quality.results import FAILURES_FILE, read_dq_results
from dagster_project.quality.rule_counts import disagreements
from dagster_project.quality.rules import registry, rule_by_id
from dagster_project.settings import Paths
from tests.quality.extracts import DFE_FINDINGS_ON_CONFORMANCE, Rows, build_warehouse

EXTRACT = "2020-03-31"
RUN = "run-defects"
SECRET_NAMES = ("Zebedee", "Quixotic")  # a personal value that must never reach any evidence


def _row(rows: Rows, file: str, key: str) -> dict:
    pk = load_contract().files[file].primary_key
    return next(r for r in rows[file] if r[pk] == key)


def _day(text: str, days: int) -> str:
    return (dt.date.fromisoformat(text) + dt.timedelta(days=days)).isoformat()


def add_defects(rows: Rows) -> None:
    rows["visits"].append(dict(_row(rows, "visits", "V00001")))  # duplicate_row
    changed = dict(_row(rows, "supervisions", "S00001"), supervision_date="2019-08-07")
    rows["supervisions"].append(changed)  # duplicate_key
    _row(rows, "visits", "V00002")["child_id"] = "999999"  # orphan_reference
    _row(rows, "plans", "P00002")["end_date"] = "2019-11-01"  # end_before_start
    _row(rows, "assessments", "A00006").update(start_date="2018-05-20", authorised_date="2018-05-15")
    _row(rows, "assessments", "A00002").update(start_date="2018-10-15", authorised_date="2018-10-20")
    _row(rows, "contacts", "K00001").update(contact_date="2021-01-01", decision_date="", outcome="")
    _row(rows, "visits", "V00011").update(visit_date="2019-09-02", recorded_date="2019-09-03")  # W012 left
    _row(rows, "visits", "V00020")["visit_type"] = "XYZ"  # invalid_code
    _row(rows, "children", "100005")["sex"] = "X"  # invalid_code, cascades to the child's records
    _row(rows, "referrals", "R00001")["referral_source"] = "ZZ"  # invalid_code, cascades to A00001
    _row(rows, "referrals", "R00006")["closure_date"] = ""  # closure_reason_without_date
    _row(rows, "referrals", "R00009")["closure_reason"] = ""  # closure_date_without_reason
    rows["plans"].append(
        {"plan_id": "P99999", "child_id": "100016", "referral_id": "R00012", "plan_type": "CP",
         "start_date": "2020-03-01", "end_date": "", "category_of_abuse": "NEG"}
    )  # fmt: skip
    _row(rows, "allocations", "L00004")["team_id"] = "T2"  # allocation_team_mismatch
    _row(rows, "visits", "V00021")["visit_type"] = ""  # blank_required
    _row(rows, "visits", "V00022")["visit_date"] = "12/25/2019"  # us_date_format
    _row(rows, "visits", "V00023")["recorded_date"] = "yesterday"  # text_in_date
    _row(rows, "children", "100004").update(forename="Zebedee ", surname="Quixotic")  # trailing_spaces
    _row(rows, "visits", "V00024")["child_seen"] = "y"
    visit = _row(rows, "visits", "V00025")
    year, month, day = visit["visit_date"].split("-")
    visit["visit_date"] = f"{day}/{month}/{year}"  # UK date: accepted, flagged
    _row(rows, "plans", "P00009")["plan_id"] = "P-00009"  # not an identifier
    # visit_before_birth: a visit the day before the child was born
    child = next(c for c in rows["children"] if c["date_of_birth"] >= "2018-01-01" and
                 any(v["child_id"] == c["child_id"] for v in rows["visits"]))  # fmt: skip
    before = next(v for v in rows["visits"] if v["child_id"] == child["child_id"])
    before.update(visit_date=_day(child["date_of_birth"], -1), recorded_date=child["date_of_birth"])
    add_defects.before_birth_visit = before["visit_id"]


EXPECTED = [  # (rule_id, record_key, failing rows)
    ("visits.duplicate_row", "V00001", 1),
    ("supervisions.duplicate_key", "S00001", 2),
    ("visits.child_id.orphan", "V00002", 1),
    ("plans.end_date_before_start_date", "P00002", 1),
    ("assessments.authorised_before_start", "A00006", 1),
    ("assessments.authorised_before_referral", "A00002", 1),
    ("assessments.started_before_referral", "A00002", 1),
    ("contacts.contact_date.in_future", "K00001", 1),
    ("visits.worker_not_employed", "V00011", 1),
    ("visits.visit_type.invalid_code", "V00020", 1),
    ("children.sex.invalid_code", "100005", 1),
    ("referrals.referral_source.invalid_code", "R00001", 1),
    ("assessments.referral_id.parent_not_counted", "A00001", 1),
    ("referrals.closure_reason_without_closure_date", "R00006", 1),
    ("referrals.closure_date_without_closure_reason", "R00009", 1),
    ("plans.overlapping_cp_plans", "P99999", 1),
    ("plans.overlapping_cp_plans", "P00004", 1),
    ("plans.more_than_one_open_cp_plan", "P99999", 1),  # both open: DfE 8935, a rule of its own (issue 26)
    ("plans.more_than_one_open_cp_plan", "P00004", 1),
    ("allocations.team_mismatch", "L00004", 1),
    ("visits.visit_type.required", "V00021", 1),
    ("visits.visit_date.us_date", "V00022", 1),
    ("visits.recorded_date.not_a_date", "V00023", 1),
    ("children.trailing_spaces", "100004", 1),
    ("visits.child_seen.lower_case", "V00024", 1),
    ("visits.visit_date.uk_date", "V00025", 1),
    ("plans.plan_id.id_format", "P-00009", 1),
]
# Rules that may also fire as a consequence of the defects above.
SIDE_EFFECTS = {"visits.worker_not_employed"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    work = tmp_path_factory.mktemp("defects")
    warehouse = build_warehouse(work, EXTRACT, add_defects)
    paths = Paths(raw_dir=work / "raw", data_dir=work)
    assert paths.warehouse == warehouse
    evaluation = evidence.run_rule_quality(paths, EXTRACT, RUN)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        failures = conn.execute(
            "select rule_id, record_key from intermediate.int_records_excluded "
            "union all select rule_id, record_key from intermediate.int_records_flagged"
        ).fetchall()
    return paths, evaluation, failures


@pytest.mark.parametrize(("rule_id", "key", "count"), EXPECTED, ids=[f"{r}:{k}" for r, k, _ in EXPECTED])
def test_each_defect_is_found(run, rule_id, key, count):
    _, _, failures = run
    assert Counter(failures)[(rule_id, key)] == count


def test_visit_before_birth_is_flagged(run):
    _, _, failures = run
    assert ("visits.before_birth", add_defects.before_birth_visit) in failures


def test_nothing_else_fires(run):
    _, _, failures = run
    allowed = {r for r, _, _ in EXPECTED} | SIDE_EFFECTS | {"visits.before_birth"} | set(DFE_FINDINGS_ON_CONFORMANCE)
    unexpected = {r for r, _ in failures if r not in allowed and not r.endswith(".parent_not_counted")}
    assert unexpected == set()


def test_exclusions_cascade_to_dependent_records(run):
    paths, _, failures = run
    with duckdb.connect(str(paths.warehouse), read_only=True) as conn:
        staged = 0
        for file in ("referrals", "assessments", "plans", "visits", "allocations", "contacts", "cla_episodes"):
            where = "where child_id = '100005'"
            staged += conn.execute(f"select count(*) from staging.stg_case_management__{file} {where}").fetchone()[0]
            kept = conn.execute(f"select count(*) from intermediate.int_{file}_validated {where}").fetchone()[0]
            assert kept == 0, file
        assert staged > 0
        # an assessment whose referral is excluded is excluded, even when its own child_id is fine
        orphaned = conn.execute(
            "select count(*) from intermediate.int_assessments_validated a "
            "where not exists (select 1 from intermediate.int_referrals_validated r "
            "where r.referral_id = a.referral_id)"
        ).fetchone()[0]
        assert orphaned == 0
        assert conn.execute("select count(*) from intermediate.int_children_validated").fetchone()[0] == 799
    assert ("children.sex.invalid_code", "100005") in failures


def test_flagged_rows_still_count(run):
    paths, _, _ = run
    with duckdb.connect(str(paths.warehouse), read_only=True) as conn:
        for file, key_column, key in [("allocations", "allocation_id", "L00004"), ("plans", "plan_id", "P99999")]:
            query = f"select count(*) from intermediate.int_{file}_validated where {key_column} = ?"
            assert conn.execute(query, [key]).fetchone()[0] == 1


def test_gx_counts_agree_with_the_dbt_models_and_the_predicates(run):
    paths, evaluation, failures = run
    assert evaluation.errors == []
    # the dbt models (what the figures exclude) hold what each rule's predicate, evaluated on its own, finds
    applicable = [rule_by_id(r.check_name) for r in evaluation.results if r.passed is not None]
    assert len(applicable) > 300 and disagreements(paths.warehouse, applicable, EXTRACT) == []
    gx_counts = {r.check_name: r.rows_failed for r in evaluation.results if r.rows_failed}
    assert gx_counts == dict(Counter(rule for rule, _ in failures))


def test_dq_results_rows_written(run):
    paths, _, _ = run
    rows = read_dq_results(paths.history_database, RUN)
    assert len(rows) == len(registry())  # every rule
    assert list(rows[0]) == [
        "run_id", "checked_at", "extract_date", "source_file", "check_name", "dimension", "severity", "passed",
        "rows_checked", "rows_failed", "failure_sample", "status", "from_failed_run",
    ]  # fmt: skip
    assert not any(r["from_failed_run"] for r in rows)  # set only when the run dies or fails
    by_name = {(r["check_name"]): r for r in rows}
    orphan = by_name["visits.child_id.orphan"]
    assert (orphan["passed"], orphan["rows_failed"], orphan["severity"]) == (False, 1, "WARN")
    # line numbers only, never the key (issue 21: the sample is published)
    assert orphan["failure_sample"].startswith("line ") and "V00002" not in orphan["failure_sample"]
    assert by_name["teams.team_id.required"]["passed"] is True
    assert {r["dimension"] for r in rows} <= {"completeness", "uniqueness", "consistency", "timeliness",
                                              "validity", "accuracy"}  # fmt: skip


def test_no_personal_values_in_evidence(run):
    paths, _, _ = run
    pages = list((paths.data_dir / "dq_docs").rglob("*.html")) + list(paths.reports_dir.glob("*.html"))
    assert any(p.name == "index.html" for p in pages)
    assert (paths.reports_dir / f"dq_summary_{RUN}.html").exists()
    assert (paths.reports_dir / "dq_summary_latest.html").exists()
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        for name in SECRET_NAMES:
            assert name not in text, page
    with duckdb.connect(str(paths.restricted_dir / FAILURES_FILE), read_only=True) as conn:
        dump = str(conn.execute("select * from main.dq_failures").fetchall())
        assert "('run-defects', " in dump and "children.trailing_spaces" in dump
    history = str(read_dq_results(paths.history_database))
    for name in SECRET_NAMES:
        assert name not in dump and name not in history
    # the secret name is in the warehouse's raw layer: the search itself can find it
    with duckdb.connect(str(paths.warehouse), read_only=True) as conn:
        assert conn.execute("select count(*) from raw.children where forename like 'Zebedee%'").fetchone()[0] == 1
