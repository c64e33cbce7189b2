"""Issue 23 on the shared report run (the conformance extract, marked synthetic): every output says the data is
synthetic, the workbooks behave like Excel (% formats, real dates, print setup, whole-word sheet names), no
committee breakdown cell is hidden while a smaller one could have been, and every failing record the failures
store places in a team is on that team's worklist."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import openpyxl
from pypdf import PdfReader

from dagster_project.catalogue import load_measures
from dagster_project.reports.published import load_published
from dagster_project.reports.scorecard import COMMITTEE, build_scorecard
from dagster_project.reports.suppression import cell_size, primary_suppressed
from dagster_project.reports.targets import load_targets
from tests.reports.browser import axe_violations

SCORECARDS = ("committee_scorecard", "management_scorecard")
DATE_HEADINGS = {"Last visit", "Due", "Referral", "Due (day 45)", "Case start", "Unallocated since",
                 "Last supervision", "Supervision due", "Failing since extract"}  # fmt: skip
NOT_A_DATE = {"none since the start", "none recorded", ""}  # what a date column says when there is no date


def _workbooks(run):
    return [*(run.reports / f"{s}.xlsx" for s in SCORECARDS), *sorted(run.worklists.glob("*.xlsx"))]


def test_every_output_of_a_synthetic_run_says_so(report_run):
    pages = [*report_run.reports.glob("*.html"), *report_run.worklists.glob("*.html"),
             report_run.paths.reports_dir / "dq_summary_latest.html"]  # fmt: skip
    assert len(pages) >= 5
    for page in pages:
        assert "Synthetic data" in page.read_text(encoding="utf-8"), page.name
    for stem in SCORECARDS:
        for number, page in enumerate(PdfReader(report_run.reports / f"{stem}.pdf").pages, start=1):
            first_line = page.extract_text().strip().splitlines()[0]
            assert first_line.startswith("SYNTHETIC DATA"), (stem, number, first_line)
    for path in _workbooks(report_run):
        for sheet in openpyxl.load_workbook(path).worksheets:
            assert str(sheet["A1"].value).startswith("SYNTHETIC DATA"), (path.name, sheet.title, sheet["A1"].value)


def test_every_percentage_cell_has_a_percent_format(report_run):
    units = {m.measure: m.unit for m in load_measures()}
    titles = {m.title: m.measure for m in load_measures()}
    checked = 0
    for stem in SCORECARDS:
        book = openpyxl.load_workbook(report_run.reports / f"{stem}.xlsx")
        scorecard = book["Scorecard"]
        for row in scorecard.iter_rows(min_row=5):
            if units.get(row[0].value) == "percent":
                for cell in row[4:]:
                    if isinstance(cell.value, int | float):
                        assert "%" in cell.number_format, (stem, cell.coordinate, cell.number_format)
                        checked += 1
        trend = book["Trend"]
        header = [c.value for c in trend[2]]  # row 1 is the synthetic banner
        for col, heading in enumerate(header, start=1):
            measure = (heading or "").removesuffix(" target")
            if units.get(measure) == "percent":
                for (cell,) in trend.iter_rows(min_row=3, min_col=col, max_col=col):
                    if isinstance(cell.value, int | float):
                        assert "%" in cell.number_format, (stem, "Trend", cell.coordinate)
                        checked += 1
        for sheet in book.worksheets:
            if sheet.title.startswith(("Area ", "Team ")):
                measure = sheet["A3"].value.removeprefix("measure: ")
                assert titles[str(sheet["A1"].value).split(". ", 1)[-1]] == measure
                header = [c.value for c in sheet[4]]
                for row in sheet.iter_rows(min_row=5):
                    for cell in row:
                        if str(header[cell.column - 1]).endswith(("numerator", "denominator")):
                            assert "%" not in cell.number_format  # counts beside the figures: whole or FTE
                        elif isinstance(cell.value, int | float):
                            assert ("%" in cell.number_format) == (units[measure] == "percent"), (
                                stem, sheet.title, cell.coordinate, cell.number_format)  # fmt: skip
                            checked += 1
    assert checked > 50


def test_worklist_dates_are_dates(report_run):
    dates = 0
    for path in report_run.worklists.glob("*.xlsx"):
        for sheet in openpyxl.load_workbook(path).worksheets:
            header = [c.value for c in sheet[4]]
            for col, heading in enumerate(header):
                if heading not in DATE_HEADINGS:
                    continue
                for row in sheet.iter_rows(min_row=5, values_only=True):
                    value = row[col]
                    assert isinstance(value, dt.datetime) or value in NOT_A_DATE, (path.name, heading, value)
                    dates += isinstance(value, dt.datetime)
    assert dates > 0


def test_every_sheet_prints_landscape_fitted_to_the_width(report_run):
    for path in _workbooks(report_run):
        for sheet in openpyxl.load_workbook(path).worksheets:
            where = (path.name, sheet.title)
            assert sheet.page_setup.orientation == "landscape", where
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
            assert sheet.page_setup.fitToWidth in (1, None) and sheet.page_setup.fitToHeight == 0, where
            if sheet.title != "Charts":
                assert sheet.print_title_rows, where


def test_sheet_names_are_whole_words_within_31_characters(report_run):
    for path in _workbooks(report_run):
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            assert len(sheet.title) <= 31
            if sheet.title.startswith(("Area ", "Team ")):
                words = sheet.title.split()[1:]
                measure_words = sheet["A3"].value.removeprefix("measure: ").split("_")
                assert measure_words[: len(words)] == words, (path.name, sheet.title)


def test_no_committee_cell_is_hidden_while_a_smaller_one_could_have_been(report_run):
    """Every column of every committee breakdown: a cell hidden by secondary suppression is never larger than a
    non-zero cell left shown in the same column; and no column has exactly one hidden cell while the council
    figure below it is shown (the cell would be the council figure minus the others)."""
    data = load_published(report_run.paths.published_database, report_run.paths.child_level_database)
    view = build_scorecard(data, load_targets(), COMMITTEE)
    columns = 0
    for m in (m for m in view.measures if m.breakdown):
        unit = m.measure.unit
        body = [row for row in m.breakdown if not row.is_total]
        council = next(row for row in m.breakdown if row.is_total)
        for c in range(len(m.breakdown_dates)):
            cells = [row.cells[c] for row in body]
            columns += 1
            assert sum(cell.suppressed for cell in cells) != 1 or council.cells[c].suppressed, (m.measure.measure, c)
            shown = [cell_size(unit, x.numerator, x.denominator) for x in cells if not x.suppressed]
            for x in cells:
                if x.suppressed and not primary_suppressed(unit, x.numerator, x.denominator):
                    size = cell_size(unit, x.numerator, x.denominator)
                    assert not [s for s in shown if 0 < s < size], (m.measure.measure, c, size, shown)
    assert columns > 0


def test_every_failing_record_with_a_team_is_on_that_teams_worklist(report_run):
    with duckdb.connect(str(report_run.paths.restricted_dir / "dq_failures.duckdb"), read_only=True) as conn:
        rows = conn.execute(
            "select source_file, source_line, team_id, team_basis from main.dq_failures where run_id = "
            "(select run_id from main.dq_failures order by extract_date desc limit 1)"
        ).fetchall()
    assert rows and all(basis for *_, basis in rows)
    listed: dict[str, set[tuple[str, int]]] = {}
    for path in report_run.worklists.glob("*.xlsx"):
        sheet = openpyxl.load_workbook(path)["Data to fix"]
        header = [c.value for c in sheet[4]]
        if "File" not in header:
            continue
        file_col, line_col = header.index("File"), header.index("Line")
        listed[path.stem] = {(r[file_col], r[line_col]) for r in sheet.iter_rows(min_row=5, values_only=True)}
    for file, line, team, basis in rows:
        stem = "worklist_" + re.sub(r"[^A-Za-z0-9_-]", "_", team) if team else "worklist_no_team"
        assert (file, line) in listed.get(stem, set()), (file, line, team, basis)
        assert (team is None) == basis.startswith("no team: ")


def test_axe_core_finds_no_serious_or_critical_violation(report_run):
    """WCAG 2.2 AA (UK public bodies): the index, both scorecards, a team worklist, the "No team" worklist and the
    data-quality summary."""
    pages = [
        report_run.reports / "index.html",
        *(report_run.reports / f"{s}.html" for s in SCORECARDS),
        next(p for p in sorted(report_run.worklists.glob("worklist_*.html")) if p.stem != "worklist_no_team"),
        report_run.worklists / "worklist_no_team.html",
        report_run.paths.reports_dir / "dq_summary_latest.html",
    ]
    found = axe_violations(pages)
    assert len(found) == len(pages)
    assert not {page: v for page, v in found.items() if v}


def test_axe_core_would_report_a_page_without_a_language_or_header_text(tmp_path):
    """Control: the same check finds serious violations on a page built to have them."""
    page = tmp_path / "bad.html"
    page.write_text("<html><body><table><tr><th></th></tr></table><img src='x.png'></body></html>", "utf-8")
    assert axe_violations([page])["bad.html"]
