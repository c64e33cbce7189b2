"""Issue 21's sweep: hostile values planted in every free-text or name column that reaches an output (team
names, worker and child names, a name in the child-id column, values in a header line), one real run that builds
every output, then every output read back as a person would read it.

Ofsted's Annex A (`csc annex-a`, restricted: it holds child ids and dates of birth by design) is made from the
same run and swept too.

Asserted: the run succeeds (a `$` in a team name stopped every report before); no workbook cell is a formula and
none is a hyperlink; no planted HTML reaches a page unescaped; the DfE error list is neutralised and owner-only;
no planted personal value is anywhere outside the raw layer (warehouse/) and the restricted store (restricted/);
and `find <CSC_DATA_DIR> -perm -o=r` lists no file holding a child id, a worker id or a personal value.
"""

from __future__ import annotations

import csv
import re
import stat
import subprocess

import openpyxl
import pytest

from tests.security.hostile_extract import HEADER_VALUES, NAME_AS_CHILD_ID
from tests.security.scan import files_under, ids_in, planted_in, readable_text

RAW_AND_RESTRICTED = ("warehouse", "restricted")


def _workbooks(run):
    return sorted(run.paths.data_dir.rglob("*.xlsx"))


def test_every_output_was_built(hostile_run):
    reports = hostile_run.paths.reports_dir / "latest"
    for stem in ("committee_scorecard", "management_scorecard"):
        for ext in ("html", "pdf", "xlsx"):
            assert (reports / f"{stem}.{ext}").is_file(), f"{stem}.{ext}"
    worklists = hostile_run.paths.restricted_dir / "worklists" / "2020-03-31"
    assert len(list(worklists.glob("worklist_*.xlsx"))) >= 16  # one per planted team
    assert hostile_run.dfe_errors_command.returncode == 0, hostile_run.dfe_errors_command.stderr
    assert hostile_run.annex_a_command.returncode == 0, hostile_run.annex_a_command.stderr
    assert list((hostile_run.paths.restricted_dir / "annex_a").glob("*/annex_a*.xlsx"))


