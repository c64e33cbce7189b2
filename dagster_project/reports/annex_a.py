"""Ofsted's Annex A from the warehouse, on demand (`csc annex-a`, or the Dagster asset): for the months before the
as-at date (default: the published extract's date, six months), into `<CSC_DATA_DIR>/restricted/annex_a/<as_at>/`
(0700 folders, 0600 files): the workbook, one CSV per list and the check page. Built in a hidden folder and renamed
into place, so a failed build leaves the previous Annex A untouched. Pure Python.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from dagster_project.contract import load_contract
from dagster_project.file_modes import OWNER_ONLY_UMASK, PRIVATE_FILE_MODE, private_dir
from dagster_project.publish.database import PUBLICATION_TABLE
from dagster_project.reports.annex_a_check import AnnexCheck, ListChecker, check_annex
from dagster_project.reports.annex_a_lists import LISTS_BY_NUMBER, unavailable
from dagster_project.reports.annex_a_period import DEFAULT_MONTHS, Period
from dagster_project.reports.annex_a_queries import OPTIONAL_READERS, AnnexDataError, read_lists
from dagster_project.reports.annex_a_write import AnnexWorkbook, write_list
from dagster_project.reports.html import render_annex_a_check
from dagster_project.settings import Paths
from dagster_project.sources.descriptor import read_descriptor
from dagster_project.warehouse import connect

ANNEX_A_FOLDER = "annex_a"
WORKBOOK_STEM = "annex_a"
CHECK_PAGE = "annex_a_check.html"
CHECK_PAGE_MAX_IDS = 200


@dataclass(frozen=True)
class AnnexOutputs:
    folder: Path
    workbook: Path
    check_page: Path
    csvs: tuple[Path, ...]
    rows: dict[int, int]
    check: AnnexCheck


def annex_root(paths: Paths) -> Path:
    return paths.restricted_dir / ANNEX_A_FOLDER


def latest_annex(paths: Paths) -> Path | None:
    """The newest Annex A folder (by as-at date), or None: the reports index links it (restricted)."""
    root = annex_root(paths)
    if not root.is_dir():
        return None
    done = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    return done[-1] if done else None


def published_run(paths: Paths) -> tuple[str, str]:
    """(extract date, run id) of the published child-level database."""
    if not paths.child_level_database.exists():
        raise AnnexDataError(f"{paths.child_level_database}: nothing published yet (run `csc run` first)")
    with connect(paths.child_level_database, read_only=True) as conn:
        extract_date, run_id = conn.execute(f"select extract_date, run_id from marts.{PUBLICATION_TABLE}").fetchone()
    return extract_date.isoformat(), run_id


def absent_optional_files(paths: Paths, extract_date: str) -> frozenset[str]:
    """The optional contract files the published extract does not hold (its source descriptor); all of them when
    its folder is no longer in the landing zone (nothing says they were there)."""
    contract = load_contract()
    folder = paths.raw_dir / extract_date
    if not folder.is_dir():
        return frozenset(f.file_name for f in contract.files.values() if f.optional)
    return frozenset(contract.files[name].file_name for name in read_descriptor(folder).missing_files)


def build_annex_a(paths: Paths, as_at: dt.date | None = None, months: int = DEFAULT_MONTHS) -> AnnexOutputs:
    extract_date, run_id = published_run(paths)
    extract = dt.date.fromisoformat(extract_date)
    as_at = as_at or extract
    if as_at > extract:
        raise AnnexDataError(
            f"--as-at {as_at} is after the published extract's date {extract_date}: nothing is known yet"
        )
    period = Period(as_at, months)
    missing = unavailable(set(load_contract().file_names), OPTIONAL_READERS, absent_optional_files(paths, extract_date))
    columns_missing = {(u.list_number, u.header) for u in missing if u.header is not None}
    meta = {"extract_date": extract_date, "run_id": run_id}

    root = private_dir(private_dir(paths.restricted_dir) / ANNEX_A_FOLDER)
    folder = root / as_at.isoformat()
    building = root / f".{as_at.isoformat()}.building"
    shutil.rmtree(building, ignore_errors=True)
    previous_umask = os.umask(OWNER_ONLY_UMASK)  # files owner-only from their first byte
    try:
        private_dir(building)
        workbook = AnnexWorkbook(building / f"{WORKBOOK_STEM}_{as_at.isoformat()}.xlsx")
        checkers: dict[int, ListChecker] = {}
        csvs = []
        try:
            whole = {u.list_number for u in missing if u.header is None}
            for number, names, rows in read_lists(paths.warehouse, period, extract_date, skip=whole):
                blank = {i for i, name in enumerate(names) if (number, name) in columns_missing}
                if blank:  # a count over a file the extract left out would read 0: the column stays empty
                    rows = (tuple(None if i in blank else v for i, v in enumerate(row)) for row in rows)
                checkers[number] = ListChecker(number, period)
                annex = LISTS_BY_NUMBER[number]
                csvs.append(write_list(building, annex, names, rows, as_at, workbook, checkers[number].add))
        except BaseException:
            workbook.abandon()
            raise
        check = check_annex(period, checkers, missing)
        workbook_path = workbook.close(period, meta, check, missing)
        page = building / CHECK_PAGE
        page.write_text(render_annex_a_check(check, extract_date, run_id, CHECK_PAGE_MAX_IDS), encoding="utf-8")
        for written in (workbook_path, page, *csvs):
            written.chmod(PRIVATE_FILE_MODE)
        old = root / f".{as_at.isoformat()}.old"
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        building.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        os.umask(previous_umask)
        shutil.rmtree(building, ignore_errors=True)
    return AnnexOutputs(
        folder,
        folder / workbook_path.name,
        folder / CHECK_PAGE,
        tuple(folder / p.name for p in csvs),
        {number: checker.check.rows for number, checker in checkers.items()},
        check,
    )
