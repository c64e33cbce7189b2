"""Team worklists (weekly, as at the extract date): per team, the cases and people to act on and the team's
data to fix. Ids only: the sources are marts (which hold no name, date of birth or postcode) and the
restricted failures store (keys and line numbers only). Pure Python.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from dagster_project.reports.formatting import day_label, natural_key
from dagster_project.reports.published import PublishedData
from dagster_project.workdays.calendar import add_wd

DUE_SOON_WORKING_DAYS = 5
NO_TEAM_LABEL = "No team"
# A worklist's page and workbook show at most these many rows a section (the counts count every row): at the
# national preset the "No team" list held a million data-to-fix rows, a 380 MB page and more rows than an Excel
# sheet holds (1,048,576). Each section says where every row is.
PAGE_MAX_ROWS = 2_000
WORKBOOK_MAX_ROWS = 100_000


@dataclass
class Row:
    cells: dict[str, object]
    flag: str | None = None  # red | amber


@dataclass
class Section:
    key: str
    title: str
    note: str
    headings: list[str]
    rows: list[Row]
    numeric: tuple[str, ...] = ()
    rag_column: str | None = None
    every_row_in: str = ""  # where every row is when a page or workbook shows only the first ones
    sheet: str = ""  # the workbook's sheet name (short: Excel allows 31 characters)
    # heading -> the badge colour of that column's cell in a row (a column per standard: issue 23)
    badges: dict = field(default_factory=dict)

    def flagged(self, flag: str) -> int:
        """How many rows carry `flag` (red or amber), for a page's at-a-glance table."""
        return sum(1 for row in self.rows if row.flag == flag)

    def page_rows(self, limit: int) -> list[tuple[str | None, list[tuple[object, str | None, bool]]]]:
        """The first `limit` rows as a page shows them: each row's flag and, per column, the cell as shown, its
        badge colour (None: no badge) and whether it is a number. Worked out here, not in the page's template,
        which called back into Python for every cell: at the national preset the pages hold 1.3 M rows."""
        columns = [(heading, heading in self.numeric) for heading in self.headings]
        return [
            (row.flag, [(show(row.cells[h]), self.badge(row, h), is_number) for h, is_number in columns])
            for row in self.rows[:limit]
        ]

    def badge(self, row: Row, heading: str) -> str | None:
        """The badge colour of a row's cell in a column (page and workbook alike): the column's own badge (a column
        per standard), else the row's flag in the RAG column, else none."""
        if heading in self.badges:
            return self.badges[heading](row)
        return row.flag if heading == self.rag_column else None

    def cut_note(self, limit: int) -> str | None:
        """The sentence a page or workbook showing at most `limit` rows carries, or None if it shows them all."""
        if len(self.rows) <= limit:
            return None
        note = f"Showing the first {limit:,} of {len(self.rows):,} rows."
        if limit < WORKBOOK_MAX_ROWS and len(self.rows) <= WORKBOOK_MAX_ROWS:
            return f"{note} Every row is in this worklist's workbook."
        return f"{note} Every row is in {self.every_row_in}."


@dataclass
class Worklist:
    team_id: str | None
    team_label: str
    service_area: str | None
    sections: list[Section] = field(default_factory=list)

    @property
    def file_stem(self) -> str:
        if self.team_id is None:
            return "worklist_no_team"
        return "worklist_" + re.sub(r"[^A-Za-z0-9_-]", "_", self.team_id)

    @property
    def counts(self) -> dict[str, int]:
        by_key = {s.key: s for s in self.sections}
        return {
            "overdue_visits": sum(1 for r in by_key["visits"].rows if r.flag == "red"),
            "assessments_flagged": sum(1 for r in by_key["assessments"].rows if r.flag),
            "unallocated": len(by_key["unallocated"].rows),
            "data_to_fix": len(by_key["data_to_fix"].rows),
            "front_door": len(by_key["front_door"].rows),
        }


