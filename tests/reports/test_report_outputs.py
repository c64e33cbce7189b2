"""The reports as people see them, after a real nightly run on the (small) conformance extract: every HTML
page in a real headless Chromium, the workbooks and PDFs read back, suppression, ids only, locations."""

from __future__ import annotations

import io
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import openpyxl
import pytest
from pypdf import PdfReader

from dagster_project.catalogue import load_measures
from dagster_project.contract import load_contract
from dagster_project.reports.suppression import primary_suppressed
from tests.planted_names import PLANTED_FORENAME, PLANTED_SURNAME, PLANTED_WORKER
from tests.reports.browser import open_pages

SCORECARDS = ("committee_scorecard", "management_scorecard")
EXCEL_PRECISION = 1e-14  # a workbook keeps 15 significant digits of a double


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href"]


def _published(run, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(run.paths.published_database), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def month_end_of(label: str):
    import datetime as dt

    from dagster_project.reports.periods import month_end

    first = dt.datetime.strptime(label, "%b %Y").date()
    return month_end(first.year, first.month)


def _titles_in_data(run) -> list[str]:
    present = {r[0] for r in _published(run, "select distinct measure from marts.scorecard")}
    return [m.title for m in load_measures() if m.measure in present]


def _worklist_pages(run) -> list[Path]:
    return sorted(run.worklists.glob("*.html"))


def test_index_links_every_output_and_the_data_quality_summary(report_run):
    index = report_run.reports / "index.html"
    parser = _Links()
    parser.feed(index.read_text(encoding="utf-8"))
    targets = {(index.parent / href).resolve() for href in parser.hrefs}
    for stem in SCORECARDS:
        for ext in ("html", "pdf", "xlsx"):
            assert (report_run.reports / f"{stem}.{ext}").resolve() in targets
    for worklist in report_run.worklists.iterdir():
        assert worklist.resolve() in targets, worklist.name
    assert (report_run.paths.reports_dir / "dq_summary_latest.html").resolve() in targets
    missing = [t for t in targets if not t.exists()]
    assert not missing, missing
    text = index.read_text(encoding="utf-8")
    run_id = _published(report_run, "select run_id from marts.scorecard limit 1")[0][0]
    assert "2020-03-31" in text and run_id in text and "checks" in text


def test_latest_points_at_the_newest_reports(report_run):
    latest = report_run.paths.reports_dir / "latest"
    assert latest.resolve() == report_run.reports.resolve()
    assert (latest / "index.html").exists()


def test_one_worklist_per_team_and_one_for_no_team(report_run):
    teams = {r[0] for r in _published(report_run, "select distinct team_id from marts.scorecard_by_team")}
    for team in teams:
        name = "worklist_no_team" if team is None else f"worklist_{team}"
        assert (report_run.worklists / f"{name}.html").exists(), name
        assert (report_run.worklists / f"{name}.xlsx").exists(), name


def test_worklists_are_owner_only(report_run):
    assert stat.S_IMODE(report_run.worklists.stat().st_mode) == 0o700
    assert stat.S_IMODE(report_run.worklists.parent.stat().st_mode) == 0o700
    for path in report_run.worklists.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_every_html_page_renders_offline_in_chromium(report_run, tmp_path):
    pages = [
        report_run.reports / "index.html",
        *(report_run.reports / f"{s}.html" for s in SCORECARDS),
        report_run.reports / "benchmarks.html",  # the national comparators' page (charts inline too)
        *_worklist_pages(report_run),
    ]
    views = open_pages(pages)
    titles = _titles_in_data(report_run)
    assert titles
    for path, view in zip(pages, views, strict=True):
        assert view.title, path
        assert view.requests == [view.url], f"{path.name} made requests: {view.outside_requests or view.requests}"
        assert not view.console_errors, (path.name, view.console_errors)
        assert view.pixel_spread > 5, f"{path.name}: the screenshot is blank"
        (tmp_path / f"{path.stem}.png").write_bytes(view.screenshot)
        if path.stem in SCORECARDS:
            missing = [t for t in titles if t not in view.text]
            assert not missing, f"{path.name} does not show {missing}"
        if path.stem.startswith("worklist_"):
            assert "RESTRICTED" in view.text and "Data to fix" in view.text


def test_pdf_text_holds_every_measure_title(report_run):
    titles = _titles_in_data(report_run)
    for stem in SCORECARDS:
        reader = PdfReader(report_run.reports / f"{stem}.pdf")
        text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
        missing = [t for t in titles if t not in text]
        assert not missing, f"{stem}.pdf lacks {missing}"


def _scorecard_sheet(path: Path):
    sheet = openpyxl.load_workbook(path, data_only=False)["Scorecard"]
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(i for i, r in enumerate(rows) if r and r[0] == "Measure")
    return rows[header_index], rows[header_index + 1 :]


def test_xlsx_values_equal_the_marts(report_run):
    latest = _published(
        report_run, "select max(as_at_date) from marts.scorecard where period_type = 'month' and is_complete_period"
    )[0][0]
    marts = {
        m: (n, d, v)
        for m, n, d, v in _published(
            report_run,
            "select measure, numerator, denominator, value from marts.scorecard "
            "where period_type = 'month' and as_at_date = ?",
            [latest],
        )
    }
    units = {m.measure: m.unit for m in load_measures()}
    for stem in SCORECARDS:
        header, rows = _scorecard_sheet(report_run.reports / f"{stem}.xlsx")
        latest_col = header.index(latest.strftime("%b %Y"))
        assert {r[0] for r in rows} == set(marts), stem
        for row in rows:
            numerator, denominator, value = marts[row[0]]
            shown = row[latest_col]
            if shown == "c":
                assert stem == "committee_scorecard"
                assert primary_suppressed(units[row[0]], numerator, denominator)
            else:
                assert shown == pytest.approx(value, rel=EXCEL_PRECISION), (stem, row[0], shown, value)
    # the management team sheets: every team's figure at every date equals a row of marts.scorecard_by_team
    book = openpyxl.load_workbook(report_run.reports / "management_scorecard.xlsx")
    names = {
        r[0]: r[1] for r in _published(report_run, "select distinct team_id, team_name from marts.scorecard_by_team")
    }
    by_team = {
        (m, d, t): v
        for m, d, t, v in _published(
            report_run,
            "select measure, as_at_date, team_id, value from marts.scorecard_by_team where period_type = 'month'",
        )
    }
    label_to_team = {(name or team): team for team, name in names.items() if team}
    label_to_team["No team"] = None
    compared = 0
    for sheet in book.worksheets:
        if not sheet.title.startswith("Team "):
            continue
        measure = sheet["A3"].value.removeprefix("measure: ")
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        # the month columns; after them, each month's numerator and denominator (issue 23)
        dates = [month_end_of(h) for h in rows[0][2:] if not h.endswith(("numerator", "denominator"))]
        for row in rows[1:]:
            if row[0] == "Council":
                continue
            for date, shown in zip(dates, row[2 : 2 + len(dates)], strict=True):
                expected = by_team.get((measure, date, label_to_team[row[0]]))
                if shown is None:
                    assert expected is None
                else:
                    assert shown == pytest.approx(expected, rel=EXCEL_PRECISION), (measure, row[0], date)
                    compared += 1
    assert compared > 0


def test_suppression_holds_on_a_small_extract(report_run):
    """Committee workbook: no figure from 1 to 5 is shown, and no line of a breakdown has exactly one hidden cell."""
    book = openpyxl.load_workbook(report_run.reports / "committee_scorecard.xlsx")
    units = {m.measure: m.unit for m in load_measures()}
    by_area = {
        (m, d.strftime("%b %Y"), a or "No team"): (n, den)
        for m, d, a, n, den in _published(
            report_run,
            "select measure, as_at_date, service_area, numerator, denominator "
            "from marts.scorecard_by_service_area where period_type = 'month'",
        )
    }
    from dagster_project.reports.formatting import service_area_label
    from dagster_project.reports.suppression import OTHER_LABEL

    hidden_any = checked = 0
    for sheet in book.worksheets:
        if not sheet.title.startswith("Area "):
            continue
        measure = sheet["A3"].value.removeprefix("measure: ")
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        dates = rows[0][1:]
        body = [r for r in rows[1:] if r[0] != "Council"]
        labels = {service_area_label(a if a != "No team" else None): a for (_, _, a) in by_area}
        council = next(r for r in rows[1:] if r[0] == "Council")
        for c, date in enumerate(dates, start=1):
            column = [r[c] for r in body]
            # one hidden cell could be found by subtracting the others from a council figure that is shown; when
            # the council figure is hidden too (every other cell 0 or empty, e.g. a count all in one area) it cannot
            assert sum(v == "c" for v in column) != 1 or council[c] == "c", (measure, date, column)
            shown_areas = {labels[r[0]] for r in body if r[0] != OTHER_LABEL}
            for row in body:
                if row[0] == OTHER_LABEL:  # the areas not shown on their own, summed (suppression.py)
                    parts = [
                        f for (m, d, a), f in by_area.items() if (m, d) == (measure, date) and a not in shown_areas
                    ]
                    figure = (sum(n for n, _ in parts), sum(den or 0 for _, den in parts)) if parts else None
                else:
                    figure = by_area.get((measure, date, labels[row[0]]))
                if figure is None:  # no record of that service area then: an empty cell
                    assert row[c] is None
                    continue
                n, den = figure
                if row[c] == "c":
                    hidden_any += 1
                else:
                    assert not primary_suppressed(units[measure], n, den), (measure, date, row[0], n, den)
                    checked += 1
    assert checked and hidden_any, "the small extract should exercise both shown and suppressed cells"


def _all_text(run) -> dict[str, str]:
    texts = {}
    for folder in (run.reports, run.worklists):
        for path in folder.iterdir():
            if path.suffix == ".html":
                texts[path.name] = path.read_text(encoding="utf-8")
            elif path.suffix == ".xlsx":
                book = openpyxl.load_workbook(path)
                texts[path.name] = " ".join(
                    str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r if v is not None
                )
            elif path.suffix == ".pdf":
                texts[path.name] = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    return texts


def test_no_name_date_of_birth_or_postcode_reaches_any_output(report_run):
    texts = _all_text(report_run)
    assert any(name.startswith("worklist_") for name in texts)
    for name, text in texts.items():
        for planted in (PLANTED_FORENAME, PLANTED_SURNAME, PLANTED_WORKER):
            assert planted not in text, f"{name} shows a planted name"
        postcodes = [v for v in report_run.personal_values if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", v)]
        assert postcodes
        leaked = [p for p in postcodes if p in text]
        assert not leaked, f"{name} shows postcodes {leaked[:3]}"


def test_committee_outputs_hold_no_child_ids(report_run):
    with duckdb.connect(str(report_run.paths.child_level_database), read_only=True) as conn:  # restricted
        child_ids = {r[0] for r in conn.execute("select distinct child_id from marts.visit_timeliness").fetchall()}
    assert child_ids
    for stem in ("committee_scorecard.html", "committee_scorecard.xlsx", "committee_scorecard.pdf"):
        text = _all_text(report_run)[stem]
        words = set(re.findall(r"[A-Za-z0-9]+", text))
        assert not (child_ids & words), stem


def test_published_marts_hold_no_personal_field(report_run):
    personal = {name for file in load_contract().files.values() for name in file.personal_columns}
    assert personal
    columns = {
        r[0]
        for r in _published(
            report_run, "select column_name from information_schema.columns where table_schema = 'marts'"
        )
    }
    assert not (personal & columns)


def test_teams_add_up_to_the_council_for_every_date(report_run):
    rows = _published(
        report_run,
        """
        select t.period_type, t.as_at_date, t.measure, sum(t.numerator), sum(t.denominator),
               any_value(s.numerator), any_value(s.denominator)
        from marts.scorecard_by_team t
        join marts.scorecard s using (period_type, as_at_date, measure)
        group by all
        """,
    )
    assert rows
    counts = {m.measure for m in load_measures() if m.unit == "count"}
    assert counts & {r[2] for r in rows}  # the count breakdowns (issue 23) are checked too
    for period, date, measure, n, d, council_n, council_d in rows:
        if measure in counts:  # a count's denominator is 1 on every row (the council's and each team's)
            d = council_d
        assert n == pytest.approx(council_n, abs=1e-9) and d == pytest.approx(council_d, abs=1e-9), (
            period,
            date,
            measure,
        )
    dates = {(r[0], r[1]) for r in rows}
    month_ends = {
        r
        for r in _published(
            report_run, "select distinct 'month', as_at_date from marts.scorecard where period_type = 'month'"
        )
    }
    assert month_ends <= dates


def test_every_team_breakdown_measure_is_in_scorecard_by_team(report_run):
    wanted = {m.measure for m in load_measures() if m.breakdown == "team"}
    present = {r[0] for r in _published(report_run, "select distinct measure from marts.scorecard_by_team")}
    assert wanted == present


def test_csc_report_rebuilds_an_earlier_month_from_the_published_database(report_run, monkeypatch, capsys):
    from dagster_project.cli import main as csc

    monkeypatch.setenv("CSC_RAW_DIR", str(report_run.root / "raw"))
    monkeypatch.setenv("CSC_DATA_DIR", str(report_run.paths.data_dir))
    assert csc(["report", "--as-at", "2019-12-15"]) == 0
    folder = report_run.paths.reports_dir / "2020-03-31_as_at_2019-12"
    assert str(folder / "index.html") in capsys.readouterr().out
    html = (folder / "committee_scorecard.html").read_text(encoding="utf-8")
    assert "Dec 2019" in html and "Committee scorecard: children&#39;s social care, Dec 2019" in html
    assert (report_run.paths.reports_dir / "latest").resolve() == report_run.reports.resolve()
    assert csc(["report", "--as-at", "1999-01-01"]) == 1
    assert "no complete month" in capsys.readouterr().err
