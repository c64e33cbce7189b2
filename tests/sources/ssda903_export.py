"""Test helper: write SSDA903 header and episodes files (and missing, reviews, oc3 and uasc, when the extract holds the
optional files missing_episodes, cla_reviews, care_leavers and uasc_statuses; the header's UPN from
child_identifiers) from a case-management extract folder, as a
council's 903 software would (DfE column names, SEX M/F/U as coded since 2024-25, DD/MM/YYYY dates).
A defective date (generated defects) is written as delivered.

Without `year_end`: every looked-after child and their whole episode history (the round-trip test imports
these and compares the looked-after figures). With `year_end` (a 31 March): the return of the collection
year ending then, as the DfE collects it: the episodes open on 1 April and those starting in the year, an
end date after the year end (not yet known when the return is made) blank with its reason ceased, and the
header rows of the children with an episode in the return."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from dagster_project.sources.ssda903 import RETURN_COLUMNS


def _uk(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""
    except ValueError:  # a defective date (the generator's defects) is exported as delivered
        return value


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def in_collection_year(episode: dict[str, str], year_end: dt.date) -> bool:
    """Open on 1 April or starting in the year (a defective date leaves the other one to decide)."""
    year_start = dt.date(year_end.year - 1, 4, 1)
    start, end = _date(episode["start_date"]), _date(episode["end_date"])
    return (start is None or start <= year_end) and (end is None or end >= year_start)


def cut_to_collection_year(episodes: list[dict[str, str]], year_end: dt.date) -> list[dict[str, str]]:
    cut = []
    for episode in episodes:
        if not in_collection_year(episode, year_end):
            continue
        end = _date(episode["end_date"])
        if end is not None and end > year_end:  # ends after the return was made: open in the return
            episode = {**episode, "end_date": "", "reason_ceased": ""}
        cut.append(episode)
    return cut


def scripted_children(year_end: dt.date) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(children, episodes) added to a year-shaped return: hand-written cases at the year's edges that a
    generated council rarely holds, each named for the DfE rule it exercises. Days count from 1 April."""
    april = dt.date(year_end.year - 1, 4, 1)

    def day(offset: int) -> str:
        return (april + dt.timedelta(days=offset)).isoformat()

    def born(years_before_april: int) -> str:
        return april.replace(year=april.year - years_before_april).isoformat()

    cases = {
        # 357: in care since before the year (first ever episode in an earlier return), first episode in the
        # return is a continuation (P): not the child's first episode ever
        "0099001": (born(12), [(-200, "P", "C2", "U1", 60, "X1"), (60, "P", "C2", "U3", None, None)]),
        # 357: first ever episode inside the year with a reason other than S
        "0099002": (born(11), [(30, "P", "C2", "U1", None, None)]),
        # 357: previous episode ended last year (not in the return); the new one must start with S
        "0099003": (born(10), [(45, "P", "C2", "U1", None, None)]),
        # 367: V3 respite, 80 days last year (not this return's) and 10 + 50 this year: within the 75
        "0099004": (born(9), [(-80, "S", "V3", "U3", 10, "E8"), (100, "S", "V3", "U3", 150, "E8")]),
        # 426: V4 open at 1 April (started last year) and V3 in the year: both in one return
        "0099005": (born(9), [(-30, "S", "V4", "U3", 10, "E8"), (40, "S", "V3", "U3", 45, "E8")]),
        # 377: three T3 placements in the return, the first open at 1 April
        "0099006": (born(8), [(-10, "P", "C2", "T3", 5, "X1"), (5, "P", "C2", "U1", 60, "X1"),
                              (60, "P", "C2", "T3", 70, "X1"), (70, "P", "C2", "U1", 200, "X1"),
                              (200, "P", "C2", "T3", 210, "X1"), (210, "P", "C2", "U1", None, None)]),
        # 376: T3 lasting more than 21 days
        "0099007": (born(8), [(10, "S", "C2", "U1", 20, "X1"), (20, "P", "C2", "T3", 50, "X1"),
                              (50, "P", "C2", "U1", None, None)]),
        # 387: ceased to independent living (E5) under 14
        "0099008": (born(13), [(10, "S", "C2", "U1", 100, "E5")]),
        # 389: ceased to adult social care (E7) under 16
        "0099009": (born(15), [(10, "S", "C2", "U1", 100, "E7")]),
        # 388: ceased X1 with no episode following
        "0099010": (born(12), [(10, "S", "C2", "U1", 50, "X1")]),
        # 142: an open episode followed by another
        "0099011": (born(12), [(10, "S", "C2", "U1", None, None), (50, "P", "C2", "U3", None, None)]),
        # 501: an episode starting before the previous one ended
        "0099012": (born(12), [(10, "S", "C2", "U1", 100, "E13"), (50, "S", "C2", "U1", 80, "E13")]),
        # 383: after a temporary placement, a placement other than the one before it
        "0099013": (born(12), [(10, "S", "C2", "U1", 20, "X1"), (20, "P", "C2", "T1", 30, "X1"),
                               (30, "P", "C2", "U3", None, None)]),
    }  # fmt: skip
    children, episodes = [], []
    for child_id, (dob, rows) in cases.items():
        children.append({"child_id": child_id, "sex": "M", "date_of_birth": dob, "ethnicity": "WBRI"})
        for start, rne, ls, place, end, rec in rows:
            episodes.append({
                "child_id": child_id, "start_date": day(start), "reason_new_episode": rne, "legal_status": ls,
                "placement_type": place, "end_date": day(end) if end is not None else "", "reason_ceased": rec or "",
            })  # fmt: skip
    return children, episodes