def _date(value) -> dt.date | str:
    """A date stays a date (the workbook stores it as one, so it sorts; the page shows it as "29 Oct 2026")."""
    return value if isinstance(value, dt.date) else ""


def show(value) -> object:
    """A worklist cell as a page shows it."""
    return day_label(value) if isinstance(value, dt.date) else value


def _visit_rows(rows: list[dict], extract_date: dt.date) -> list[tuple[str | None, Row]]:
    due_soon_by = dt.date.fromisoformat(str(add_wd(extract_date, DUE_SOON_WORKING_DAYS)))
    out = []
    for r in rows:
        overdue = not r["in_time"]
        if not overdue and r["due_date"] > due_soon_by:
            continue
        out.append(
            (
                r["team_id"],
                Row(
                    {
                        "Child id": r["child_id"],
                        "Visit type": r["visit_type"],
                        "Last visit": _date(r["last_visit_date"]) or "none since the start",
                        "Due": _date(r["due_date"]),
                        "Days overdue": r["days_overdue"] if overdue else "",
                        "Status": "overdue" if overdue else "due soon",
                        "Worker id": r["worker_id"] or "unallocated",
                    },
                    "red" if overdue else "amber",
                ),
            )
        )
    # overdue first, most overdue first; then due soon by due date (the soonest first)
    out.sort(
        key=lambda t: (
            t[1].flag != "red", -(t[1].cells["Days overdue"] or 0), t[1].cells["Due"] or dt.date.max,
            t[1].cells["Child id"] or "",
        )
    )  # fmt: skip
    return out


def _assessment_rows(rows: list[dict]) -> list[tuple[str | None, Row]]:
    flags = {"overdue": "red", "at risk": "amber"}
    return [
        (
            r["team_id"],
            Row(
                {
                    "Assessment id": r["assessment_id"],
                    "Child id": r["child_id"],
                    "Referral": _date(r["referral_date"]),
                    "Working days": r["working_days_open"],
                    "Due (day 45)": _date(r["due_date"]),
                    "Status": r["status"],
                    "Worker id": r["worker_id"] or "",
                },
                flags.get(r["status"]),
            ),
        )
        for r in rows
    ]


def _unallocated_rows(rows: list[dict], extract_date: dt.date) -> list[tuple[str | None, Row]]:
    return [
        (
            r["team_id"],
            Row(
                {
                    "Child id": r["child_id"],
                    "Case": r["visit_type"],
                    "Case start": _date(r["case_start_date"]),
                    "Unallocated since": _date(r["unallocated_since"]),
                    "Days unallocated": (extract_date - r["unallocated_since"]).days,
                },
                "red",
            ),
        )
        for r in rows
    ]


def _worker_rows(rows: list[dict], caseload_max: int) -> list[tuple[str | None, Row]]:
    out = []
    for r in rows:
        adjusted = r["fte_adjusted_caseload"]
        over = adjusted is not None and adjusted > caseload_max
        flag = "red" if r["over_max"] or r["supervision_overdue"] else ("amber" if over else None)
        # severity: over the maximum and supervision overdue, then either, then over on an FTE basis only
        out.append(
            (
                r["team_id"],
                Row(
                    {
                        "Worker id": r["worker_id"],
                        "Employment": (r["employment_type"] or "").lower(),
                        "FTE": r["fte"],
                        "Caseload": r["caseload"],
                        "FTE-adjusted": round(adjusted, 1) if adjusted is not None else "",
                        "Maximum": caseload_max,
                        "Over maximum": "yes" if r["over_max"] else "no",
                        "Last supervision": _date(r["last_supervision_date"]) or "none recorded",
                        "Supervision due": _date(r["supervision_due_date"]),
                        "Supervision overdue": "yes" if r["supervision_overdue"] else "no",
                    },
                    flag,
                ),
            )
        )
    out.sort(
        key=lambda t: (
            -(t[1].cells["Over maximum"] == "yes") - (t[1].cells["Supervision overdue"] == "yes"),
            t[1].flag != "amber", -(t[1].cells["Caseload"] or 0), t[1].cells["Worker id"] or "",
        )
    )  # fmt: skip
    return out


