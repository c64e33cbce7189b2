"""Builds every report of one published database: the committee and management scorecards (HTML, PDF,
xlsx) and the index page under <CSC_DATA_DIR>/reports/<extract_date>/, the `reports/latest` pointer, and one
worklist per team (HTML, xlsx) under <CSC_DATA_DIR>/restricted/worklists/<extract_date>/ (0700 folders, 0600
files). Reads the published database and the restricted failures store only. Pure Python.

A build writes into a hidden folder beside its destination and renames it into place, so a failed build
leaves the previous reports for that extract untouched (and removes its hidden folders). One build at a time per
data folder (`build_lock`: `csc report` and the run's reports step share the lock); each build first repairs what
a killed build left (`repair`).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from dagster_project.file_modes import open_dir, open_tree
from dagster_project.quality.results import FAILURES_FILE
from dagster_project.quality.rules import registry
from dagster_project.reports.annex_a import CHECK_PAGE, latest_annex
from dagster_project.reports.build_lock import report_build_lock
from dagster_project.reports.formatting import month_label, natural_key, service_area_label
from dagster_project.reports.html import render_index, render_scorecard, render_worklist, scorecard_title
from dagster_project.reports.pdf import write_scorecard_pdf
from dagster_project.reports.published import PublishedData, load_dq_failures, load_published
from dagster_project.reports.repair import repair_report_folders
from dagster_project.reports.scorecard import COMMITTEE, MANAGEMENT, build_scorecard
from dagster_project.reports.targets import load_targets
from dagster_project.reports.worklists import build_worklists
from dagster_project.reports.xlsx import write_scorecard_workbook, write_worklist_workbook
from dagster_project.settings import Paths
from dagster_project.standards import load_standards

CASELOAD_BAND_LOW = 16  # bottom of the council's 16-23 caseload range (the top is the caseload_max standard)
# How long a build waits for another one to finish (a national build takes about 50 s) before it is refused;
# CSC_REPORT_LOCK_WAIT_SECONDS overrides it.
REPORT_LOCK_WAIT_SECONDS = 300


def report_lock_wait_seconds() -> float:
    return float(os.environ.get("CSC_REPORT_LOCK_WAIT_SECONDS", REPORT_LOCK_WAIT_SECONDS))


@dataclass(frozen=True)
class ReportOutputs:
    folder: Path
    index: Path
    latest: Path
    worklist_folder: Path
    files: tuple[Path, ...]
    worklists: tuple[Path, ...]


# One chart row per team up to this many teams (a page); beyond it, one row per service area: England's 1,500
# teams made a chart 490 inches tall. The team breakdown of average caseload and the workers worklists keep them.
CASELOAD_CHART_MAX_TEAMS = 40


def _caseload_rows(data: PublishedData, as_at: dt.date) -> tuple[str, list[tuple[str, list[float]]]]:
    """("team" or "service area", [(row label, the caseloads of its workers at `as_at`)])."""
    by_team: dict[str | None, list[float]] = {}
    for team_id, caseload in data.caseloads.get(as_at, []):
        by_team.setdefault(team_id, []).append(caseload)
    if len(by_team) <= CASELOAD_CHART_MAX_TEAMS:
        ordered = sorted(by_team, key=lambda t: (t is None, natural_key(data.teams.get(t, (t, ""))[0])))
        return "team", [(data.teams.get(t, (t or "No team", None))[0], by_team[t]) for t in ordered]
    by_area: dict[str | None, list[float]] = {}
    for team_id, caseloads in by_team.items():
        by_area.setdefault(data.teams.get(team_id, (None, None))[1], []).extend(caseloads)
    areas = sorted(by_area, key=lambda a: (a is None, service_area_label(a)))
    return "service area", [(service_area_label(a), by_area[a]) for a in areas]


def _dq_status(data: PublishedData) -> tuple[str, str]:
    checks, errors, warnings = data.dq_checks
    if errors:
        return f"{errors} of {checks} checks failed (not blocking: records excluded and counted)", "status-bad"
    if warnings:
        return f"{checks} checks; {warnings} warnings", "status-warn"
    return f"all {checks} checks passed", "status-ok"


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def _swap_in(built: Path, destination: Path) -> None:
    old = destination.with_name(f".{destination.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if destination.exists():
        destination.rename(old)
    built.rename(destination)
    if old.exists():
        shutil.rmtree(old)


def _point_latest(reports_dir: Path, folder_name: str) -> Path:
    """`reports/latest` -> the newest extract's folder: a relative symlink replaced atomically."""
    latest = reports_dir / "latest"
    temporary = reports_dir / ".latest.tmp"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(folder_name, target_is_directory=True)
    if latest.is_dir() and not latest.is_symlink():
        shutil.rmtree(latest)
    os.replace(temporary, latest)
    return latest


def _annex_a_links(paths: Paths) -> dict | None:
    """The newest Annex A (restricted, made on demand by `csc annex-a`) for the index, when there is one."""
    folder = latest_annex(paths)
    if folder is None:
        return None
    relative = Path("..", "..", "restricted", "annex_a", folder.name)
    workbooks = sorted(folder.glob("*.xlsx"))
    return {
        "as_at": folder.name,
        "workbook": str(relative / workbooks[0].name) if workbooks else None,
        "check": str(relative / CHECK_PAGE),
    }


