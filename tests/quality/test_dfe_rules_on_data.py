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
    add_section47_problems(rows)
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
    add_missing_and_review_problems(rows)


def _missing(key: str, child: str, kind: str, start: str, end: str) -> dict:
    return dict(missing_episode_id=key, child_id=child, missing_or_absent=kind, start_date=start, end_date=end,
                return_interview_offered="", return_interview_accepted="")  # fmt: skip


def _review(key: str, child: str, date: str, participation: str) -> dict:
    return dict(review_id=key, child_id=child, review_date=date, participation=participation)


def add_missing_and_review_problems(rows: Rows) -> None:
    """SSDA903 missing.csv and reviews.csv rules (issue 24) on the optional files missing_episodes and cla_reviews.
    100999 (born 2014-11-05) is looked after in periods 2018-06-01..2019-01-01, 2019-05-01..08-01, 2019-09-01..09-05,
    2019-10-01..11-15, 2019-12-01..12-20 and from 2020-01-10 (open); see add_more_dfe_problems."""
    child = _row(rows, "children", "100022")
    for child_id, born in (
        ("100997", "2014-11-05"),
        ("100996", "2001-06-15"),
        ("100995", "2001-07-20"),
        ("100994", "2012-01-01"),
        ("100993", "2016-01-10"),
    ):
        rows["children"].append(dict(child, child_id=child_id, date_of_birth=born))
    rows["missing_episodes"] = [
        _missing("M99901", "100999", "M", "2018-07-01", "2018-07-03"),  # inside E99993: none
        _missing("M99902", "100999", "M", "2018-12-20", ""),  # open, E99996 ended 2019-01-01: 575, 577
        _missing("M99903", "100999", "A", "2019-03-01", "2019-03-02"),  # between periods: 581, 578, 577; 574 (M99902)
        _missing("M99904", "100999", "M", "2019-06-01", "2019-06-05"),  # inside E99997: none
        _missing("M99905", "100999", "M", "2019-06-04", "2019-06-10"),  # starts before M99904 ended: 574
        _missing("M99906", "100999", "M", "2019-06-10", "2019-06-12"),  # starts the day M99905 ended: none
        _missing("M99907", "100999", "M", "2020-02-01", ""),  # open, in the open period: none
        _missing("M99908", "100999", "M", "2014-11-05", "2014-11-06"),  # on the birth date: 586 (and 577, 578, 581)
        _missing("M99909", "100999", "M", "2014-11-06", "2014-11-07"),  # the day after: not 586
        # 100997: not looked after (no period of care: 577, 578, 581 never fire)
        _missing("M99910", "100997", "M", "", "2019-05-02"),  # 1004, 564
        _missing("M99911", "100997", "", "", ""),  # 1004; not 564 (not M/A), not 565/566 (no dates)
        _missing("M99912", "100997", "", "2019-05-01", "2019-05-03"),  # 565, 566
        _missing("M99913", "100997", "A", "05/31/2019", "soon"),  # US-order start 1004, text end 1005
        _missing("M99914", "100997", "m", "2019-05-01", "2019-05-02"),  # lower case: no DfE error (capitalised)
        _missing("M99915", "100997", "X", "2019-05-01", "2019-04-30"),  # 1006, 567
        _missing("M99916", "100997", "A", "2020-04-02", ""),  # after the extract date (the year end): 570
        _missing("M99917", "100997", "A", "2020-03-31", ""),  # on the extract date: not 570
        _missing("M99918", "100997", "A", "2020-03-01", "2020-04-05"),  # 571
        # 580: 100996's episode ends on the 18th birthday, the day its missing episode ended, reason E15
        _missing("M99920", "100996", "M", "2019-06-01", "2019-06-15"),
        _missing("M99921", "100995", "M", "2019-07-01", "2019-07-20"),  # the same with reason E8: not 580
    ]
    # 100994: twenty-four ordinary missing episodes and reviews, so that no contract rule above fails on more than
    # the blocking share of the file
    rows["missing_episodes"] += [
        _missing(f"M9980{n:02d}", "100994", "M", f"2019-{n // 2 + 1:02d}-{10 + n % 2 * 10:02d}",
                 f"2019-{n // 2 + 1:02d}-{11 + n % 2 * 10:02d}") for n in range(24)
    ]  # fmt: skip
    rows["cla_episodes"] += [
        dict(_episode("E99980", "2018-01-01", "2019-06-15", "S", "C2", "U1", "E15"), child_id="100996"),
        dict(_episode("E99981", "2018-02-01", "2019-07-20", "S", "C2", "U1", "E8"), child_id="100995"),
    ]
    rows["cla_reviews"] = [
        _review("RV99901", "100993", "2019-12-01", "PN1"),  # under 4 (4 on 2020-01-10): 441
        _review("RV99902", "100993", "2020-01-10", "PN1"),  # on the 4th birthday: not 441
        _review("RV99903", "100993", "2020-01-11", "PN0"),  # over 4: 440
        _review("RV99904", "100993", "2020-01-10", "PN0"),  # on the 4th birthday: not 440
        _review("RV99905", "100993", "", "PN2"),  # 166, 167
        _review("RV99906", "100993", "2019-11-01", ""),  # 167
        _review("RV99907", "100993", "2019-11-02", "pn2"),  # lower case: not 167 (the validator capitalises)
        _review("RV99908", "100993", "1.11.2019", "PN2"),  # not a date: 166; not 167 (filled, valid code)
    ] + [_review(f"RV9980{n:02d}", "100994", f"2019-{n // 2 + 1:02d}-{10 + n % 2:02d}", "PN1") for n in range(24)]