def _front_door_rows(rows: list[dict]) -> list[tuple[str | None, Row]]:
    """Contacts waiting for a decision past one working day, oldest first (the mart's order)."""
    return [
        (
            r["team_id"],
            Row(
                {
                    "Contact id": r["contact_id"],
                    "Child id": r["child_id"] or "",
                    "Contact": _date(r["contact_date"]),
                    "Source": r["contact_source"] or "",
                    "Working days waiting": r["working_days_waiting"],
                    "Status": "no decision",
                },
                "red",
            ),
        )
        for r in rows
    ]


def _worker_badges() -> dict:
    return {
        "Over maximum": lambda row: "red" if row.cells["Over maximum"] == "yes" else None,
        "FTE-adjusted": lambda row: "amber" if row.cells["Over maximum"] == "no" and _over_fte(row) else None,
        "Supervision overdue": lambda row: "red" if row.cells["Supervision overdue"] == "yes" else None,
    }


def _over_fte(row: Row) -> bool:
    adjusted = row.cells["FTE-adjusted"]
    return isinstance(adjusted, int | float) and adjusted > row.cells["Maximum"]


def _record_teams(data: PublishedData) -> dict[tuple[str, str], str | None]:
    """(file, record key) -> team for the records the marts place in a team."""
    tables = data.worklist_tables
    teams: dict[tuple[str, str], str | None] = {}
    for team_id in data.teams:
        if team_id is not None:
            teams[("teams.csv", team_id)] = team_id
    for r in tables["workers"]:
        teams[("workers.csv", r["worker_id"])] = r["team_id"]
    for r in tables["visits"]:
        if r["team_id"] is not None:
            teams.setdefault(("children.csv", r["child_id"]), r["team_id"])
    for r in tables["unallocated"]:
        teams.setdefault(("children.csv", r["child_id"]), r["team_id"])
    for r in tables["assessments"]:
        teams[("assessments.csv", r["assessment_id"])] = r["team_id"]
    return teams


def _data_to_fix_rows(
    failures: list[dict], data: PublishedData, messages: dict[str, str]
) -> list[tuple[str | None, Row]]:
    """Each failing record in the team the failures store placed it in (quality/failure_teams.py), else (a store
    written before issue 23) where the marts place it. Excluded records first, then the oldest failing."""
    teams = _record_teams(data)
    out = []
    ordered = sorted(
        failures,
        key=lambda f: (f["action"] != "exclude", f["failing_since"] or data.extract_date, f["source_file"],
                       f["source_line"] or 0),
    )  # fmt: skip
    for f in ordered:
        since = f["failing_since"] or data.extract_date
        basis = f.get("team_basis")
        team = f.get("team_id") if basis else teams.get((f["source_file"], f["record_key"]))
        cells = {
            "File": f["source_file"],
            "Line": f["source_line"],
            "Record key": f["record_key"] or "(empty)",
            "Problem": messages.get(f["rule_id"], f["rule_id"]),
            "Effect": "excluded from the figures" if f["action"] == "exclude" else "flagged",
            "Failing since extract": since,
        }
        if team is None:
            cells["Why no team"] = basis.removeprefix("no team: ") if basis else "the marts hold no team for it"
        else:
            cells["Team by"] = basis or "the marts"
        out.append((team, Row(cells, "red" if f["action"] == "exclude" else "amber")))
    return out


