"""The ported DfE rules on a hand-made extract (the conformance extract with one DfE problem each),
through the real loader, a real dbt build and real GX validations: each rule fires on its record, is
kept (flagged, never excluded) and GX agrees with the dbt models."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from dagster_project.contract.model import load_contract
from dagster_project.quality import evidence
from dagster_project.quality.rule_counts import disagreements
from dagster_project.quality.rules import registry, rule_by_id
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
    add_more_dfe_problems(rows)
    add_child_field_problems(rows)


def _episode(episode_id: str, start: str, end: str, rne: str, legal: str, place: str, ceased: str) -> dict:
    return dict(
        episode_id=episode_id, child_id="100999", start_date=start, end_date=end, reason_new_episode=rne,
        legal_status=legal, placement_type=place, reason_ceased=ceased, placement_intended_until_18="N",
    )  # fmt: skip


def add_more_dfe_problems(rows: Rows) -> None:
    # CIN 2886Q: more than 2% of the (born) children without a sex (sex U): 4 of 801 already, 14 more
    looked_after = {e["child_id"] for e in rows["cla_episodes"]}
    born = [c for c in rows["children"] if c["sex"] != "U" and not c["expected_date_of_birth"]]
    for child in [c for c in born if c["child_id"] not in looked_after][:14]:
        child["sex"] = "U"
    # CIN 8569Q: an NFA referral dated before the census year (from 2019-04-01) and still open then
    rows["referrals"].append(dict(_row(rows, "referrals", "R00002"), referral_id="R99991", contact_id="",
                                  referral_date="2019-01-10", nfa="Y", closure_date="", closure_reason=""))  # fmt: skip
    # SSDA903: a looked-after child of its own, 100999, sex U (232), with one problem per episode
    rows["children"].append(dict(_row(rows, "children", "100022"), child_id="100999", sex="U"))
    rows["cla_episodes"] += [
        _episode("E99991", "2018-06-01", "2018-06-20", "S", "C2", "U3", "X1"),
        _episode("E99992", "2018-06-20", "2018-06-25", "P", "C2", "T3", "X1"),  # 3 T3 in 2018-19: 377
        _episode("E99993", "2018-06-25", "2018-07-10", "P", "C2", "T3", "X1"),  # after T3, not back to U3: 383
        _episode("E99994", "2018-07-10", "2018-07-15", "P", "C2", "T3", "X1"),
        _episode("E99995", "2018-07-15", "2018-09-01", "P", "C2", "U1", "X1"),  # after T3, not back to T3: 383
        _episode("E99996", "2018-09-01", "2019-01-01", "B", "E1", "A5", "E4A"),  # A5 with reason B: 217
        _episode("E99997", "2019-05-01", "2019-08-01", "S", "V3", "U1", "E8"),  # V3 92 days in 2019-20: 367
        _episode("E99998", "2019-09-01", "2019-09-05", "S", "V4", "U1", "E8"),  # V3 and V4 in 2019-20: 426
        _episode("E99999", "2019-10-01", "2019-11-15", "S", "L2", "U1", "E8"),  # EPO 45 days: 362
        _episode("E99989", "2019-12-01", "2019-12-20", "S", "L3", "U1", "E8"),  # CAO 19 days: 363
        _episode("E99988", "2020-01-10", "", "S", "C2", "U3", ""),  # looked after on 31 March 2020
    ]
    # its only allocation ends 3 days before 31 March 2020: SW11b (and SW17)
    rows["allocations"].append(dict(_row(rows, "allocations", "L00024"), allocation_id="L99992", child_id="100999",
                                    start_date="2018-06-01", end_date="2020-03-28"))  # fmt: skip
    # SW10b: an allocation of 100022 starting on a referral date (a first contact) before the previous one ended
    rows["referrals"].append(dict(_row(rows, "referrals", "R00017"), referral_id="R99992", contact_id="",
                                  referral_date="2019-03-01", closure_date="2019-04-01",
                                  closure_reason="RC1"))  # fmt: skip
    rows["allocations"].append(dict(_row(rows, "allocations", "L00023"), allocation_id="L99993",
                                    start_date="2019-03-01", end_date="2019-04-01"))  # fmt: skip
    # a child of its own, 100998: two open referrals on one day (8816 on the second in the return only), and on the
    # first two open CIN plans (4004) and two open CP plans (8935), open side by side (4001)
    rows["children"].append(dict(_row(rows, "children", "100022"), child_id="100998"))
    for referral_id in ("R99980", "R99981"):
        rows["referrals"].append(dict(_row(rows, "referrals", "R00001"), referral_id=referral_id, child_id="100998",
                                      contact_id="", referral_date="2019-05-01", nfa="N", closure_date="",
                                      closure_reason=""))  # fmt: skip
    for plan_id, plan, start in (
        ("P99981", "P00001", "2019-06-01"),
        ("P99982", "P00001", "2019-07-01"),
        ("P99983", "P00002", "2019-08-01"),
        ("P99984", "P00002", "2019-09-01"),
    ):
        rows["plans"].append(dict(_row(rows, "plans", plan), plan_id=plan_id, child_id="100998", referral_id="R99980",
                                  start_date=start, end_date=""))  # fmt: skip


# Hand-worked UPNs (DfE UPN guidance: characters 2-13 times their positions 2-13, summed, modulo 23, in the table
# A B C D E F G H J K L M N P Q R T U V W X Y Z for 0-22):
#   884123456789: 2*8 + 3*8 + 4*4 + 5*1 + 6*2 + 7*3 + 8*4 + 9*5 + 10*6 + 11*7 + 12*8 + 13*9 = 521 = 22*23 + 15 -> R
#   884000000002: 16 + 24 + 16 + 13*2 = 82 = 3*23 + 13 -> P;  884000000003: 56 + 39 = 95 = 4*23 + 3 -> D
#   999000000001: 18 + 27 + 36 + 13 = 94 = 4*23 + 2 -> C (999 is no LA code)
def _ids(child_id: str, upn: str = "", former_upn: str = "", upn_unknown: str = "") -> dict:
    return {"child_id": child_id, "upn": upn, "former_upn": former_upn, "upn_unknown": upn_unknown}


def add_child_field_problems(rows: Rows) -> None:
    """The optional files of the child fields (issue 24), for a few conformance children; 100999 (looked after)
    has no child_identifiers row."""
    rows["child_identifiers"] = [
        _ids("100022", "R884123456789", former_upn="D884000000003"),  # right: no UPN rule (168 near-miss)
        _ids("100005", "A884123456789"),  # wrong check letter (R): 1510
        _ids("100092", "P884000000002"),  # looked after, UPN shared with 100004 (1520) and 100317 (444)
        _ids("100317", "P884000000002"),  # looked after too: 444 and 1520
        _ids("100004", "P884000000002", former_upn="X12345"),  # 1520; former UPN malformed: 1560Q
        _ids("100010", "C999000000001"),  # check letter right, LA code 999 unknown: 1530 only
        _ids("100002", "R884ABC456789"),  # characters 5-12 not digits: 1540
        _ids("C6", "A88400000000I"),  # 13th character I: 1550
        _ids("100232", upn_unknown="UN1"),  # looked after, born 2011 (4 by 31 Aug 2018): 209; school age: 8770Q
        _ids("100001", upn_unknown="UN1"),  # born 2016: too young for 209 and 8770Q
        _ids("100007", upn_unknown="UN7"),  # UN7 but a referral not NFA: 8772
        _ids("C36", upn_unknown="UN7"),  # UN7 with NFA referrals only: no 8772
        _ids("100145", upn_unknown="UN6"),  # looked after, UN6 (a CIN code) in the 903's UPN item: 168
        _ids("100214", "R88412345678"),  # looked after, 12 characters: 168
        _ids("100413", upn_unknown="UN4"),  # looked after since 2020-01-22 (over a week at 31 March): 210
        _ids("100556", upn_unknown="UN4"),  # looked after from 2020-03-31 only: no 210
    ]  # C75 (looked after, V2 then E1) and 100999 have no row: their episodes fail 442, but V3/V4 ones
    rows["child_disabilities"] = [
        {"disability_record_id": f"DI{i:05d}", "child_id": child, "disability": code}
        for i, (child, code) in enumerate(
            [
                ("100001", "NONE"),
                ("100001", "AUT"),  # NONE with another code: 8790 on AUT
                ("100022", "LD"),
                ("100022", "LD"),  # the same code twice: 8794 on both
                ("100004", "LD"),
                ("100004", "AUT"),
            ],  # two codes: no 8794, and 2888Q does not fire
            start=1,
        )
    ]  # fmt: skip  (one NONE row in the return: 2887Q on every row)
    rows["uasc_statuses"] = [
        {"child_id": "C135", "uasc_ceased_date": "2020-03-15"},  # 18 on 2020-02-28: ceased after it, 304
        {"child_id": "100575", "uasc_ceased_date": "2019-12-01"},  # before the 18th birthday (2020-07-08): no 304
        {"child_id": "100999", "uasc_ceased_date": ""},  # born 2014-11-05, 5 at the extract date: 231
        {"child_id": "100413", "uasc_ceased_date": ""},  # born 2008-12-10, 11 at the extract date: no 231
    ]


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
    # ported in dfe-parity-3 (those the conformance extract already breaks are pinned on its own records)
    ("children.sex_not_recorded_over_2_percent", "100999", "2886Q"),
    ("referrals.nfa_before_census_year", "R99991", "8569Q"),
    ("assessments.no_factors_single_assessment_not_closed_rc8", "A00060", "8873Q"),
    ("assessments.completed_without_factors", "A00005", "8897Q"),
    ("children.looked_after_sex_unknown", "100999", "232"),
    ("cla_episodes.adoption_by_foster_carers_wrong_reason", "E99996", "217"),
    ("cla_episodes.l1_over_3_days", "E00024", "361"),
    ("cla_episodes.l2_over_21_days", "E99999", "362"),
    ("cla_episodes.l3_over_7_days", "E99989", "363"),
    ("cla_episodes.j2_over_21_days", "E00033", "364"),
    ("cla_episodes.respite_over_75_days_a_year", "E99997", "367"),
    ("cla_episodes.more_than_two_holiday_placements", "E99992", "377"),
    ("cla_episodes.more_than_two_holiday_placements", "E99994", "377"),
    ("cla_episodes.placed_with_parents_under_s20", "E00017", "378"),
    ("cla_episodes.no_return_after_temporary_placement", "E99993", "383"),
    ("cla_episodes.no_return_after_temporary_placement", "E99995", "383"),
    ("cla_episodes.respite_v3_and_v4_same_year", "E99997", "426"),
    ("cla_episodes.respite_v3_and_v4_same_year", "E99998", "426"),
    ("allocations.not_within_7_days_of_previous", "L00002", "SW10STG2"),
    ("allocations.not_within_7_days_of_previous", "L00024", "SW10aSTG2"),
    ("allocations.first_contact_before_previous_ended", "L99993", "SW10bSTG2"),
    ("allocations.ended_before_31_march_none_after", "L99992", "SW11bSTG2"),
    # issue 26: rules of their own for 4004, 8935 and 4001, and 8816's same-day tie
    ("plans.more_than_one_open_cin_plan", "P99981", "4004"),
    ("plans.more_than_one_open_cin_plan", "P99982", "4004"),
    ("plans.more_than_one_open_cp_plan", "P99983", "8935"),
    ("plans.more_than_one_open_cp_plan", "P99984", "8935"),
    ("plans.open_cin_and_cp_plan", "P99981", "4001"),
    ("plans.open_cin_and_cp_plan", "P99984", "4001"),
    ("referrals.open_episode_not_latest", "R99981", "8816"),
    # issue 24: the child fields (add_child_field_problems)
    ("child_identifiers.upn_check_letter_wrong", "100005", "1510"),
    ("child_identifiers.upn_duplicated", "100092", "1520"),
    ("child_identifiers.upn_duplicated", "100004", "1520"),
    ("child_identifiers.upn_duplicated_looked_after", "100092", "444"),
    ("child_identifiers.upn_duplicated_looked_after", "100317", "444"),
    ("child_identifiers.upn_la_code_unknown", "100010", "1530"),
    ("child_identifiers.upn_not_numeric", "100002", "1540"),
    ("child_identifiers.upn_last_character_invalid", "C6", "1550"),
    ("child_identifiers.former_upn_malformed", "100004", "1560Q"),
    ("children.school_age_without_upn", "100232", "8770Q"),
    ("child_identifiers.un7_with_referral_going_further", "100007", "8772"),
    ("child_disabilities.fewer_than_8_none", "DI00001", "2887Q"),
    ("child_disabilities.fewer_than_8_none", "DI00006", "2887Q"),
    ("child_disabilities.none_with_other_codes", "DI00002", "8790"),
    ("child_disabilities.code_repeated", "DI00003", "8794"),
    ("child_disabilities.code_repeated", "DI00004", "8794"),
    ("child_identifiers.upn_not_valid_903", "100145", "168"),
    ("child_identifiers.upn_not_valid_903", "100214", "168"),
    ("child_identifiers.school_age_un1", "100232", "209"),
    ("child_identifiers.un4_looked_after_over_a_week", "100413", "210"),
    ("cla_episodes.child_upn_missing", "E00008", "442"),
    ("cla_episodes.child_upn_missing", "E00009", "442"),
    ("cla_episodes.child_upn_missing", "E99991", "442"),
    ("uasc_statuses.ceased_after_18th_birthday", "C135", "304"),
    ("uasc_statuses.under_11", "100999", "231"),
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    work = tmp_path_factory.mktemp("dfe")
    warehouse = build_warehouse(work, EXTRACT, add_dfe_problems)
    paths = Paths(raw_dir=work / "raw", data_dir=work)
    evaluation = evidence.run_rule_quality(paths, EXTRACT, "run-dfe")
    applicable = [rule_by_id(r.check_name) for r in evaluation.results if r.passed is not None]
    disagreeing = disagreements(warehouse, applicable, EXTRACT)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        flagged = set(conn.execute("select rule_id, record_key from intermediate.int_records_flagged").fetchall())
        excluded = set(conn.execute("select rule_id, record_key from intermediate.int_records_excluded").fetchall())
    return evaluation, flagged, excluded, disagreeing


@pytest.mark.parametrize(("rule_id", "key", "code"), EXPECTED, ids=[f"{c}:{k}" for _, k, c in EXPECTED])
def test_each_dfe_rule_fires_on_its_record_and_only_flags(run, rule_id, key, code):
    _, flagged, excluded, _ = run
    assert code in {d.dfe_code for d in rule_by_id(rule_id).dfe}
    assert (rule_id, key) in flagged
    assert not any(k == key and rule_by_id(r).dfe and not rule_by_id(r).may_block for r, k in excluded)


def test_dfe_rules_do_not_fire_where_the_data_is_right(run):
    _, flagged, _, _ = run
    assert ("referrals.more_than_one_open_episode", "R00002") not in flagged  # closed
    assert ("assessments.more_than_one_open", "A00003") not in flagged
    assert ("cla_episodes.continuation_not_contiguous", "E00006") not in flagged  # starts when E00005 ended
    assert ("cla_episodes.more_than_two_holiday_placements", "E99991") not in flagged  # U3, not T3
    assert ("cla_episodes.no_return_after_temporary_placement", "E99994") not in flagged  # T3 again after T3
    assert ("cla_episodes.l2_over_21_days", "E99998") not in flagged  # V4
    assert ("allocations.first_contact_before_previous_ended", "L00024") not in flagged  # not on a referral date
    assert ("allocations.ended_before_31_march_none_after", "L00024") not in flagged  # 100022 not looked after then
    assert ("referrals.nfa_before_census_year", "R00002") not in flagged  # not NFA
    assert not any(rule_id == "children.looked_after_sex_unknown" and key != "100999" for rule_id, key in flagged)
    assert ("referrals.open_episode_not_latest", "R99980") not in flagged  # the first of the two on the latest day
    # a case-management extract holds whole histories: the census-year bounds (issue 26) check an imported census only
    from dagster_project.quality.rules_dfe import census_year_rules

    assert not {r.id for r in census_year_rules()} & {rule_id for rule_id, _ in flagged}
    # the child fields' near-misses (add_child_field_problems)
    upn_rules = ("upn_check_letter_wrong", "upn_la_code_unknown", "upn_not_numeric", "upn_last_character_invalid",
                 "upn_duplicated", "former_upn_malformed", "upn_not_valid_903")  # fmt: skip
    assert not any(("child_identifiers." + rule, "100022") in flagged for rule in upn_rules)  # a right UPN
    assert ("child_identifiers.upn_check_letter_wrong", "100010") not in flagged  # C is 999000000001's letter
    assert ("child_identifiers.upn_check_letter_wrong", "100002") not in flagged  # not all digits: 1540's
    assert ("children.school_age_without_upn", "100001") not in flagged  # born 2016
    assert ("children.school_age_without_upn", "100413") not in flagged  # UN4 is a reason
    assert ("child_identifiers.school_age_un1", "100001") not in flagged  # born 2016
    assert ("child_identifiers.un7_with_referral_going_further", "C36") not in flagged  # NFA referrals only
    assert ("child_identifiers.un4_looked_after_over_a_week", "100556") not in flagged  # looked after since 31 March
    assert ("child_disabilities.none_with_other_codes", "DI00001") not in flagged  # the NONE row itself
    assert ("child_disabilities.code_repeated", "DI00005") not in flagged  # LD and AUT
    assert not any(rule_id == "child_disabilities.one_code_per_child_only" for rule_id, _ in flagged)  # 100004
    assert ("child_identifiers.upn_duplicated_looked_after", "100004") not in flagged  # 100004 not looked after
    assert ("cla_episodes.child_upn_missing", "E99997") not in flagged  # V3: no UPN needed
    assert ("cla_episodes.child_upn_missing", "E00001") not in flagged  # 100001 has a reason (UN1)
    assert ("uasc_statuses.ceased_after_18th_birthday", "100575") not in flagged
    assert ("uasc_statuses.under_11", "100413") not in flagged
    assert ("uasc_statuses.ceased_before_collection_year", "100575") not in flagged  # a history: no year bound


def test_rules_comparing_with_the_previous_extract_are_not_applicable_with_one_extract(run):
    evaluation, flagged, _, _ = run
    previous = {r.id for r in registry() if r.reads_previous_extract}
    assert len(previous) == 11
    results = {r.check_name: r for r in evaluation.results if r.check_name in previous}
    assert set(results) == previous
    assert all(r.passed is None and r.status == "not_applicable" and "no extract before" in r.failure_sample
               for r in results.values())  # fmt: skip
    assert not any(rule_id in previous for rule_id, _ in flagged)


def test_dbt_models_agree_with_the_predicates_and_nothing_blocks(run):
    evaluation, _, _, disagreeing = run
    assert evaluation.errors == [] and disagreeing == []
    blocking = [r.check_name for r in evaluation.results if r.blocking]
    assert blocking == []
