"""The history store under CSC_DATA_DIR: every run, every published scorecard, every check result.

It is written on every run (blocked and failed runs included) and never overwritten; each
published database carries a copy of it up to that run. Pure Python: no Dagster imports.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.quality.results import DQ_RESULTS_DDL
from dagster_project.warehouse import connect

RUNS_DDL = """
create table if not exists runs (
    run_id varchar primary key,
    extract_date date,
    started_at timestamp,
    finished_at timestamp,
    status varchar,          -- running | success | failure | canceled | blocked
    published boolean,
    code_version varchar,
    settings json,           -- local standards and paths used
    input_files json         -- [{name, sha256, rows}]
)
"""

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
        for ddl in (RUNS_DDL, SCORECARD_HISTORY_DDL, DQ_RESULTS_DDL):
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


def record_run(path: Path, record: RunRecord) -> None:
    """Insert or update one run. A published run stays published whatever is recorded later."""
    ensure_history(path)
    with connect(path) as conn:
        previous = conn.execute(
            "select published, started_at, code_version, settings, input_files from runs where run_id = ?",
            [record.run_id],
        ).fetchone()
        published = record.published or bool(previous and previous[0])
        started_at = record.started_at or (previous[1] if previous else None)
        code_version = record.code_version or (previous[2] if previous else None)
        settings = json.dumps(record.settings) if record.settings else (previous[3] if previous else "{}")
        input_files = json.dumps(record.input_files) if record.input_files else (previous[4] if previous else "[]")
        conn.execute("delete from runs where run_id = ?", [record.run_id])
        conn.execute(
            "insert into runs values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ],
        )


def last_run(path: Path) -> dict | None:
    if not Path(path).exists():
        return None
    with connect(path, read_only=True) as conn:
        cursor = conn.execute("select * from runs order by started_at desc nulls last limit 1")
        row = cursor.fetchone()
        return dict(zip([d[0] for d in cursor.description], row, strict=True)) if row else None