def add_section47_problems(rows: Rows) -> None:
    """Issue 24's optional files on a child of its own, 100997: one referral per case (R99941-R99954), each with its
    section 47 enquiries (Q...), and CP plans with reviews (V...) and categories (K...). Days of the week matter
    for 8875 (2019-10-12 is a Saturday, 2019-10-15 a Tuesday)."""
    rows["children"].append(dict(_row(rows, "children", "100022"), child_id="100997"))
    base = _row(rows, "referrals", "R00001")
    referrals = {  # referral: (referral date, closure date, closure reason, nfa, assessment (start, authorised))
        "R99941": ("2019-06-03", "", "", "N", ("2019-06-05", "2019-06-20")),
        "R99942": ("2019-07-01", "", "", "N", ("2019-07-02", "2019-07-15")),
        "R99943": ("2019-08-01", "", "", "N", None),
        "R99944": ("2019-09-02", "", "", "N", ("2019-09-03", "2019-09-20")),
        "R99946": ("2020-03-20", "", "", "N", ("2020-03-20", "")),
        "R99947": ("2019-10-01", "", "", "N", ("2019-10-02", "2019-10-08")),
        "R99949": ("2019-11-01", "2020-01-15", "RC1", "N", ("2019-11-02", "2019-11-20")),
        "R99950": ("2019-12-02", "2020-02-14", "RC1", "N", ("2019-12-03", "2019-12-20")),
        "R99951": ("2019-10-01", "", "", "N", ("2019-10-02", "2019-10-08")),
        "R99952": ("2019-10-01", "", "", "N", ("2019-10-02", "2019-10-08")),
        "R99953": ("2019-05-01", "2019-06-28", "RC8", "N", ("2019-05-02", "2019-05-20")),
        "R99954": ("2019-05-01", "", "", "Y", None),
    }
    assessment = _row(rows, "assessments", "A00001")
    for referral_id, (start, closed, reason, nfa, assessed) in referrals.items():
        rows["referrals"].append(
            dict(
                base,
                referral_id=referral_id,
                child_id="100997",
                contact_id="",
                referral_date=start,
                nfa=nfa,
                closure_date=closed,
                closure_reason=reason,
            )
        )
        if assessed:
            rows["assessments"].append(
                dict(
                    assessment,
                    assessment_id="A" + referral_id[1:],
                    referral_id=referral_id,
                    child_id="100997",
                    start_date=assessed[0],
                    authorised_date=assessed[1],
                    factors="2A" if assessed[1] else "",
                )
            )
    enquiries = {  # enquiry: (referral, start (= strategy discussion), ICPC not required, ICPC date)
        "Q99941": ("R99941", "2019-05-31", "Y", ""),  # starts before its referral: 2889
        "Q99942": ("R99942", "2019-07-01", "N", "2019-06-28"),  # conference before referral and start: 1104, 8615
        "Q99943": ("R99943", "2019-08-01", "N", "2019-08-01"),  # referral without assessment: 2991Q
        "Q99944": ("R99944", "2019-09-02", "N", ""),  # no conference after 15 working days: 8675Q; 8839, 8890
        "Q99945": ("R99944", "2019-09-10", "N", ""),  # starts while Q99944 is open: 8839, 8890
        "Q99946": ("R99946", "2020-03-20", "N", ""),  # 7 working days before the extract date
        "Q99947": ("R99947", "2019-10-01", "N", "2019-10-10"),
        "Q99948": ("R99947", "2019-11-04", "Y", ""),  # after Q99947's conference, none required
        "Q99949": ("R99949", "2019-11-01", "N", ""),  # referral closed, enquiry not concluded: 8868
        "Q99950": ("R99950", "2019-12-02", "Y", ""),  # referral closed, no conference required
        "Q99951": ("R99951", "2019-10-02", "N", "2019-10-12"),  # a Saturday: 8875
        "Q99952": ("R99952", "2019-10-02", "N", "2019-10-15"),
        "Q99953": ("R99953", "2019-05-02", "Y", ""),  # referral closed RC8: 2990
        "Q99954": ("R99954", "2019-05-02", "Y", ""),  # referral NFA: 8831
    }
    rows["section47_enquiries"] = [
        {
            "s47_id": s47_id,
            "child_id": "100997",
            "referral_id": referral_id,
            "strategy_discussion_date": min(start, icpc or start),
            "s47_start_date": start,
            "outcome": ("CIN" if not_required == "Y" else "ICPC" if icpc else ""),
            "icpc_not_required": not_required,
            "icpc_date": icpc,
            "icpc_outcome": "NO_PLAN" if icpc else "",
        }
        for s47_id, (referral_id, start, not_required, icpc) in enquiries.items()
    ]
    plan = _row(rows, "plans", "P00001")
    rows["plans"] += [
        # a CP plan starting two days after its conference (2885), with no category (8910)
        dict(
            plan,
            plan_id="P99951",
            child_id="100997",
            referral_id="R99951",
            plan_type="CP",
            start_date="2019-10-14",
            end_date="",
            category_of_abuse="NEG",
        ),
        dict(
            plan,
            plan_id="P99952",
            child_id="100997",
            referral_id="R99952",
            plan_type="CP",
            start_date="2019-10-15",
            end_date="",
            category_of_abuse="NEG",
        ),
        # a CIN plan of the child open from 2 December 2019 to 31 January 2020
        dict(
            plan,
            plan_id="P99941",
            child_id="100997",
            referral_id="R99941",
            plan_type="CIN",
            start_date="2019-12-02",
            end_date="2020-01-31",
            category_of_abuse="",
        ),
    ]
    rows["cp_reviews"] = [
        {"cp_review_id": review_id, "child_id": "100997", "cp_plan_id": plan_id, "review_date": day}
        for review_id, plan_id, day in (
            ("V99951", "P99951", "2019-10-14"),  # on the plan's start day: 8841
            ("V99952", "P99952", "2019-10-16"),
            ("V99953", "P99952", "2020-01-10"),  # while CIN plan P99941 is open: 4003
            ("V99954", "P99952", ""),  # no date: 8842Q
        )
    ]
    # and 20 more reviews of P99952, weekly from 21 October 2019, so that the one without a date (excluded) stays
    # under the share of a file that blocks a run
    rows["cp_reviews"] += [
        {
            "cp_review_id": f"V9990{n:02d}",
            "child_id": "100997",
            "cp_plan_id": "P99952",
            "review_date": (dt.date(2019, 10, 21) + dt.timedelta(weeks=n)).isoformat(),
        }
        for n in range(20)
    ]
    rows["cp_categories"] = [  # P99952: NEG from its start, PHY from its review on 10 January 2020
        {"cp_category_id": "K99952", "cp_plan_id": "P99952", "category": "NEG", "category_start_date": "2019-10-15"},
        {"cp_category_id": "K99953", "cp_plan_id": "P99952", "category": "PHY", "category_start_date": "2020-01-10"},
    ]


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
    # issue 24: section 47 enquiries, CP reviews and categories (add_section47_problems)
    ("section47_enquiries.started_before_referral", "Q99941", "2889"),
    ("section47_enquiries.icpc_before_referral", "Q99942", "1104"),
    ("section47_enquiries.started_after_icpc", "Q99942", "8615"),
    ("section47_enquiries.without_assessment", "Q99943", "2991Q"),
    ("section47_enquiries.no_icpc_after_15_working_days", "Q99944", "8675Q"),
    ("section47_enquiries.more_than_one_open", "Q99944", "8839"),
    ("section47_enquiries.more_than_one_open", "Q99945", "8839"),
    ("section47_enquiries.starts_during_another", "Q99944", "8890"),
    ("section47_enquiries.starts_during_another", "Q99945", "8890"),
    ("section47_enquiries.not_concluded_on_closed_referral", "Q99949", "8868"),
    ("section47_enquiries.icpc_at_weekend", "Q99951", "8875"),
    ("section47_enquiries.on_referral_closed_after_assessment", "Q99953", "2990"),
    ("section47_enquiries.on_nfa_referral", "Q99954", "8831"),
    ("cp_reviews.on_or_before_plan_start", "V99951", "8841"),
    ("cp_reviews.during_cin_plan", "V99953", "4003"),
    ("plans.cp_latest_category_missing", "P99951", "8910"),
    ("plans.cp_not_started_at_icpc", "P99951", "2885"),
    ("plans.more_cp_plans_than_icpcs", "P00004", "2883"),  # 2020-02-27: CP plans in the year outnumber conferences
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