def build_reports(
    paths: Paths,
    as_at: dt.date | None = None,
    description: str = "csc report",
    wait_seconds: float | None = None,
) -> ReportOutputs:
    """Build every report under the reports lock (ReportsBusyError when another build holds it too long)."""
    wait = report_lock_wait_seconds() if wait_seconds is None else wait_seconds
    with report_build_lock(paths.data_dir, description, wait):
        repair_report_folders(paths.reports_dir, paths.restricted_dir / "worklists")
        try:
            return _build_reports(paths, as_at)
        finally:  # a failed build leaves no hidden folder behind (a finished one has renamed them away)
            repair_report_folders(paths.reports_dir, paths.restricted_dir / "worklists")


def _build_reports(paths: Paths, as_at: dt.date | None) -> ReportOutputs:
    data = load_published(paths.published_database, paths.child_level_database)
    targets = load_targets()
    standards = load_standards()
    band = (CASELOAD_BAND_LOW, standards.caseload_max)
    extract = data.extract_date.isoformat()
    folder_name = extract if as_at is None else f"{extract}_as_at_{as_at.isoformat()[:7]}"
    open_dir(paths.reports_dir)
    folder = paths.reports_dir / folder_name
    building = paths.reports_dir / f".{folder_name}.building"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)

    files: list[Path] = []
    committee = build_scorecard(data, targets, COMMITTEE, as_at)
    management = build_scorecard(data, targets, MANAGEMENT, as_at)
    caseloads_by, caseloads = _caseload_rows(data, management.view.latest)
    for view, stem, rows in (
        (committee, "committee_scorecard", None),
        (management, "management_scorecard", caseloads),
    ):
        title = scorecard_title(view)
        html = render_scorecard(view, rows, band, caseloads_by)
        (building / f"{stem}.html").write_text(html, encoding="utf-8")
        write_scorecard_pdf(view, building / f"{stem}.pdf", title, rows, band, caseloads_by)
        write_scorecard_workbook(view, building / f"{stem}.xlsx", title)
        files += [folder / f"{stem}.{ext}" for ext in ("html", "pdf", "xlsx")]

    # worklists: as at the extract date (the restricted store holds this run's failures)
    worklist_root = paths.restricted_dir / "worklists"
    _private_dir(paths.restricted_dir)
    _private_dir(worklist_root)
    worklist_folder = worklist_root / extract
    worklist_building = worklist_root / f".{extract}.building"
    shutil.rmtree(worklist_building, ignore_errors=True)
    _private_dir(worklist_building)
    failures = load_dq_failures(paths.restricted_dir / FAILURES_FILE, data.run_id)
    messages = {rule.id: rule.description for rule in registry()}
    worklists = build_worklists(data, failures, messages, standards.caseload_max)
    worklist_files: list[Path] = []
    previous_umask = os.umask(0o077)  # files created owner-only from the first byte
    try:
        for worklist in worklists:
            html_path = worklist_building / f"{worklist.file_stem}.html"
            html_path.write_text(
                render_worklist(worklist, data.extract_date, data.run_id, data.synthetic), encoding="utf-8"
            )
            xlsx_path = write_worklist_workbook(
                worklist, worklist_building / f"{worklist.file_stem}.xlsx", data.extract_date, data.run_id,
                synthetic=data.synthetic,
            )  # fmt: skip
            for written in (html_path, xlsx_path):
                os.chmod(written, 0o600)
            worklist_files += [worklist_folder / html_path.name, worklist_folder / xlsx_path.name]
    finally:
        os.umask(previous_umask)
    _swap_in(worklist_building, worklist_folder)
    os.chmod(worklist_folder, 0o700)

    relative_worklists = Path("..", "..", "restricted", "worklists", extract)
    for w in worklists:
        w.html_href = str(relative_worklists / f"{w.file_stem}.html")
        w.xlsx_href = str(relative_worklists / f"{w.file_stem}.xlsx")
    dq_status, dq_class = _dq_status(data)
    index_context = {
        "extract_date": data.extract_date,
        "run_id": data.run_id,
        "synthetic": data.synthetic,
        "latest_label": month_label(committee.view.latest),
        "dq_status": dq_status,
        "dq_class": dq_class,
        "dq_summary": "../dq_summary_latest.html",
        # the run's own summary page stays true when a later run replaces dq_summary_latest.html
        "dq_summary_run": f"../dq_summary_{data.run_id}.html"
        if (paths.reports_dir / f"dq_summary_{data.run_id}.html").exists()
        else None,
        "committee": [
            ("Committee scorecard (web page)", "committee_scorecard.html"),
            ("Committee scorecard (PDF)", "committee_scorecard.pdf"),
            ("Committee scorecard (Excel)", "committee_scorecard.xlsx"),
        ],
        "management": [
            ("Management scorecard (web page)", "management_scorecard.html"),
            ("Management scorecard (PDF)", "management_scorecard.pdf"),
            ("Management scorecard (Excel)", "management_scorecard.xlsx"),
        ],
        "worklists": worklists,
        "annex_a": _annex_a_links(paths),
    }
    (building / "index.html").write_text(render_index(index_context), encoding="utf-8")
    open_tree(building)  # the open reports are for everyone (the run writes owner-only files by default)
    _swap_in(building, folder)
    latest = _point_latest(paths.reports_dir, folder_name) if as_at is None else paths.reports_dir / "latest"
    return ReportOutputs(
        folder, folder / "index.html", latest, worklist_folder, (*files, folder / "index.html"), tuple(worklist_files)
    )