def test_the_management_workbook_shows_every_planted_team_name_as_text(hostile_run):
    book = openpyxl.load_workbook(hostile_run.paths.reports_dir / "latest" / "management_scorecard.xlsx")
    shown = {
        str(c.value).replace("_x000D_", "\r")  # how XlsxWriter stores a carriage return (Excel shows a CR)
        for s in book.worksheets
        if s.title.startswith("Team")
        for r in s.iter_rows()
        for c in r
        if isinstance(c.value, str)
    }
    for name in hostile_run.planted.team_names:
        expected = "'" + name if name.startswith(("=", "+", "-", "@", "\t", "\r")) else name
        assert expected in shown or expected.replace("'", "", 1).strip() in shown, repr(name)
    assert not [v for v in shown if v.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_no_workbook_cell_is_a_formula_or_a_link(hostile_run):
    books = _workbooks(hostile_run)
    assert len(books) >= 18
    for path in books:
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            formulas = [c.coordinate for r in sheet.iter_rows() for c in r if c.data_type == "f"]
            links = [c.coordinate for r in sheet.iter_rows() for c in r if c.hyperlink is not None]
            assert (formulas, links) == ([], []), f"{path.name} {sheet.title}"


def test_no_planted_html_reaches_a_page_unescaped(hostile_run):
    pages = sorted(hostile_run.paths.data_dir.rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert '<script>alert("x")' not in text and "<b>bold</b>" not in text, page.name
        assert "evil.invalid" not in " ".join(re.findall(r'href="([^"]*)"', text)), page.name  # no link from data


def test_the_dfe_error_list_is_neutralised_and_owner_only(hostile_run):
    out = hostile_run.dfe_errors
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with out.open(newline="", encoding="utf-8") as handle:
        cells = [v for row in csv.reader(handle) for v in row]
    assert cells and not [v for v in cells if v.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_the_name_in_the_id_column_is_only_in_raw_and_restricted(hostile_run):
    data = hostile_run.paths.data_dir
    found = [p for p in files_under(data, RAW_AND_RESTRICTED) if planted_in(readable_text(p), [NAME_AS_CHILD_ID])]
    assert found == []


def test_header_values_are_only_in_raw_and_restricted(hostile_run):
    data = hostile_run.paths.data_dir
    found = [p for p in files_under(data, RAW_AND_RESTRICTED) if planted_in(readable_text(p), HEADER_VALUES)]
    assert found == []


def test_no_planted_personal_value_outside_raw_and_restricted(hostile_run):
    data = hostile_run.paths.data_dir
    leaks = {}
    for path in files_under(data, RAW_AND_RESTRICTED):
        found = planted_in(readable_text(path), hostile_run.planted.personal_values)
        if found:
            leaks[str(path.relative_to(data))] = found[:3]
    assert leaks == {}


@pytest.fixture(scope="module")
def world_readable(hostile_run) -> list:
    listed = subprocess.run(
        ["find", str(hostile_run.paths.data_dir), "-type", "f", "-perm", "-o=r"],
        capture_output=True, text=True, check=True,
    ).stdout.split("\n")  # fmt: skip
    from pathlib import Path

    return [Path(p) for p in listed if p]


def test_world_readable_files_hold_no_child_id_worker_id_or_personal_value(hostile_run, world_readable):
    assert world_readable  # the published database and the open reports are meant to be readable
    planted = hostile_run.planted
    leaks = {}
    for path in world_readable:
        text = readable_text(path)
        found = [
            *ids_in(text, planted.child_ids)[:3],
            *ids_in(text, planted.worker_ids)[:3],
            *planted_in(text, planted.personal_values)[:3],
        ]
        if found:
            leaks[str(path.relative_to(hostile_run.paths.data_dir))] = found
    assert leaks == {}


def test_logs_event_storage_and_spill_folders_are_owner_only(hostile_run):
    data = hostile_run.paths.data_dir
    for folder in ("logs", "dagster_home", "duckdb_tmp", "restricted", "warehouse"):
        path = data / folder
        assert path.is_dir(), folder
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, folder
        loose = [p for p in path.rglob("*") if not p.is_symlink() and stat.S_IMODE(p.stat().st_mode) & 0o077]
        assert loose == [], folder


def test_finding_1_the_management_workbook_written_from_the_published_data_has_no_formula(hostile_run, tmp_path):
    """The team sheets of the management workbook, written again from the published marts (the writer alone)."""
    from dagster_project.reports.build import build_scorecard, load_published, load_targets
    from dagster_project.reports.scorecard import MANAGEMENT
    from dagster_project.reports.xlsx import write_scorecard_workbook

    view = build_scorecard(load_published(hostile_run.paths.published_database), load_targets(), MANAGEMENT, None)
    book = openpyxl.load_workbook(write_scorecard_workbook(view, tmp_path / "management.xlsx", "Management"))
    team_sheets = [s for s in book.worksheets if s.title.startswith("Team")]
    assert team_sheets
    cells = [c for s in team_sheets for r in s.iter_rows() for c in r]
    assert [c.coordinate for c in cells if c.data_type == "f" or c.hyperlink is not None] == []


def test_annex_a_is_neutralised_and_holds_no_name(hostile_run):
    """Annex A carries team names and ids from the extract into a workbook and CSVs an inspector opens: no cell
    may start a formula, and no child's or worker's name or postcode may be in it (it holds ids and dates of
    birth by design, never names). The workbook is also in the formula/link and owner-only sweeps above."""
    folders = list((hostile_run.paths.restricted_dir / "annex_a").iterdir())
    assert len(folders) == 1
    files = sorted(p for p in folders[0].iterdir() if p.is_file())
    csvs = [p for p in files if p.suffix == ".csv"]
    assert csvs and any(p.suffix == ".xlsx" for p in files)
    cells = []
    for path in csvs:
        with path.open(newline="", encoding="utf-8") as handle:
            cells += [v for row in csv.reader(handle) for v in row]
    assert len(cells) > 100  # the lists have rows: the conformance extract's children, referrals, plans
    assert [v for v in cells if v.startswith(("=", "+", "-", "@", "\t", "\r"))] == []
    names = {v for v in hostile_run.planted.personal_values if v not in HEADER_VALUES and v != NAME_AS_CHILD_ID}
    leaks = {p.name: planted_in(readable_text(p), names)[:3] for p in files}
    assert {name: found for name, found in leaks.items() if found} == {}
