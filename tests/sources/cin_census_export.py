"""Test helper: write a CIN census return (XML, the DfE's 2024-25 schema) for one collection year from a
case-management extract folder, as a council's census software would: the CIN episodes (referrals) open at
any time in the year (1 April to the 31 March `year_end`, the ReferenceDate), and in each the assessments
not authorised before the year, the CIN and CP plans not ended before it; `Sex` coded M/F/U (the 2024-25
schema; `GenderCurrent` is the 2022 one), ISO dates, a defective value written as delivered. The extract is
generated up to `year_end`, so nothing in it is later than the year's end but a generated defect.

When the extract holds the optional files `section47_enquiries`, `cp_reviews` and `cp_categories` (`csc generate
--optional-files`), the census carries them too (issue 24): a `Section47` block per enquiry open in the year (started by
its end, its conference, if any, not before its start), `ICPCnotRequired` written 1/0 (an xs:boolean: the validator's
rules 8740 and 2885 compare with "0" and "1" only); one `Reviews/CPPreviewDate` per review of the plan dated in the year
(a review without a date as an empty element); `LatestCategoryOfAbuse` from the plan's last `cp_categories` row
(left out when it has none), `InitialCategoryOfAbuse` from the plan as before.

`scripted=True` adds `scripted_children`: hand-written cases at the year's edges."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.sources.ssda903_export import _date, _rows

BOOLEAN = {"Y": "true", "N": "false"}
DISABILITY = {"Y": ["MOB"], "N": ["NONE"], "U": []}  # the contract holds Y/N/U; any DfE code stands for Y
ICPC_NOT_REQUIRED = {"Y": "1", "N": "0"}
OPTIONAL_FILES = ("section47_enquiries", "cp_reviews", "cp_categories")


def _open_in_year(start: str, end: str, year_start: dt.date, year_end: dt.date) -> bool:
    """Started by the year end and not ended before the year start (a defective date leaves the other to decide)."""
    first, last = _date(start), _date(end)
    return (first is None or first <= year_end) and (last is None or last >= year_start)


def cut_to_census_year(extract: dict[str, list[dict[str, str]]], year_end: dt.date) -> dict[str, list[dict[str, str]]]:
    """The records a census for the year ending `year_end` holds, by contract file."""
    year_start = dt.date(year_end.year - 1, 4, 1)
    referrals = [
        r for r in extract["referrals"] if _open_in_year(r["referral_date"], r["closure_date"], year_start, year_end)
    ]
    kept = {r["referral_id"] for r in referrals}
    assessments = [
        a for a in extract["assessments"]
        if a["referral_id"] in kept and _open_in_year(a["start_date"], a["authorised_date"], year_start, year_end)
    ]  # fmt: skip
    plans = [
        p for p in extract["plans"]
        if p["referral_id"] in kept and _open_in_year(p["start_date"], p["end_date"], year_start, year_end)
    ]  # fmt: skip
    in_census = {r["child_id"] for r in referrals}
    children = [c for c in extract["children"] if c["child_id"] in in_census]
    census = {"children": children, "referrals": referrals, "assessments": assessments, "plans": plans}
    if "section47_enquiries" in extract:
        census["section47_enquiries"] = [
            q for q in extract["section47_enquiries"]
            if q["referral_id"] in kept and _open_in_year(q["s47_start_date"], _s47_end(q), year_start, year_end)
        ]  # fmt: skip
    kept_plans = {p["plan_id"] for p in plans}
    if "cp_reviews" in extract:
        census["cp_reviews"] = [
            v for v in extract["cp_reviews"]
            if v["cp_plan_id"] in kept_plans and _open_in_year(v["review_date"], v["review_date"], year_start, year_end)
        ]  # fmt: skip
    if "cp_categories" in extract:
        census["cp_categories"] = [k for k in extract["cp_categories"] if k["cp_plan_id"] in kept_plans]
    return census


def _s47_end(enquiry: dict[str, str]) -> str:
    """An enquiry ends at its conference; one whose conference was not required at its start (the contract holds no
    date for its outcome); one still awaiting its conference is open."""
    if enquiry["icpc_date"]:
        return enquiry["icpc_date"]
    return enquiry["s47_start_date"] if enquiry["icpc_not_required"] == "Y" else ""


def scripted_children(year_end: dt.date) -> dict[str, list[dict[str, str]]]:
    """Hand-written children at the census year's edges, each named for the DfE rule it exercises. Days count
    from 1 April (negative: last year)."""
    april = dt.date(year_end.year - 1, 4, 1)

    def day(offset: int | None) -> str:
        return "" if offset is None else (april + dt.timedelta(days=offset)).isoformat()

    def born(years_before_april: int) -> str:
        return april.replace(year=april.year - years_before_april).isoformat()

    # child: (date of birth, date of death, [(referral, closure, reason, nfa, [(assessment start, authorised)],
    #                                        [(plan type, start, end)])])
    cases = {
        # open since last year (assessment authorised and CIN plan started last year, both kept: open in the
        # year); in care of the council throughout: nothing to flag
        "0099101": (born(9), None, [(-200, None, None, "N", [(-195, -150)], [("CIN", -150, None)])]),
        # first ever referral inside the year, assessed and closed after assessment (RC8) inside it
        "0099102": (born(8), None, [(30, 90, "RC8", "N", [(32, 80)], [])]),
        # previous episode closed last year (not in the census), a new one inside the year
        "0099103": (born(7), None, [(45, None, None, "N", [(47, None)], [])]),
        # 8620: the previous episode, closed last year, sent in the census all the same
        "0099104": (born(7), None, [(-300, -40, "RC1", "N", [(-298, -250)], []),
                                    (20, None, None, "N", [(22, 60)], [("CIN", 60, None)])]),
        # 8696: an assessment authorised last year sent with its open episode
        "0099105": (born(10), None, [(-100, None, None, "N", [(-95, -20), (10, 50)], [("CIN", 50, None)])]),
        # 8736: an open assessment (not authorised) that started last year
        "0099106": (born(10), None, [(-60, None, None, "N", [(-50, None)], [])]),
        # 4013 / 8930: a CIN plan and a CP plan that ended last year, sent with the open episode
        "0099107": (born(6), None, [(-300, None, None, "N", [(-290, -250)],
                                     [("CIN", -250, -100), ("CP", -100, -30), ("CP", 20, None)])]),
        # 8545Q: date of death last year on an episode open in the year
        "0099108": (born(3), day(-10), [(-200, 5, "RC2", "N", [(-190, -150)], [])]),
        # 8569Q: NFA referral dated last year, still open at 1 April; the same inside the year is fine
        "0099109": (born(12), None, [(-20, None, None, "Y", [], []), (100, 101, "RC7", "Y", [], [])]),
        # 8670Q: an open assessment started in the year, more than 45 working days before the year end
        "0099110": (born(12), None, [(150, None, None, "N", [(155, None)], [])]),
        # issue 24 (section 47 enquiries, CP reviews and categories: SCRIPTED_S47 and SCRIPTED_CP below)
        "0099111": (born(11), None, [(-60, None, None, "N", [(-55, -45)], [])]),
        "0099112": (born(11), None, [(-60, None, None, "N", [(-55, -45)], [("CP", -40, None)])]),
        "0099113": (born(11), None, [(10, None, None, "N", [(10, 25)], [("CP", 30, None)])]),
        "0099114": (born(11), None, [(10, None, None, "N", [(10, 25)], [])]),
        "0099115": (born(11), None, [(200, None, None, "N", [(200, 232)], [("CP", 250, None)])]),
        "0099116": (born(11), None, [(10, None, None, "N", [(10, 25)], [("CP", 30, None)])]),
        "0099117": (born(9), None, [(40, None, None, "N", [(40, 60)], [])]),
        "0099118": (born(9), None, [(40, None, None, "N", [(40, 60)], [])]),
        "0099119": (born(9), None, [(40, None, None, "N", [(40, 60)], [])]),
        "0099120": (born(9), None, [(40, 80, "RC8", "N", [(40, 60)], [])]),
        "0099121": (born(9), None, [(40, None, None, "Y", [], [])]),
        "0099122": (born(9), None, [(40, None, None, "N", [(40, 60)], [("CIN", 60, 150), ("CP", 163, 200)])]),
    }  # fmt: skip
    out: dict[str, list[dict[str, str]]] = {
        "children": [], "referrals": [], "assessments": [], "plans": [], "section47_enquiries": [], "cp_reviews": [],
        "cp_categories": [],
    }  # fmt: skip
    for child_id, (dob, death, referrals) in cases.items():
        out["children"].append({
            "child_id": child_id, "sex": "F", "date_of_birth": dob, "expected_date_of_birth": "", "ethnicity": "WBRI",
            "disabled": "N", "date_of_death": death or "",
        })  # fmt: skip
        for r_no, (start, end, reason, nfa, assessments, plans) in enumerate(referrals, start=1):
            referral_id = f"R{child_id}{r_no}"
            out["referrals"].append({
                "referral_id": referral_id, "child_id": child_id, "referral_date": day(start), "referral_source": "1A",
                "primary_need_code": "N1", "nfa": nfa, "closure_date": day(end), "closure_reason": reason or "",
            })  # fmt: skip
            for a_start, a_end in assessments:
                out["assessments"].append({
                    "referral_id": referral_id, "child_id": child_id, "start_date": day(a_start),
                    "authorised_date": day(a_end), "factors": "2A" if a_end is not None else "",
                })  # fmt: skip
            for p_no, (plan_type, p_start, p_end) in enumerate(plans, start=1):
                plan_id = f"P{child_id}{r_no}{p_no}"
                out["plans"].append({
                    "plan_id": plan_id, "referral_id": referral_id, "child_id": child_id, "plan_type": plan_type,
                    "start_date": day(p_start), "end_date": day(p_end), "category_of_abuse": "NEG",
                })  # fmt: skip
                if plan_type != "CP":
                    continue
                reviews, categories = SCRIPTED_CP.get(child_id, ([], [("NEG", p_start)]))
                out["cp_reviews"] += [{"cp_review_id": f"V{plan_id}{n}", "child_id": child_id, "cp_plan_id": plan_id,
                                       "review_date": day(d)} for n, d in enumerate(reviews)]  # fmt: skip
                for n, (code, d) in enumerate(categories):
                    out["cp_categories"].append({"cp_category_id": f"K{plan_id}{n}", "cp_plan_id": plan_id,
                                                 "category": code, "category_start_date": day(d)})  # fmt: skip
        for n, (r_no, start, icpc, not_required) in enumerate(SCRIPTED_S47.get(child_id, [])):
            out["section47_enquiries"].append({
                "s47_id": f"Q{child_id}{r_no}{n}", "child_id": child_id, "referral_id": f"R{child_id}{r_no}",
                "strategy_discussion_date": day(start), "s47_start_date": day(start), "outcome": "",
                "icpc_not_required": not_required, "icpc_date": day(icpc), "icpc_outcome": "",
            })  # fmt: skip
    return out


# The scripted children's section 47 enquiries (issue 24): child -> [(referral number, start, conference, ICPC not
# required)], days from 1 April as in scripted_children (2024-02-21 a Wednesday, 2024-05-01 a Wednesday, 2024-12-07 a
# Saturday).
SCRIPTED_S47 = {
    "0099111": [(1, -55, None, "N")],  # 8740: awaiting its conference since last year; 8675Q
    "0099112": [(1, -55, -40, "N")],  # 8715: its conference (and the CP plan) last year
    "0099113": [(1, 10, 30, "N")],  # conference in the year, the CP plan starting that day: nothing to flag
    "0099114": [(1, 10, None, "N")],  # 8675Q: no conference more than 15 working days on; started in the year
    "0099115": [(1, 200, 250, "N")],  # 8875: the conference on a Saturday (the CP plan starts that day)
    "0099116": [(1, 10, 30, "N")],  # its CP plan: a review on its first day (8841), a latest category not a code (8910)
    "0099117": [(1, 38, 39, "N")],  # enquiry and conference before the referral (2024-05-11): 2889, 1104
    "0099118": [(1, 50, 45, "N")],  # the enquiry starts after its conference: 8615
    "0099119": [(1, 45, None, "N"), (1, 50, None, "N")],  # two awaiting their conference: 8839, 8890
    "0099120": [(1, 45, None, "Y")],  # on a referral closed RC8 (closed after assessment): 2990
    "0099121": [(1, 41, None, "Y")],  # on an NFA referral: 8831 (and no assessment: 2991Q)
    # its CP plan (from 2024-09-11) has a review dated while its CIN plan was open (4003; before the CP plan's start:
    # 8841 too) and one with no date (8842Q)
    "0099122": [(1, 150, 163, "N")],
}
# Scripted CP plans' reviews and categories (code, from day); others: no review, NEG from the plan's start.
SCRIPTED_CP = {
    "0099113": ([120], [("NEG", 30)]),
    "0099116": ([30, 120], [("NEG", 30), ("XXX", 120)]),
    "0099122": ([100, None], [("NEG", 163)]),
}


def _add(parent: ET.Element, name: str, value: str | None) -> None:
    if value:
        ET.SubElement(parent, name).text = value


def _add_date(parent: ET.Element, name: str, value: str | None) -> None:
    """The census schema types every date xs:date: a file holding anything else fails the DfE's schema check
    before any rule runs. A generated defect that is not a YYYY-MM-DD date is therefore left out (a missing date,
    which both the project and the validator read as missing), not written as delivered."""
    if value and _date(value) is not None and len(value) == 10:
        _add(parent, name, value)


def _section47_element(details: ET.Element, enquiry: dict[str, str]) -> None:
    block = ET.SubElement(details, "Section47")
    _add_date(block, "S47ActualStartDate", enquiry["s47_start_date"])
    _add_date(block, "DateOfInitialCPC", enquiry["icpc_date"])
    _add(block, "ICPCnotRequired", ICPC_NOT_REQUIRED.get(enquiry["icpc_not_required"], enquiry["icpc_not_required"]))


def _cp_plan_element(details: ET.Element, plan: dict[str, str], optional: dict[str, dict[str, list]]) -> None:
    block = ET.SubElement(details, "ChildProtectionPlans")
    _add_date(block, "CPPstartDate", plan["start_date"])
    _add_date(block, "CPPendDate", plan["end_date"])
    _add(block, "InitialCategoryOfAbuse", plan["category_of_abuse"])
    if "cp_categories" in optional:  # the plan's last category row (latest start, then last in the file)
        rows = sorted(enumerate(optional["cp_categories"].get(plan.get("plan_id", ""), [])),
                      key=lambda r: (_date(r[1]["category_start_date"]) or dt.date.max, r[0]))  # fmt: skip
        _add(block, "LatestCategoryOfAbuse", rows[-1][1]["category"] if rows else None)
    else:
        _add(block, "LatestCategoryOfAbuse", plan["category_of_abuse"])
    for review in optional.get("cp_reviews", {}).get(plan.get("plan_id", ""), []):
        element = ET.SubElement(ET.SubElement(block, "Reviews"), "CPPreviewDate")
        value = review["review_date"]
        if value and _date(value) is not None and len(value) == 10:
            element.text = value  # else empty: a review with no date (a defect not YYYY-MM-DD reads as missing)


def _child_element(child: dict[str, str], referrals, assessments, plans, optional=None) -> ET.Element:
    element = ET.Element("Child")
    ids = ET.SubElement(element, "ChildIdentifiers")
    _add(ids, "LAchildID", child["child_id"])
    # the child fields (issue 24), when the extract holds child_identifiers (export_cin_census puts them on the row)
    _add(ids, "UPN", child.get("_upn"))
    _add(ids, "FormerUPN", child.get("_former_upn"))
    _add(ids, "UPNunknown", child.get("_upn_unknown"))
    _add_date(ids, "PersonBirthDate", child["date_of_birth"])
    _add_date(ids, "ExpectedPersonBirthDate", child["expected_date_of_birth"])
    _add(ids, "Sex", child["sex"])
    _add_date(ids, "PersonDeathDate", child["date_of_death"])
    chars = ET.SubElement(element, "ChildCharacteristics")
    _add(chars, "Ethnicity", child["ethnicity"])
    codes = DISABILITY.get(child["disabled"], [child["disabled"]] if child["disabled"] else [])
    if "_disabilities" in child:  # the extract holds child_disabilities: its codes, not the flag's
        codes = child["_disabilities"]
    if codes:
        block = ET.SubElement(chars, "Disabilities")
        for code in codes:
            _add(block, "Disability", code)
    seen: set[str] = set()
    for referral in referrals:
        # a duplicated referral row (a generated defect) is a second <CINdetails> without the assessments and plans
        first = referral["referral_id"] not in seen
        seen.add(referral["referral_id"])
        details = ET.SubElement(element, "CINdetails")
        _add_date(details, "CINreferralDate", referral["referral_date"])
        _add(details, "ReferralSource", referral["referral_source"])
        _add(details, "PrimaryNeedCode", referral["primary_need_code"])
        _add_date(details, "CINclosureDate", referral["closure_date"])
        _add(details, "ReasonForClosure", referral["closure_reason"])
        _add(details, "ReferralNFA", BOOLEAN.get(referral["nfa"], referral["nfa"]))
        for a in assessments.get(referral["referral_id"], []) if first else []:
            block = ET.SubElement(details, "Assessments")
            _add_date(block, "AssessmentActualStartDate", a["start_date"])
            _add_date(block, "AssessmentAuthorisationDate", a["authorised_date"])
            if a["factors"]:
                factors = ET.SubElement(block, "FactorsIdentifiedAtAssessment")
                for code in a["factors"].split("|"):
                    _add(factors, "AssessmentFactors", code)
        for p in plans.get(referral["referral_id"], []) if first else []:
            if p["plan_type"] == "CIN":
                block = ET.SubElement(details, "CINPlanDates")
                _add_date(block, "CINPlanStartDate", p["start_date"])
                _add_date(block, "CINPlanEndDate", p["end_date"])
        optional = optional or {}
        for q in optional.get("section47_enquiries", {}).get(referral["referral_id"], []) if first else []:
            _section47_element(details, q)
        for p in plans.get(referral["referral_id"], []) if first else []:
            if p["plan_type"] == "CP":
                _cp_plan_element(details, p, optional)
    return element


def _grouped(rows: list[dict[str, str]] | None, key: str) -> dict[str, list[dict[str, str]]] | None:
    if rows is None:
        return None
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def export_cin_census(extract_folder: Path, out: Path, year_end: dt.date, scripted: bool = False) -> Path:
    """Write the census for the collection year ending `year_end` (a 31 March) to the file `out`."""
    extract = {
        name: _rows(extract_folder / f"{name}.csv") for name in ("children", "referrals", "assessments", "plans")
    }
    for name in OPTIONAL_FILES:  # the optional files the extract holds (csc generate --optional-files)
        if (extract_folder / f"{name}.csv").is_file():
            extract[name] = _rows(extract_folder / f"{name}.csv")
    census = cut_to_census_year(extract, year_end)
    _add_child_fields(extract_folder, census["children"])
    if scripted:
        for name, rows in scripted_children(year_end).items():
            if name in census:
                census[name] = census[name] + rows
    optional = {
        "section47_enquiries": _grouped(census.get("section47_enquiries"), "referral_id"),
        "cp_reviews": _grouped(census.get("cp_reviews"), "cp_plan_id"),
        "cp_categories": _grouped(census.get("cp_categories"), "cp_plan_id"),
    }
    optional = {name: rows for name, rows in optional.items() if rows is not None}
    by_child: dict[str, list] = {}
    for r in census["referrals"]:
        by_child.setdefault(r["child_id"], []).append(r)
    assessments: dict[str, list] = {}
    for a in census["assessments"]:
        assessments.setdefault(a["referral_id"], []).append(a)
    plans: dict[str, list] = {}
    for p in census["plans"]:
        plans.setdefault(p["referral_id"], []).append(p)
    message = ET.Element("Message")
    details = ET.SubElement(ET.SubElement(message, "Header"), "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", str(year_end.year))
    _add(details, "ReferenceDate", year_end.isoformat())
    children = ET.SubElement(message, "Children")
    written: set[str] = set()
    for child in census["children"]:
        # a duplicated child (a generated defect) is a second <Child> block without the episodes: 8510
        episodes = [] if child["child_id"] in written else by_child.get(child["child_id"], [])
        written.add(child["child_id"])
        children.append(_child_element(child, episodes, assessments, plans, optional))
    ET.indent(message)
    out.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(message).write(out, encoding="utf-8", xml_declaration=True)
    return out


def _add_child_fields(extract_folder: Path, children: list[dict[str, str]]) -> None:
    """UPN, FormerUPN, UPNunknown and the disability codes on each child's row (`_upn`, ... `_disabilities`), from
    the optional files child_identifiers and child_disabilities when the extract holds them."""
    if (extract_folder / "child_identifiers.csv").is_file():
        ids = {r["child_id"]: r for r in _rows(extract_folder / "child_identifiers.csv")}
        for child in children:
            row = ids.get(child["child_id"], {})
            child.update(_upn=row.get("upn"), _former_upn=row.get("former_upn"), _upn_unknown=row.get("upn_unknown"))
    if (extract_folder / "child_disabilities.csv").is_file():
        codes: dict[str, list[str]] = {}
        for r in _rows(extract_folder / "child_disabilities.csv"):
            codes.setdefault(r["child_id"], []).append(r["disability"])
        for child in children:
            child["_disabilities"] = codes.get(child["child_id"], [])