# Issue 24, missing.csv and reviews.csv: record -> the DfE codes it must fail and those it must not (near misses),
# from the DfE rules' conditions (lac_validator rule_<code>.py). Contract rules carry several of these codes, some
# under a scope (564 only for M/A), so a record's codes are read through each code's scope.
MISSING_REVIEW_CODES = {  # key: (codes failed, codes passed)
    "M99901": (set(), {"574", "575", "577", "578", "581", "586"}),
    "M99902": ({"575", "577"}, {"574", "578", "581"}),
    "M99903": ({"574", "577", "578", "581"}, {"575"}),
    "M99904": (set(), {"574", "575", "577", "578", "581"}),
    "M99905": ({"574"}, {"577", "578", "581"}),
    "M99906": (set(), {"574", "577"}),
    "M99907": (set(), {"574", "575", "577", "578", "581"}),
    "M99908": ({"586", "577", "578", "581"}, {"574"}),
    "M99909": ({"577", "578", "581"}, {"586", "574"}),
    "M99910": ({"1004", "564"}, {"565", "566", "1006"}),
    "M99911": ({"1004"}, {"564", "565", "566"}),
    "M99912": ({"565", "566"}, {"1004", "1005", "564", "577", "578", "581"}),
    "M99913": ({"1004", "1005"}, {"1006"}),
    "M99914": (set(), {"1006", "567"}),
    "M99915": ({"1006", "567"}, {"570", "571"}),
    "M99916": ({"570"}, {"571"}),
    "M99917": (set(), {"570"}),
    "M99918": ({"571"}, {"570"}),
    "E99980": ({"580"}, set()),
    "E99981": (set(), {"580"}),
    "RV99901": ({"441"}, {"440", "166", "167"}),
    "RV99902": (set(), {"441", "440"}),
    "RV99903": ({"440"}, {"441"}),
    "RV99904": (set(), {"440", "441"}),
    "RV99905": ({"166", "167"}, set()),
    "RV99906": ({"167"}, {"166"}),
    "RV99907": (set(), {"167", "166"}),
    "RV99908": ({"166"}, {"167"}),
}


