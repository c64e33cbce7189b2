"""The history store under CSC_DATA_DIR: every run, every published scorecard, every check result.

It is written on every run (blocked and failed runs included) and never overwritten; each
published database carries a copy of it up to that run. Pure Python: no Dagster imports.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.quality.results import DQ_RESULTS_DDL, DQ_RESULTS_MIGRATIONS
from dagster_project.warehouse import connect

# A run's status in the history: `published` from its publish until the run ends (its reports are still being
# built); `reports_failed` when it published but a later step (the reports) failed or its process died.
PUBLISHED_STATUS = "published"
REPORTS_FAILED_STATUS = "reports_failed"
OPEN_STATUSES = ("running", "started", PUBLISHED_STATUS)

RUNS_DDL = """
create table if not exists runs (
    run_id varchar primary key,
    extract_date date,
    started_at timestamp,
    finished_at timestamp,
    status varchar,          -- running | published | success | reports_failed | failure | canceled | refused
    published boolean,
    code_version varchar,
    settings json,           -- local standards and paths used
    input_files json,        -- [{name, sha256, rows}]
    data_origin varchar,     -- synthetic (the generator wrote the extract) | real
    note varchar             -- why a run was refused, failed or closed by recovery (one line)
)
"""

# Columns added after the first release: old history stores gain them on first use.
RUNS_MIGRATIONS = (
    "alter table runs add column if not exists data_origin varchar",
    "alter table runs add column if not exists note varchar",
)
RUNS_COLUMNS = (
    "run_id, extract_date, started_at, finished_at, status, published, code_version, settings, input_files, "
    "data_origin, note"
)

SCORECARD_HISTORY_DDL = """
create table if not exists scorecard_history (
    period_type varchar,
    as_at_date date,
    measure varchar,
    numerator double,
    denominator double,
    value double,
    extract_date date,
    run_id varchar
)
"""


def ensure_history(path: Path) -> None:
    with connect(path) as conn:
        for ddl in (RUNS_DDL, SCORECARD_HISTORY_DDL, DQ_RESULTS_DDL, *RUNS_MIGRATIONS, *DQ_RESULTS_MIGRATIONS):
            conn.execute(ddl)


@dataclass
class RunRecord:
    run_id: str
    extract_date: str | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    status: str
    published: bool = False
    code_version: str | None = None
    settings: dict = field(default_factory=dict)
    input_files: list[dict] = field(default_factory=list)
    data_origin: str | None = None
    note: str | None = None


def record_run(path: Path, record: RunRecord) -> None:
    """Insert or update one run. A published run stays published whatever is recorded later."""
    ensure_history(path)
    with connect(path) as conn:
        previous = conn.execute(
            "select published, started_at, code_version, settings, input_files, data_origin, note from runs "
            "where run_id = ?",
            [record.run_id],
        ).fetchone()
        published = record.published or bool(previous and previous[0])
        started_at = record.started_at or (previous[1] if previous else None)
        code_version = record.code_version or (previous[2] if previous else None)
        settings = json.dumps(record.settings) if record.settings else (previous[3] if previous else "{}")
        input_files = json.dumps(record.input_files) if record.input_files else (previous[4] if previous else "[]")
        data_origin = record.data_origin or (previous[5] if previous else None)
        note = record.note or (previous[6] if previous else None)
        conn.execute("delete from runs where run_id = ?", [record.run_id])
        conn.execute(
            f"insert into runs ({RUNS_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                record.run_id,
                record.extract_date,
                started_at,
                record.finished_at,
                record.status,
                published,
                code_version,
                settings,
                input_files,
                data_origin,
                note,
            ],
        )


def last_run(path: Path) -> dict | None:
    """The latest attempt: the run that started or finished last (refused attempts included)."""
    if not Path(path).exists():
        return None
    with connect(path, read_only=True) as conn:
        cursor = conn.execute(
            "select * from runs order by coalesce(finished_at, started_at) desc nulls last, started_at desc limit 1"
        )
        row = cursor.fetchone()
        return dict(zip([d[0] for d in cursor.description], row, strict=True)) if row else None


def close_dead_run(path: Path, run_id: str, note: str) -> bool:
    """A run whose process died: its `running` row becomes `failure` and its evidence is marked as from a
    failed run (so partial check results never look current). True if there was anything to close."""
    if not Path(path).exists():
        return False
    ensure_history(path)
    with connect(path) as conn:
        open_rows = conn.execute(
            "select count(*) from runs where run_id = ? and list_contains(?, status)", [run_id, list(OPEN_STATUSES)]
        ).fetchone()[0]
        conn.execute(
            "update runs set status = case when published then ? else 'failure' end, "
            "finished_at = coalesce(finished_at, ?), note = ? where run_id = ? and list_contains(?, status)",
            [REPORTS_FAILED_STATUS, dt.datetime.now(), note, run_id, list(OPEN_STATUSES)],
        )
        # A run that published stands by its evidence (the published database carries it); others do not.
        marked = conn.execute(
            "update dq_results set from_failed_run = true where run_id = ? and not coalesce(from_failed_run, false) "
            "and not exists (select 1 from runs where run_id = ? and published) returning 1",
            [run_id, run_id],
        ).fetchall()
    return bool(open_rows or marked)


def mark_evidence_failed(path: Path, run_id: str) -> None:
    """Check results of a run that failed are kept (auditors need them) but marked as from a failed run."""
    if not Path(path).exists():
        return
    ensure_history(path)
    with connect(path) as conn:
        conn.execute("update dq_results set from_failed_run = true where run_id = ?", [run_id])


def published_origin(published: Path) -> str | None:
    """data_origin of the run that produced the published database (None if unknown or no database)."""
    if not Path(published).exists():
        return None
    with connect(published, read_only=True) as conn:
        query = "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ?"
        columns = {r[0] for r in conn.execute(query, ["runs"]).fetchall()}
        if "data_origin" not in columns:
            return None
        row = conn.execute(
            "select data_origin from marts.runs where published order by finished_at desc nulls last limit 1"
        ).fetchone()
    return row[0] if row else None


def published_by(published: Path, run_id: str) -> bool:
    """Whether the published database is the output of `run_id` (a run killed just after its rename)."""
    if not Path(published).exists():
        return False
    try:
        with connect(published, read_only=True) as conn:
            row = conn.execute("select count(*) from marts.runs where run_id = ? and published", [run_id]).fetchone()
    except Exception:  # an unreadable published file: recovery goes on, it never touches that file
        return False
    return bool(row and row[0])
