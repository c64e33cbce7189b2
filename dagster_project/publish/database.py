"""Publish the analysts' database: a finished, checked copy of the marts, swapped in atomically.

Analysts open `published/analytics.duckdb` read-only; the pipeline never writes that file in
place. A new file is written beside it, checkpointed, closed, verified and renamed over the old
one (an atomic rename on the same filesystem): a reader that has the old file open keeps reading
it, and a run that fails before the rename leaves the previous file untouched.
It holds aggregates only: the marts with a child or worker id (CHILD_LEVEL_MARTS) go to
`restricted/analytics_child_level.duckdb` (0600 in a 0700 folder), written the same way just before it, with a
`marts.publication` row naming the run so a reader can tell that the two files belong together.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dagster_project.file_modes import PRIVATE_FILE_MODE, open_dir, private_dir
from dagster_project.ingest.origin import SYNTHETIC
from dagster_project.publish.history import PUBLISHED_STATUS, RunRecord, ensure_history, published_origin, record_run
from dagster_project.settings import child_level_beside
from dagster_project.warehouse import connect, path_literal

HISTORY_TABLES = ("scorecard_history", "runs", "dq_results")
# Marts with a row per child or worker (child_id, worker_id): restricted, never world-readable (issue 21).
CHILD_LEVEL_MARTS = (
    "assessment_timeliness",
    "visit_timeliness",
    "caseload",
    "worklist_open_assessments",
    "worklist_unallocated_children",
    "worklist_workers",
    "worklist_front_door_contacts",
)
# The child-level file names the run it was published by, so readers never mix two runs' figures.
PUBLICATION_TABLE = "publication"
# Analysts read the published database: readable by the owner's group and others (README "File modes").
PUBLISHED_MODE = 0o644
TEMP_PREFIX = "."
TEMP_SUFFIX = ".tmp.duckdb"


class PublishError(RuntimeError):
    """The marts are not fit to publish; the previous published database stays."""


@dataclass(frozen=True)
class PublishResult:
    path: Path
    tables: dict[str, int]  # table -> rows


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def mart_tables(warehouse: Path) -> list[str]:
    with connect(warehouse, read_only=True) as conn:
        rows = conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by table_name"
        ).fetchall()
    return [r[0] for r in rows]


def append_scorecard_history(history: Path, warehouse: Path, run_id: str) -> int:
    """Copy this run's scorecard into the history (idempotent per run)."""
    ensure_history(history)
    with connect(history) as conn:
        conn.execute(f"attach {path_literal(warehouse)} as wh (read_only)")
        try:
            conn.execute("delete from scorecard_history where run_id = ?", [run_id])
            conn.execute(
                """
                insert into scorecard_history
                select period_type, as_at_date, measure, numerator, denominator, value, extract_date, ?
                from wh.marts.scorecard
                """,
                [run_id],
            )
            return conn.execute("select count(*) from scorecard_history where run_id = ?", [run_id]).fetchone()[0]
        finally:
            conn.execute("detach wh")


@contextlib.contextmanager
def _staging_file(target: Path, run_id: str) -> Iterator[Path]:
    """The file a run writes beside `target` before renaming it over it: none left from an earlier try when it is
    handed out, and removed with its .wal whatever happens (after the rename there is nothing to remove)."""
    staging_file = temp_file(target, run_id)
    wal = Path(str(staging_file) + ".wal")
    staging_file.unlink(missing_ok=True)
    wal.unlink(missing_ok=True)
    try:
        yield staging_file
    finally:
        staging_file.unlink(missing_ok=True)
        wal.unlink(missing_ok=True)


def _copy_marts(conn, tables: list[str]) -> dict[str, int]:
    """Copy the warehouse's marts (attached as `wh`) into the new file's `marts` schema; rows per table."""
    counts = {}
    for table in tables:
        conn.execute(f"create table marts.{_quote(table)} as select * from wh.marts.{_quote(table)}")
        counts[table] = conn.execute(f"select count(*) from marts.{_quote(table)}").fetchone()[0]
    return counts


def _prove_complete(staging_file: Path, table: str) -> None:
    """Reopen the closed file read-only and read a table: it is complete before it replaces the old one."""
    with connect(staging_file, read_only=True) as check:
        check.execute(f"select count(*) from marts.{table}").fetchone()


def _publish_child_level(
    warehouse: Path, child_level: Path, tables: list[str], run_id: str, extract_date: str
) -> dict[str, int]:
    """Write the restricted child-level database (owner-only) beside its old copy and rename it over it."""
    private_dir(child_level.parent)
    with _staging_file(child_level, run_id) as staging_file:
        with connect(staging_file) as conn:
            conn.execute(f"attach {path_literal(warehouse)} as wh (read_only)")
            conn.execute("create schema marts")
            counts = _copy_marts(conn, tables)
            conn.execute(
                f"create table marts.{PUBLICATION_TABLE} as select ?::varchar as run_id, ?::date as extract_date",
                [run_id, extract_date],
            )
            conn.execute("detach wh")
            conn.execute("checkpoint")
        _prove_complete(staging_file, PUBLICATION_TABLE)
        staging_file.chmod(PRIVATE_FILE_MODE)
        os.replace(staging_file, child_level)
    return counts