SECTIONS = (
    (
        "front_door",
        "Front door: contacts waiting for a decision",
        "Contacts with no decision more than one working day after the contact (the standard is a decision within "
        "one working day), the longest waiting first. The front-door (MASH) team's list.",
        ("Working days waiting",),
        "Status",
        "the restricted child-level database (marts.worklist_front_door_contacts)",
        "Front door",
    ),
    (
        "visits",
        "Statutory visits overdue or due within 5 working days",
        "Children whose visit is overdue (red) or due in the next 5 working days (amber).",
        ("Days overdue",),
        "Status",
        "the restricted child-level database (marts.visit_timeliness)",
        "Visits",
    ),
    (
        "assessments",
        "Open assessments",
        "Working days since the referral: at risk from 35 (amber), overdue after 45 (red).",
        ("Working days",),
        "Status",
        "the restricted child-level database (marts.worklist_open_assessments)",
        "Open assessments",
    ),
    (
        "unallocated",
        "Children with no allocated worker",
        "On a plan or looked after with no open allocation; team = the team of their last allocation, else of their "
        "latest referral.",
        ("Days unallocated",),
        None,
        "the restricted child-level database (marts.worklist_unallocated_children)",
        "Unallocated children",
    ),
    (
        "workers",
        "Workers: caseload and supervision",
        "Caseload against the maximum (FTE-adjusted shown too) and the last individual supervision: a badge on each "
        "standard missed (over the maximum: red; over it on an FTE basis only: amber; supervision overdue: red). "
        "Workers missing both standards first.",
        ("FTE", "Caseload", "FTE-adjusted", "Maximum"),
        None,
        "the restricted child-level database (marts.worklist_workers)",
        "Workers",
    ),
    (
        "data_to_fix",
        "Data to fix",
        "The team's records a data-quality rule excluded from the figures or flagged in this extract: fix them in "
        "the case-management system and the figures correct themselves. Excluded records first, then the oldest. "
        "A record is the team's by the child's allocated team, else the record's own team, its worker's team, its "
        'referral\'s assessment team (column "Team by").',
        ("Line",),
        "Effect",
        "the restricted failures store (restricted/dq_failures.duckdb, this run's run_id)",
        "Data to fix",
    ),
)


def build_worklists(
    data: PublishedData, failures: list[dict], messages: dict[str, str], caseload_max: int
) -> list[Worklist]:
    tables = data.worklist_tables
    sources = {
        "visits": _visit_rows(tables["visits"], data.extract_date),
        "assessments": _assessment_rows(tables["assessments"]),
        "unallocated": _unallocated_rows(tables["unallocated"], data.extract_date),
        "workers": _worker_rows(tables["workers"], caseload_max),
        "data_to_fix": _data_to_fix_rows(failures, data, messages),
        "front_door": _front_door_rows(tables.get("front_door", [])),
    }
    # each section's rows grouped by team once (one pass over the rows, not one per team: at the national
    # preset's 1,530 teams that was 1,530 passes over every section)
    by_team: dict[str, dict[str | None, list[Row]]] = {}
    for key, rows in sources.items():
        grouped = by_team.setdefault(key, defaultdict(list))
        for team, row in rows:
            grouped[team].append(row)
    team_ids = {t for t in data.teams if t is not None}
    for grouped in by_team.values():
        team_ids |= {team for team in grouped if team is not None}
    worklists = []
    for team_id in [*sorted(team_ids, key=lambda t: (data.teams.get(t, (t, ""))[1] or "", natural_key(t))), None]:
        name, area = data.teams.get(team_id, (team_id, None)) if team_id is not None else (NO_TEAM_LABEL, None)
        worklist = Worklist(team_id, f"{name} ({team_id})" if team_id else NO_TEAM_LABEL, area)
        for key, title, note, numeric, rag_column, every_row_in, sheet in SECTIONS:
            rows = by_team[key].get(team_id, [])
            headings = list(rows[0].cells) if rows else []
            badges = _worker_badges() if key == "workers" else {}
            worklist.sections.append(
                Section(key, title, note, headings, rows, numeric, rag_column, every_row_in, sheet, badges)
            )
        # the front door's list leads the MASH team's worklist; anyone else's shows it last (usually empty)
        worklist.sections.sort(key=lambda section: (section.key == "front_door") != (area == "MASH"))
        worklists.append(worklist)
    return worklists
