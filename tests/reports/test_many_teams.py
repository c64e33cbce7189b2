"""Reports of a service with many teams or rows (a region, England): the caseload chart moves to service areas,
the PDF stops printing team tables it cannot usefully print (the web page and workbook keep every team), and a
worklist section longer than a page or a workbook shows its first rows and says where every row is. Built from
the real published database of the shared report run, with teams added by copying its own rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import openpyxl
from pypdf import PdfReader

from dagster_project.reports.build import CASELOAD_CHART_MAX_TEAMS, _caseload_rows
from dagster_project.reports.html import render_scorecard, render_worklist
from dagster_project.reports.pdf import PDF_MAX_BREAKDOWN_ROWS, write_scorecard_pdf
from dagster_project.reports.published import load_published
from dagster_project.reports.scorecard import MANAGEMENT, build_scorecard
from dagster_project.reports.targets import load_targets
from dagster_project.reports.worklists import PAGE_MAX_ROWS, WORKBOOK_MAX_ROWS, Row, Section, Worklist
from dagster_project.reports.xlsx import write_worklist_workbook


def _with_copied_teams(data, copies: int):
    """Every real team copied `copies` times (same service area, same figures, same workers' caseloads)."""
    teams, by_team = dict(data.teams), dict(data.by_team)
    caseloads = {as_at: list(rows) for as_at, rows in data.caseloads.items()}
    real = [t for t in data.teams if t is not None]
    for n in range(copies):
        for team_id in real:
            copy_id = f"{team_id}C{n}"
            name, area = data.teams[team_id]
            teams[copy_id] = (f"{name} copy {n}", area)
            for (measure, as_at, team), figure in data.by_team.items():
                if team == team_id:
                    by_team[(measure, as_at, copy_id)] = figure
            for as_at, rows in data.caseloads.items():
                caseloads[as_at] += [(copy_id, c) for t, c in rows if t == team_id]
    return dataclasses.replace(data, teams=teams, by_team=by_team, caseloads=caseloads)


def _pdf_text(path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))


def test_a_few_teams_chart_and_print_team_by_team(report_run, tmp_path):
    data = load_published(report_run.paths.published_database)
    view = build_scorecard(data, load_targets(), MANAGEMENT)
    by, rows = _caseload_rows(data, view.view.latest)
    assert by == "team" and len(rows) <= CASELOAD_CHART_MAX_TEAMS
    a_team = next(name for name, _ in data.teams.values() if name != "No team")
    text = _pdf_text(write_scorecard_pdf(view, tmp_path / "m.pdf", "t", rows, (16, 23), by))
    assert "Caseloads by team" in text and a_team in text and "too many to print" not in text


def test_many_teams_chart_by_service_area_and_the_pdf_points_to_the_full_tables(report_run, tmp_path):
    data = load_published(report_run.paths.published_database)
    original = build_scorecard(data, load_targets(), MANAGEMENT)
    # copying teams lengthens the breakdowns that have a team; one with only a "No team" row (the front door's
    # contacts when the council has no single MASH team, as here) stays short
    with_teams = [m for m in original.measures if any(b.key is not None for b in m.breakdown if not b.is_total)]
    fewest_teams = min(sum(b.key is not None for b in m.breakdown if not b.is_total) for m in with_teams)
    copies = PDF_MAX_BREAKDOWN_ROWS // fewest_teams + 1  # every team breakdown then exceeds the printable length
    many = _with_copied_teams(data, copies)
    view = build_scorecard(many, load_targets(), MANAGEMENT)
    by, rows = _caseload_rows(many, view.view.latest)

    assert by == "service area"
    areas = {area for _, area in many.teams.values() if area}
    assert len(rows) <= len(areas) + 1  # + "No team"
    workers = len(many.caseloads[view.view.latest])
    assert sum(len(values) for _, values in rows) == workers  # every worker's caseload is still on the chart

    too_long = [m for m in view.measures if len(m.breakdown) > PDF_MAX_BREAKDOWN_ROWS]
    assert [m.measure for m in too_long] == [m.measure for m in with_teams]
    text = _pdf_text(write_scorecard_pdf(view, tmp_path / "m.pdf", "t", rows, (16, 23), by))
    assert "Caseloads by service area" in text
    for m in too_long:
        assert f"{m.measure.title}: {len(m.breakdown) - 1} rows, too many to print" in text
    assert "copy 0" not in text  # no team table was printed

    html = render_scorecard(view, rows, (16, 23), by)
    assert "Caseloads by service area" in html
    copied = next(name for name, _ in many.teams.values() if name.endswith(f"copy {copies - 1}"))
    assert copied in html  # the web page keeps every team


def _long_worklist(rows: int) -> Worklist:
    section = Section(
        key="data_to_fix",
        title="Data to fix",
        note="n",
        headings=["File", "Line"],
        rows=[Row({"File": "visits.csv", "Line": line}, "red") for line in range(2, rows + 2)],
        numeric=("Line",),
        rag_column="File",
        every_row_in="the restricted failures store",
    )
    return Worklist(team_id=None, team_label="No team", service_area=None, sections=[section])


def test_a_worklist_longer_than_a_page_shows_the_first_rows_and_says_where_all_are(tmp_path):
    worklist = _long_worklist(WORKBOOK_MAX_ROWS + 1)
    html = render_worklist(worklist, dt.date(2020, 3, 31), "run-1")
    assert html.count('<tr class="flag-red">') == PAGE_MAX_ROWS
    assert f"Showing the first {PAGE_MAX_ROWS:,} of {WORKBOOK_MAX_ROWS + 1:,} rows" in html
    assert "Every row is in the restricted failures store" in html  # more rows than the workbook holds
    assert f">{WORKBOOK_MAX_ROWS + 1}<" in html  # the count at a glance counts every row

    sheet = openpyxl.load_workbook(
        write_worklist_workbook(worklist, tmp_path / "w.xlsx", dt.date(2020, 3, 31), "run-1"), read_only=True
    )["Data to fix"]
    cells = [row[0] for row in sheet.iter_rows(values_only=True)]
    note = f"Showing the first {WORKBOOK_MAX_ROWS:,} of {WORKBOOK_MAX_ROWS + 1:,} rows."
    assert cells[2] == f"{note} Every row is in the restricted failures store."
    assert cells[3] == "File" and len(cells) == 4 + WORKBOOK_MAX_ROWS


def test_a_worklist_within_the_page_shows_every_row_without_a_note():
    worklist = _long_worklist(PAGE_MAX_ROWS)
    html = render_worklist(worklist, dt.date(2020, 3, 31), "run-1")
    assert html.count('<tr class="flag-red">') == PAGE_MAX_ROWS and "Showing the first" not in html
    worklist = _long_worklist(PAGE_MAX_ROWS + 1)
    assert "Every row is in this worklist&#39;s workbook" in render_worklist(worklist, dt.date(2020, 3, 31), "run-1")