def _codes_by_record(warehouse) -> dict[str, set[str]]:
    """record key -> the 903 codes the run's rules report on it (each code where its scope holds)."""
    from dagster_project.contract.model import staging_model
    from dagster_project.quality.rule_counts import relation_names

    names = relation_names(warehouse)
    failures = f"(select * from {names['int_records_excluded']} union all select * from {names['int_records_flagged']})"
    found: dict[str, set[str]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        for rule in registry():
            if rule.file not in ("missing_episodes", "cla_reviews", "cla_episodes"):
                continue
            for dfe in (d for d in rule.dfe if d.dfe_return == "903"):
                scope = f"and ({dfe.scope})" if dfe.scope else ""
                keys = conn.execute(
                    f"select f.record_key from {failures} f join {names[staging_model(rule.file)]} s "
                    f"on s.source_line = f.source_line where f.rule_id = ? {scope}",
                    [rule.id],
                )
                for (key,) in keys.fetchall():
                    found.setdefault(key, set()).add(dfe.dfe_code)
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("dfe")
    return work, build_warehouse(work, EXTRACT, add_dfe_problems)


def evaluate(work, warehouse, run_id: str):
    """The rules judged on a built warehouse, what the dbt models flagged and excluded, and where they disagree."""
    paths = Paths(raw_dir=work / "raw", data_dir=work)
    evaluation = evidence.run_rule_quality(paths, EXTRACT, run_id)
    applicable = [rule_by_id(r.check_name) for r in evaluation.results if r.passed is not None]
    disagreeing = disagreements(warehouse, applicable, EXTRACT)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        flagged = set(conn.execute("select rule_id, record_key from intermediate.int_records_flagged").fetchall())
        excluded = set(conn.execute("select rule_id, record_key from intermediate.int_records_excluded").fetchall())
    return evaluation, flagged, excluded, disagreeing


@pytest.fixture(scope="module")
def run(built):
    return evaluate(*built, "run-dfe")


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
    # issue 24: each section 47 / CP review / category rule's near miss (add_section47_problems)
    near_misses = [
        ("section47_enquiries.started_before_referral", "Q99942"),  # starts on its referral date
        ("section47_enquiries.icpc_before_referral", "Q99943"),  # conference on the referral date
        ("section47_enquiries.started_after_icpc", "Q99943"),  # starts on its conference day
        ("section47_enquiries.without_assessment", "Q99941"),  # its referral has an assessment
        ("section47_enquiries.no_icpc_after_15_working_days", "Q99946"),  # started 7 working days before
        ("section47_enquiries.no_icpc_after_15_working_days", "Q99941"),  # conference not required
        ("section47_enquiries.more_than_one_open", "Q99948"),  # Q99947 held its conference; Q99948 needs none
        ("section47_enquiries.starts_during_another", "Q99948"),  # starts after Q99947's conference
        ("section47_enquiries.not_concluded_on_closed_referral", "Q99950"),  # conference not required
        ("section47_enquiries.icpc_at_weekend", "Q99952"),  # a Tuesday
        ("section47_enquiries.on_referral_closed_after_assessment", "Q99949"),  # closed RC1
        ("section47_enquiries.on_nfa_referral", "Q99941"),  # not NFA
        ("cp_reviews.on_or_before_plan_start", "V99952"),  # the day after the plan's start
        ("cp_reviews.during_cin_plan", "V99952"),  # before the CIN plan started
        ("plans.cp_latest_category_missing", "P99952"),  # latest category PHY
        ("plans.cp_not_started_at_icpc", "P99952"),  # starts on its conference day
        ("plans.more_cp_plans_than_icpcs", "P00009"),  # started 2019-03-05, before the year to the extract date
    ]
    assert [pair for pair in near_misses if pair in flagged] == []
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


def test_a_cp_review_without_a_date_is_8842q(run):
    # the contract's required rule carries the DfE query: the review is excluded (it has no date to count)
    _, _, excluded, _ = run
    assert ("cp_reviews.review_date.required", "V99954") in excluded
    assert "8842Q" in {d.dfe_code for d in rule_by_id("cp_reviews.review_date.required").dfe}
    assert ("cp_reviews.review_date.required", "V99953") not in excluded


def test_rules_comparing_with_the_previous_extract_are_not_applicable_with_one_extract(run):
    evaluation, flagged, _, _ = run
    previous = {r.id for r in registry() if r.reads_previous_extract}
    assert len(previous) == 13
    results = {r.check_name: r for r in evaluation.results if r.check_name in previous}
    assert set(results) == previous
    # the care leaver ones (903 348, 1010) are not applicable first because this extract holds no care_leavers.csv
    assert all(r.passed is None and r.status == "not_applicable" and ("no extract before" in r.failure_sample or (
               rule_by_id(name).file == "care_leavers" and "provides no care_leavers.csv" in r.failure_sample))
               for name, r in results.items())  # fmt: skip
    assert not any(rule_id in previous for rule_id, _ in flagged)


def test_dbt_models_agree_with_the_predicates_and_nothing_blocks(run):
    evaluation, _, _, disagreeing = run
    assert evaluation.errors == [] and disagreeing == []
    blocking = [r.check_name for r in evaluation.results if r.blocking]
    assert blocking == []


# SSDA903 OC3 (care leavers, issue 24): young people of their own with hand-made care histories, at the conformance
# extract date 2020-03-31 (a case-management extract: whole histories; collection year 2019-20 for a contact in it).
# child: (date of birth, [(start, end, legal status, reason ceased)]); each episode RNE S, placement U1.
CARE_HISTORIES = {
    "100980": ("2002-06-01", [("2015-01-01", "2018-09-01", "C2", "E8")]),  # left at 16.25: a care leaver
    "100981": ("2001-03-01", [("2013-01-01", "2017-09-01", "C2", "E8")]),  # 18 on 1 April 2019
    "100982": ("2003-06-01", [("2016-01-01", "2019-07-01", "C2", "E8")]),  # 16 at 31 March 2020
    "100983": ("2000-05-01", [("2012-01-01", "2017-01-01", "C2", "E8")]),
    "100984": ("2001-01-01", [("2010-01-01", "2018-01-01", "C2", "E2")]),  # died in care (E2)
    "100985": ("2001-01-01", [("2014-01-01", "2016-06-01", "C2", "E8")]),  # left at 15: no care from 16
    "100987": ("2001-01-01", []),  # never looked after
    "100988": ("2002-01-01", [("2015-01-01", "", "C2", "")]),  # still looked after on the 18th birthday (1 Jan 2020)
    # left at 16.9, back in care for a month at 17.2 (after the 17th birthday, 1 June 2019), not on it
    "100989": ("2002-06-01", [("2016-01-01", "2019-05-01", "C2", "E8"), ("2019-08-01", "2019-09-01", "C2", "E8")]),
    "100990": ("2001-01-01", [("2012-01-01", "2017-06-01", "C2", "E3")]),  # final episode: transferred (E3)
    "100991": ("2001-01-01", [("2012-01-01", "2016-01-01", "C2", "E3"), ("2016-02-01", "2017-06-01", "C2", "E8")]),
}
# (record id, child, contact date, in touch, activity, accommodation)
CARE_LEAVER_CONTACTS = [
    ("CL90001", "100980", "2019-06-10", "YES", "F2", "B1"),  # right on every rule
    ("CL90002", "100980", "2019-07-01", "RHOM", "F2", ""),  # home to parents, with an activity: 344
    ("CL90004", "100980", "2019-08-01", "YES", "F2", ""),  # in touch, no accommodation: 345
    ("CL90005", "100980", "2019-08-02", "YES", "F2", "Z1"),  # former foster carers, 17th birthday this year: 3001
    ("CL90006", "100980", "2019-08-03", "YES", "F2", "T1"),  # Foyer, 16 on 1 April 2019: 347
    ("CL90007", "100981", "2019-04-10", "YES", "F2", "Z1"),  # former foster carers, 17 last year: right
    ("CL90008", "100981", "2019-04-11", "YES", "F2", "T1"),  # Foyer at 18: right
    ("CL90009", "100982", "2019-08-01", "NO", "", ""),  # 16 at the year's end: 391
    ("CL90013", "100983", "2018-05-10", "YES", "F2", "B1"),  # before the contact that found them dead: right
    ("CL90011", "100983", "2019-05-10", "DIED", "", ""),  # died, nothing else: right (344)
    ("CL90012", "100983", "2019-12-01", "NO", "", ""),  # after the DIED contact: 348
    ("CL90014", "100984", "2019-02-01", "NO", "", ""),  # died in care: 1000
    ("CL90015", "100985", "2019-02-01", "NO", "", ""),  # no care from 16: 1001
    ("CL90017", "100987", "2019-02-01", "NO", "", ""),  # no episode at all: 1002 (and 1001)
    ("CL90018", "100988", "2019-06-01", "YES", "F2", "B1"),  # 18 at the year's end, looked after on that birthday: 1007
    ("CL90019", "100989", "2019-10-01", "NO", "", ""),  # 17, an episode ending after the 17th birthday: 1016
    ("CL90020", "100990", "2019-02-01", "NO", "", ""),  # final episode E3: 1011
    ("CL90021", "100991", "2019-02-01", "NO", "", ""),  # E3 then a later episode: right (1011)
]


def add_care_leaver_problems(rows: Rows) -> None:
    for child_id, (dob, episodes) in CARE_HISTORIES.items():
        rows["children"].append(dict(_row(rows, "children", "100022"), child_id=child_id, date_of_birth=dob))
        for n, (start, end, legal, ceased) in enumerate(episodes):
            rows["cla_episodes"].append(dict(
                episode_id=f"E9{child_id[-3:]}{n}", child_id=child_id, start_date=start, end_date=end,
                reason_new_episode="S", legal_status=legal, placement_type="U1", reason_ceased=ceased,
                placement_intended_until_18="N"))  # fmt: skip
    rows["care_leavers"] = [
        dict(care_leaver_record_id=key, child_id=child_id, eligibility="FORMER_RELEVANT", contact_date=day,
             in_touch=in_touch, activity=activity, accommodation=accommodation)
        for key, child_id, day, in_touch, activity, accommodation in CARE_LEAVER_CONTACTS
    ]  # fmt: skip


CARE_LEAVER_EXPECTED = [  # (rule_id, record_key, DfE code): each written from the DfE rule, see CARE_LEAVER_CONTACTS
    ("care_leavers.activity_or_accommodation_died_or_home", "CL90002", "344"),
    ("care_leavers.in_touch_without_activity_or_accommodation", "CL90004", "345"),
    ("care_leavers.foster_carer_accommodation_at_17", "CL90005", "3001"),
    ("care_leavers.foyer_under_18", "CL90006", "347"),
    ("care_leavers.under_17_in_collection_year", "CL90009", "391"),
    ("care_leavers.alive_after_died_contact", "CL90012", "348"),
    ("care_leavers.died_in_care", "CL90014", "1000"),
    ("care_leavers.not_relevant_or_former_relevant", "CL90015", "1001"),
    ("care_leavers.not_relevant_or_former_relevant", "CL90017", "1001"),
    ("care_leavers.never_looked_after", "CL90017", "1002"),
    ("care_leavers.looked_after_on_17th_or_18th_birthday", "CL90018", "1007"),
    ("care_leavers.left_care_after_17th_or_18th_birthday", "CL90019", "1016"),
    ("care_leavers.final_episode_transferred", "CL90020", "1011"),
]
CARE_LEAVER_RIGHT = [  # (rule_id, record_key): the near misses
    ("care_leavers.activity_or_accommodation_died_or_home", "CL90011"),  # DIED with nothing else
    ("care_leavers.in_touch_without_activity_or_accommodation", "CL90001"),  # YES with both
    ("care_leavers.foster_carer_accommodation_at_17", "CL90007"),  # 17th birthday in the year before
    ("care_leavers.foyer_under_18", "CL90008"),  # 18 at the year's start
    ("care_leavers.under_17_in_collection_year", "CL90001"),  # 17 by the year's end
    ("care_leavers.alive_after_died_contact", "CL90013"),  # before the DIED contact
    ("care_leavers.died_in_care", "CL90001"),  # left care E8
    ("care_leavers.not_relevant_or_former_relevant", "CL90009"),  # 30 days from 16 is enough
    ("care_leavers.never_looked_after", "CL90015"),  # looked after, if not enough
    ("care_leavers.looked_after_on_17th_or_18th_birthday", "CL90019"),  # in care after, not on, the 17th birthday
    ("care_leavers.looked_after_on_17th_or_18th_birthday", "CL90001"),
    ("care_leavers.left_care_after_17th_or_18th_birthday", "CL90001"),  # left before the 17th birthday
    ("care_leavers.left_care_after_17th_or_18th_birthday", "CL90018"),  # still looked after: no episode ended
    ("care_leavers.final_episode_transferred", "CL90021"),  # E3 was not the final episode
]


@pytest.fixture(scope="module")
def care_leaver_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("dfe_care_leavers")
    warehouse = build_warehouse(work, EXTRACT, add_care_leaver_problems)
    return evaluate(work, warehouse, "run-dfe-care-leavers")


@pytest.mark.parametrize(("rule_id", "key", "code"), CARE_LEAVER_EXPECTED,
                         ids=[f"{c}:{k}" for _, k, c in CARE_LEAVER_EXPECTED])  # fmt: skip
def test_each_care_leaver_rule_fires_on_its_record_and_only_flags(care_leaver_run, rule_id, key, code):
    _, flagged, excluded, _ = care_leaver_run
    assert code in {d.dfe_code for d in rule_by_id(rule_id).dfe}
    assert (rule_id, key) in flagged
    assert not any(k == key for _, k in excluded)  # every contact is a record that counts


@pytest.mark.parametrize(
    ("rule_id", "key"), CARE_LEAVER_RIGHT, ids=[f"{r.split('.')[1]}:{k}" for r, k in CARE_LEAVER_RIGHT]
)
def test_care_leaver_rules_do_not_fire_on_the_near_misses(care_leaver_run, rule_id, key):
    _, flagged, _, _ = care_leaver_run
    assert (rule_id, key) not in flagged


def test_care_leaver_rules_fire_on_their_records_only_and_agree_with_the_dbt_models(care_leaver_run):
    evaluation, flagged, _, disagreeing = care_leaver_run
    expected = {(rule_id, key) for rule_id, key, _ in CARE_LEAVER_EXPECTED}
    assert {f for f in flagged if f[0].startswith("care_leavers.")} == expected
    assert evaluation.errors == [] and disagreeing == []
    assert [r.check_name for r in evaluation.results if r.blocking] == []


@pytest.mark.parametrize("key", sorted(MISSING_REVIEW_CODES))
def test_missing_and_review_rules_on_their_records(built, run, key):
    _, warehouse = built
    failed, passed = MISSING_REVIEW_CODES[key]
    codes = _codes_by_record(warehouse).get(key, set())
    assert failed <= codes and not passed & codes, (key, codes)


def test_missing_and_review_rules_only_flag_and_the_year_bound_needs_a_return(run):
    _, flagged, excluded, _ = run
    from dagster_project.quality.rules_dfe import ssda903_missing_review_rules

    ours = {r.id for r in ssda903_missing_review_rules()}
    assert ours <= {r.id for r in registry()} and not {rule_id for rule_id, _ in excluded} & ours
    # a case-management export holds whole histories: the collection-year lower bound checks an imported return only
    assert not any(rule_id == "missing_episodes.end_date_before_collection_year" for rule_id, _ in flagged)