def temp_file(published: Path, run_id: str) -> Path:
    """The file a run writes before renaming it over the published database."""
    return published.with_name(f"{TEMP_PREFIX}{published.stem}.{run_id}{TEMP_SUFFIX}")


def remove_temp_files(published: Path) -> list[Path]:
    """Remove every run's temporary publish files (and their .wal). Only call with the run lock held."""
    pattern = f"{TEMP_PREFIX}{published.stem}.*{TEMP_SUFFIX}"
    removed = []
    for path in [*published.parent.glob(pattern), *published.parent.glob(pattern + ".wal")]:
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def publish(
    warehouse: Path,
    history: Path,
    published: Path,
    run_id: str,
    extract_date: str,
    run_started_at: dt.datetime | None = None,
    data_origin: str | None = None,
    child_level: Path | None = None,
) -> PublishResult:
    """Build a new analysts' database from the warehouse's aggregate marts and the history, and the restricted
    child-level database from the others (`child_level`, default `<data>/restricted/analytics_child_level.duckdb`
    beside `<data>/published/`), then swap them in: the child-level file first, the analysts' file last."""
    child_level = child_level or child_level_beside(published)
    if data_origin == SYNTHETIC and published_origin(published) not in (None, SYNTHETIC):
        raise PublishError(
            f"Not published: extract {extract_date} is synthetic (generated demo data) and {published} holds figures "
            "from real extracts. Synthetic figures never replace real ones; use another CSC_DATA_DIR for demos."
        )
    every_mart = mart_tables(warehouse)
    if "scorecard" not in every_mart:
        raise PublishError(f"{warehouse} has no marts.scorecard: nothing to publish")
    tables = [t for t in every_mart if t not in CHILD_LEVEL_MARTS]  # aggregates: the world-readable file
    child_tables = [t for t in every_mart if t in CHILD_LEVEL_MARTS]
    append_scorecard_history(history, warehouse, run_id)

    open_dir(published.parent)  # the published database is for analysts: an enterable folder
    now = dt.datetime.now()
    with _staging_file(published, run_id) as staging_file:
        with connect(staging_file) as conn:
            conn.execute(f"attach {path_literal(warehouse)} as wh (read_only)")
            conn.execute(f"attach {path_literal(history)} as hist (read_only)")
            conn.execute("create schema marts")
            counts = _copy_marts(conn, tables)
            for table in HISTORY_TABLES:
                conn.execute(f"create table marts.{table} as select * from hist.main.{table}")
            # The copy records its own run as published (the history is updated after the swap).
            conn.execute("delete from marts.runs where run_id = ?", [run_id])
            conn.execute(
                """
                insert into marts.runs (run_id, extract_date, started_at, finished_at, status, published, data_origin)
                values (?, ?, ?, ?, 'success', true, ?)
                """,
                [run_id, extract_date, run_started_at, now, data_origin],
            )
            conn.execute(
                """
                update marts.runs r
                set code_version = h.code_version, settings = h.settings, input_files = h.input_files,
                    data_origin = coalesce(r.data_origin, h.data_origin)
                from hist.main.runs h
                where h.run_id = r.run_id and r.run_id = ?
                """,
                [run_id],
            )
            for table in HISTORY_TABLES:
                counts[table] = conn.execute(f"select count(*) from marts.{table}").fetchone()[0]
            available = (
                conn.execute("select count(*) from marts.measure_availability where available").fetchone()[0]
                if "measure_availability" in tables and counts["measure_availability"]
                else None
            )
            conn.execute("detach wh")
            conn.execute("detach hist")
            conn.execute("checkpoint")
        # An empty scorecard is fine only when the source supports no scorecard measure at all (an
        # SSDA903 return before looked-after counts are measures): measure_availability says so.
        if counts.get("scorecard", 0) == 0 and available != 0:
            raise PublishError("marts.scorecard is empty: nothing to publish")
        _prove_complete(staging_file, "scorecard")
        staging_file.chmod(PUBLISHED_MODE)
        counts.update(_publish_child_level(warehouse, child_level, child_tables, run_id, extract_date))
        os.replace(staging_file, published)

    record_run(
        history,
        RunRecord(
            run_id=run_id,
            extract_date=extract_date,
            started_at=run_started_at,
            finished_at=now,
            # Not "success" yet: the run's later steps (the reports) still have to finish. A run killed from
            # here on is still "published" in the history, never a success (issue 21, finding 5).
            status=PUBLISHED_STATUS,
            published=True,
            data_origin=data_origin,
        ),
    )
    return PublishResult(path=published, tables=counts)