def scripted_care_leavers(year_end: dt.date) -> tuple[list, list, list]:
    """(children, episodes, care_leavers contacts) added to a year-shaped return holding the OC3: one care leaver
    per OC3 rule, each named for the DfE rule it exercises, dated the birthday in the year. Episodes as
    `scripted_children`'s (days from 1 April)."""
    april = dt.date(year_end.year - 1, 4, 1)

    def born(age_on_1_june: int) -> str:  # a birthday on 1 June: inside the year
        return dt.date(april.year - age_on_1_june, 6, 1).isoformat()

    cases = {  # child: (age on 1 June, [(start, end, reason ceased)], IN_TOUCH, ACTIV, ACCOM); "" is the 903's 0
        "0099301": (17, [], "YES", "F2", "B1"),  # right on every rule
        "0099302": (19, [], "RHOM", "F2", ""),  # 344: home to parents, with an activity
        "0099303": (19, [], "YES", "F2", ""),  # 345: in touch, accommodation 0
        "0099304": (16, [], "NO", "", ""),  # 391: 16 at the year's end
        "0099305": (17, [], "YES", "F2", "Z1"),  # 3001: former foster carers, 17th birthday in the year
        "0099306": (18, [], "YES", "F2", "Z1"),  # 3001 right: the 17th birthday was last year
        "0099307": (18, [(-2000, 30, "E2")], "NO", "", ""),  # 1000: died in care (E2) in the year
        "0099308": (19, [], "MAYBE", "", ""),  # 131: not an IN_TOUCH code
        "0099309": (19, [], "", "F2", "B1"),  # 131 and 153: IN_TOUCH blank, ACTIV and ACCOM coded
        "0099310": (19, [], "YES", "F2", "Q1"),  # 133: not an ACCOM code
        "0099311": (19, [], "YES", "X9", "B1"),  # 132: not an ACTIV code
    }  # fmt: skip
    children, episodes, contacts = [], [], []
    for child_id, (age, rows, in_touch, activity, accommodation) in cases.items():
        children.append({"child_id": child_id, "sex": "M", "date_of_birth": born(age), "ethnicity": "WBRI"})
        for start, end, rec in rows:
            episodes.append({
                "child_id": child_id, "start_date": (april + dt.timedelta(days=start)).isoformat(),
                "reason_new_episode": "S", "legal_status": "C2", "placement_type": "U1",
                "end_date": (april + dt.timedelta(days=end)).isoformat(), "reason_ceased": rec,
            })  # fmt: skip
        contacts.append({"child_id": child_id, "care_leaver_record_id": f"CL{child_id}", "contact_date": "",
                         "in_touch": in_touch, "activity": activity, "accommodation": accommodation})  # fmt: skip
    return children, episodes, contacts


