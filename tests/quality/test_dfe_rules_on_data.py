"""The ported DfE rules on a hand-made extract (the conformance extract with one DfE problem each),
through the real loader, a real dbt build and real GX validations: each rule fires on its record, is
kept (flagged, never excluded) and GX agrees with the dbt models."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from dagster_project.contract.model import load_contract
from dagster_project.quality import evidence
from dagster_project.quality.rules import rule_by_id
from dagster_project.settings import Paths
from tests.quality.extracts import Rows, build_warehouse

EXTRACT = "2020-03-31"


def _row(rows: Rows, file: str, key: str) -> dict:
    pk = load_contract().files[file].primary_key
    return next(r for r in rows[file] if r[pk] == key)


def _day_before(text: str) -> str:
    return (dt.date.fromisoformat(text) - dt.timedelta(days=1)).isoformat()


def add_dfe_problems(rows: Rows) -> None:
    # CIN census
    _row(rows, "assessments", "A00001")["authorised_date"] = ""  # open since 2019-09-15: 8670Q
    rows["assessments"].append(
        dict(_row(rows, "assessments", "A00001"), assessment_id="A99990", start_date="2019-12-10", factors="")
    )  # 2nd open on R00001: 8896
    _row(rows, "assessments", "A00002")["authorised_date"] = ""  # R00002 closed, A00002 open: 8867
    _row(rows, "assessments", "A00003")["authorised_date"] = "2018-09-05"  # after R00003's closure: 8565
    _row(rows, "referrals", "R00003")["primary_need_code"] = ""  # assessed, not NFA, no need code: 8610
    rows["referrals"].append(
        dict(_row(rows, "referrals", "R00001"), referral_id="R99990", contact_id="", referral_date="2019-12-01")
    )  # 2nd open episode: 8815, 8820, 8816
    cp = _row(rows, "plans", "P00002")
    cp["start_date"] = _day_before(_row(rows, "referrals", cp["referral_id"])["referral_date"])  # 1105
    cin = _row(rows, "plans", "P00001")
    cin["start_date"] = _day_before(_row(rows, "referrals", cin["referral_id"])["referral_date"])  # 4015
    _row(rows, "assessments", "A00002")["factors"] = "19A"  # retired factor: 8950Q
    # SSDA903 episodes (child 100022: E00004 S, E00005 P, E00006 B, E00007 B; child 100001: E00001-3)
    _row(rows, "cla_episodes", "E00004")["end_date"] = "2018-11-20"  # same day as its start: 355
    _row(rows, "cla_episodes", "E00005").update(start_date="2019-01-25", reason_ceased="E4A")  # 433; 432 on E00006
    _row(rows, "cla_episodes", "E00003")["placement_type"] = "U1"  # RNE L with a placement change: 434
    _row(rows, "cla_episodes", "E00007")["legal_status"] = "C1"  # RNE B, legal status unchanged: 436
    # SSDA903 social worker episodes: child 100001 is looked after; L00002 is open from 2019-10-04
    rows["allocations"].append(
        dict(_row(rows, "allocations", "L00002"), allocation_id="L99990", end_date="2019-12-01")
    )  # same start: SW19; L00002 still open: SW08; SW17


EXPECTED = [  # (rule_id, record_key, DfE code)
    ("assessments.open_over_45_working_days", "A00001", "8670Q"),
    ("assessments.more_than_one_open", "A99990", "8896"),
    ("assessments.more_than_one_open", "A00001", "8896"),
    ("assessments.starts_during_another", "A99990", "8863Q"),
    ("referrals.closed_with_open_assessment", "R00002", "8867"),
    ("referrals.activity_after_closure", "R00003", "8565"),
    ("referrals.primary_need_missing_after_assessment", "R00003", "8610"),
    ("referrals.more_than_one_open_episode", "R00001", "8815"),
    ("referrals.more_than_one_open_episode", "R99990", "8815"),
    ("referrals.overlapping_episodes", "R99990", "8820"),
    ("referrals.open_episode_not_latest", "R00001", "8816"),
    ("plans.cp_started_before_referral", "P00002", "1105"),
    ("plans.cin_started_before_referral", "P00001", "4015"),
    ("assessments.factor_19a", "A00002", "8950Q"),
    ("cla_episodes.less_than_a_day", "E00004", "355"),
    ("cla_episodes.continuation_not_contiguous", "E00005", "433"),
    ("cla_episodes.new_period_not_s", "E00006", "432"),
    ("cla_episodes.x1_without_continuation", "E00005", "388"),
    ("cla_episodes.legal_status_change_not_reflected", "E00003", "434"),
    ("cla_episodes.both_changes_not_reflected", "E00007", "436"),
    ("allocations.same_start_day", "L99990", "SW19STG2"),
    ("allocations.earlier_still_open", "L00002", "SW08STG2"),
    ("allocations.none_open_for_looked_after", "L99990", "SW17STG2"),
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    work = tmp_path_factory.mktemp("dfe")
    warehouse = build_warehouse(work, EXTRACT, add_dfe_problems)
    paths = Paths(raw_dir=work / "raw", data_dir=work)
    evaluation = evidence.run_rule_quality(paths, EXTRACT, "run-dfe")
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        flagged = set(conn.execute("select rule_id, record_key from intermediate.int_records_flagged").fetchall())
        excluded = set(conn.execute("select rule_id, record_key from intermediate.int_records_excluded").fetchall())
    return evaluation, flagged, excluded


@pytest.mark.parametrize(("rule_id", "key", "code"), EXPECTED, ids=[f"{c}:{k}" for _, k, c in EXPECTED])
def test_each_dfe_rule_fires_on_its_record_and_only_flags(run, rule_id, key, code):
    _, flagged, excluded = run
    assert code in {d.dfe_code for d in rule_by_id(rule_id).dfe}
    assert (rule_id, key) in flagged
    assert not any(k == key and rule_by_id(r).dfe and not rule_by_id(r).may_block for r, k in excluded)


def test_dfe_rules_do_not_fire_where_the_data_is_right(run):
    _, flagged, _ = run
    assert ("referrals.more_than_one_open_episode", "R00002") not in flagged  # closed
    assert ("assessments.more_than_one_open", "A00003") not in flagged
    assert ("cla_episodes.continuation_not_contiguous", "E00006") not in flagged  # starts when E00005 ended


def test_gx_agrees_with_the_dbt_models_and_nothing_blocks(run):
    evaluation, _, _ = run
    assert evaluation.errors == [] and evaluation.mismatches == []
    blocking = [r.check_name for r in evaluation.results if r.blocking]
    assert blocking == []