def export_ssda903(extract_folder: Path, out: Path, year_end: dt.date | None = None, scripted: bool = False) -> Path:
    """`scripted`: add `scripted_children` (and `scripted_care_leavers` with the OC3) (with `year_end` only)."""
    out.mkdir(parents=True, exist_ok=True)
    episodes = _rows(extract_folder / "cla_episodes.csv")
    children = _rows(extract_folder / "children.csv")
    if year_end is not None:
        episodes = cut_to_collection_year(episodes, year_end)
        if scripted:
            extra_children, extra_episodes = scripted_children(year_end)
            children, episodes = children + extra_children, episodes + extra_episodes
    scripted_oc3 = []
    if scripted and year_end is not None and (extract_folder / "care_leavers.csv").is_file():
        leaver_children, leaver_episodes, scripted_oc3 = scripted_care_leavers(year_end)
        children, episodes = children + leaver_children, episodes + leaver_episodes
    looked_after = {e["child_id"] for e in episodes}
    oc3 = _oc3_contacts(extract_folder, {c["child_id"] for c in children}, year_end)  # [] without the optional file
    oc3 += scripted_oc3
    looked_after |= {contact["child_id"] for contact in oc3}  # a care leaver is in the header too
    children = [c for c in children if c["child_id"] in looked_after]
    upn = {}  # the header's UPN item: the UPN, or the code saying why it is unknown (child_identifiers, optional)
    if (extract_folder / "child_identifiers.csv").is_file():
        upn = {r["child_id"]: r["upn"] or r["upn_unknown"] for r in _rows(extract_folder / "child_identifiers.csv")}
    with open(out / "header.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(RETURN_COLUMNS["header"])
        for c in children:
            w.writerow([c["child_id"], c["sex"], _uk(c["date_of_birth"]), c["ethnicity"],
                        upn.get(c["child_id"], ""), "", ""])  # fmt: skip
    with open(out / "episodes.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(RETURN_COLUMNS["episodes"])
        for e in episodes:
            w.writerow([e["child_id"], _uk(e["start_date"]), e["reason_new_episode"], e["legal_status"], "",
                        e["placement_type"], "", _uk(e["end_date"]), e["reason_ceased"], "", "", "", ""])  # fmt: skip
    if (extract_folder / "care_leavers.csv").is_file():  # the optional file, when the extract holds it
        _write_oc3(oc3, children, out)
    if (extract_folder / "missing_episodes.csv").is_file():  # the optional file, when the extract holds it
        _write_missing(_rows(extract_folder / "missing_episodes.csv"), children, out, year_end)
    if (extract_folder / "cla_reviews.csv").is_file():
        _write_reviews(_rows(extract_folder / "cla_reviews.csv"), children, out, year_end)
    if scripted and (out / "missing.csv").is_file() and (out / "reviews.csv").is_file():
        _append_scripted_missing_and_reviews(out, year_end)
    if (extract_folder / "uasc_statuses.csv").is_file():
        _write_uasc(_rows(extract_folder / "uasc_statuses.csv"), children, out, year_end)
    return out


def _write_uasc(uasc: list[dict[str, str]], children: list[dict[str, str]], out: Path, year_end) -> None:
    """uasc.csv: the UASC of the return's children, with the child's sex and date of birth; with `year_end`, a
    date UASC ceased after it blank (not yet known when the return is made)."""
    people = {c["child_id"]: c for c in children}
    with open(out / "uasc.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(RETURN_COLUMNS["uasc"])
        for u in uasc:
            child = people.get(u["child_id"])
            if child is None:
                continue
            ceased = u["uasc_ceased_date"]
            if year_end is not None and (_date(ceased) or year_end) > year_end:
                ceased = ""
            w.writerow([u["child_id"], child["sex"], _uk(child["date_of_birth"]), _uk(ceased)])


def _write_missing(missing: list[dict[str, str]], children: list[dict[str, str]], out: Path, year_end) -> None:
    """missing.csv: every missing episode of the children in the return (with `year_end`, those open on 1 April or
    starting in the year, an end after the year end blank); no return interview (the 903 has none)."""
    birth = {c["child_id"]: c["date_of_birth"] for c in children}
    with open(out / "missing.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(RETURN_COLUMNS["missing"])
        for m in missing:
            if m["child_id"] not in birth:
                continue
            episode = {"start_date": m["start_date"], "end_date": m["end_date"]}
            if year_end is not None:
                if not in_collection_year(episode, year_end):
                    continue
                if (_date(m["end_date"]) or year_end) > year_end:
                    episode["end_date"] = ""
            w.writerow([m["child_id"], _uk(birth[m["child_id"]]), m["missing_or_absent"], _uk(episode["start_date"]),
                        _uk(episode["end_date"])])  # fmt: skip


def _oc3_contacts(extract_folder: Path, known: set[str], year_end: dt.date | None) -> list[dict[str, str]]:
    """The OC3's one row per care leaver: each child's latest contact (by date, then id), with `year_end` the latest
    dated in that collection year (contacts follow a birthday, so it is the one about the birthday in the year).
    A contact whose child is not in children.csv (a 903 OC3 row comes with its header row) or whose date is not a
    date (the generator's defects) is left out."""
    path = extract_folder / "care_leavers.csv"
    if not path.is_file():
        return []
    latest: dict[str, dict[str, str]] = {}
    for contact in _rows(path):
        day = _date(contact["contact_date"])
        if contact["child_id"] not in known or day is None:
            continue
        if year_end is not None and not dt.date(year_end.year - 1, 4, 1) <= day <= year_end:
            continue
        key = (contact["contact_date"], contact["care_leaver_record_id"])
        best = latest.get(contact["child_id"])
        if best is None or key > (best["contact_date"], best["care_leaver_record_id"]):
            latest[contact["child_id"]] = contact
    return [latest[child] for child in sorted(latest)]


def _write_oc3(contacts: list[dict[str, str]], children: list[dict[str, str]], out: Path) -> None:
    """oc3.csv: IN_TOUCH, ACTIV, ACCOM of each care leaver's contact; an empty activity or accommodation is the
    903's 0 (not applicable)."""
    birth = {c["child_id"]: c["date_of_birth"] for c in children}
    with open(out / "oc3.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(RETURN_COLUMNS["oc3"])
        for c in contacts:
            w.writerow([c["child_id"], _uk(birth[c["child_id"]]), c["in_touch"], c["activity"] or "0",
                        c["accommodation"] or "0"])  # fmt: skip


def _write_reviews(reviews: list[dict[str, str]], children: list[dict[str, str]], out: Path, year_end) -> None:
    """reviews.csv: every looked-after review of the children in the return (with `year_end`, those held in the
    year; a defective date is kept, as the return would send it)."""
    birth = {c["child_id"]: c["date_of_birth"] for c in children}
    year_start = None if year_end is None else dt.date(year_end.year - 1, 4, 1)
    with open(out / "reviews.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(RETURN_COLUMNS["reviews"])
        for r in reviews:
            held = _date(r["review_date"])
            if r["child_id"] not in birth or (year_end is not None and held and not year_start <= held <= year_end):
                continue
            w.writerow([r["child_id"], _uk(birth[r["child_id"]]), _uk(r["review_date"]), r["participation"]])


def _append_scripted_missing_and_reviews(out: Path, year_end: dt.date) -> None:
    """Hand-written children for the missing.csv and reviews.csv rules a generated council rarely breaks, each named
    for the DfE rules it exercises (days count from 1 April; rows written as given, not cut to the year). Every
    period of care here has ended: the validator's rule 365 fills a blank DEC with the collection end in the data
    the later rules read (see the allowed differences), which would change what 575, 577 and 578 see."""
    april = dt.date(year_end.year - 1, 4, 1)

    def day(offset: int | None) -> str:
        return "" if offset is None else (april + dt.timedelta(days=offset)).strftime("%d/%m/%Y")

    def born(offset_days: int, years_before: int) -> str:
        birth = april + dt.timedelta(days=offset_days)
        return birth.replace(year=birth.year - years_before).strftime("%d/%m/%Y")

    cases = {  # child: (date of birth, episodes, missing episodes, reviews)
        # 564/1004 blank start (and 581: no start inside an episode); 565, 566 blank MISSING; 575 and 577 an open
        # missing episode that began in an episode that ended, of a period that ended
        "0099101": (born(0, 12), [(10, "S", "U1", 100, "X1"), (100, "P", "U3", 200, "E8")],
                    [("M", 20, 25), ("", 30, 31), ("M", None, 40), ("M", 50, None)], []),
        # 575, 577: open missing episode of a period that ended; 578, 581, 577 (and 574): one after the period ended
        "0099102": (born(0, 10), [(10, "S", "U1", 60, "E8")], [("M", 20, None), ("M", 70, 72)], []),
        # 580: care ends on the 18th birthday, the day a missing episode ends, with a reason other than E8
        "0099103": (born(100, 18), [(10, "S", "U1", 100, "E15")], [("M", 95, 100)], []),
        # 586: missing on the date of birth (and 581, 578: before care began)
        "0099104": (born(30, 0), [(31, "S", "U1", 200, "E8")], [("M", 30, 31)], []),
        # 441 under 4 with PN1 (4 on day 100), 440 over 4 with PN0, neither on the birthday; 570 a missing episode
        # starting after the collection year
        "0099105": (born(100, 4), [(1, "S", "U1", 300, "E8")], [("A", 370, None)],
                    [(99, "PN1"), (100, "PN1"), (101, "PN0"), (100, "PN0")]),
    }  # fmt: skip
    with (open(out / "header.csv", "a", encoding="utf-8", newline="") as header,
          open(out / "episodes.csv", "a", encoding="utf-8", newline="") as episodes,
          open(out / "missing.csv", "a", encoding="utf-8", newline="") as missing,
          open(out / "reviews.csv", "a", encoding="utf-8", newline="") as reviews):  # fmt: skip
        writers = [csv.writer(f, lineterminator="\r\n") for f in (header, episodes, missing, reviews)]
        for child_id, (dob, child_episodes, child_missing, child_reviews) in cases.items():
            writers[0].writerow([child_id, "F", dob, "WBRI", "", "", ""])
            for start, rne, place, end, rec in child_episodes:
                writers[1].writerow([child_id, day(start), rne, "C2", "", place, "", day(end), rec, "", "", "", ""])
            for kind, start, end in child_missing:
                writers[2].writerow([child_id, dob, kind, day(start), day(end)])
            for held, code in child_reviews:
                writers[3].writerow([child_id, dob, day(held), code])
