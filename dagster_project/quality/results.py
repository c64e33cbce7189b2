"""Evidence stores: `dq_results` in the history database and row-level failures in the restricted store.

`dq_results` (docs/published-database.md): one row per (run, check), appended on every run, blocked runs
too. `severity` is what a failure of the check means: ERROR blocks the run (the marts are not built
or published), WARN is reported and the run goes on. `passed` is false as soon as one row fails, so
a WARN row with passed = false is a counted, reported defect, not a blocked run. A check the extract's
source cannot support (a rule reading a column a statutory return does not carry, a file it lacks) is
recorded with passed = NULL, rows_failed = NULL and status 'not_applicable' (`status` is 'passed',
'failed' or 'not_applicable'; see quality/applicability.py).
Row-level failures hold keys and line numbers only, never personal values.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import astuple, dataclass
from pathlib import Path

import pyarrow as pa

from dagster_project.warehouse import connect

DQ_RESULTS_DDL = """
create table if not exists main.dq_results (
    run_id varchar, checked_at timestamp, extract_date date, source_file varchar, check_name varchar,
    dimension varchar, severity varchar, passed boolean, rows_checked bigint, rows_failed bigint,
    failure_sample varchar, status varchar, from_failed_run boolean default false
)
"""
# Columns added after the first release: old history stores gain them on first use.
# status: passed | failed | not_applicable (a check the extract's source cannot support: passed is NULL).
# from_failed_run: the run that produced the row died or failed, so the row is evidence of that attempt only.
DQ_RESULTS_MIGRATIONS = (
    "alter table main.dq_results add column if not exists status varchar",
    "alter table main.dq_results add column if not exists from_failed_run boolean default false",
)
DQ_RESULTS_ARROW_TYPES = {
    "run_id": pa.string(), "checked_at": pa.timestamp("us"), "extract_date": pa.string(), "source_file": pa.string(),
    "check_name": pa.string(), "dimension": pa.string(), "severity": pa.string(), "passed": pa.bool_(),
    "rows_checked": pa.int64(), "rows_failed": pa.int64(), "failure_sample": pa.string(), "status": pa.string(),
}  # fmt: skip
DQ_RESULTS_COLUMNS = (
    "run_id, checked_at, extract_date, source_file, check_name, dimension, severity, passed, rows_checked, "
    "rows_failed, failure_sample, status"
)
# team_id, team_basis: the team that can fix the record and why (quality/failure_teams.py; issue 23)
FAILURE_COLUMNS = (
    "extract_date", "source_file", "source_line", "record_key", "rule_id", "dimension", "action", "team_id",
    "team_basis",
)  # fmt: skip
FAILURES_DDL = """
create table if not exists main.dq_failures (
    run_id varchar, extract_date date, source_file varchar, source_line bigint, record_key varchar,
    rule_id varchar, dimension varchar, action varchar, team_id varchar, team_basis varchar
)
"""
# Columns added after the first release: old restricted stores gain them on first use.
FAILURES_MIGRATIONS = (
    "alter table main.dq_failures add column if not exists team_id varchar",
    "alter table main.dq_failures add column if not exists team_basis varchar",
)
FAILURES_FILE = "dq_failures.duckdb"


@dataclass(frozen=True)
class CheckResult:
    """One dq_results row."""

    run_id: str
    checked_at: dt.datetime
    extract_date: str
    source_file: str
    check_name: str
    dimension: str
    severity: str  # ERROR | WARN
    passed: bool | None  # None: not applicable to this extract's source
    rows_checked: int
    rows_failed: int | None
    failure_sample: str  # keys and line numbers only

    @property
    def blocking(self) -> bool:
        return self.severity == "ERROR" and self.passed is False

    @property
    def status(self) -> str:
        return "not_applicable" if self.passed is None else "passed" if self.passed else "failed"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def append_dq_results(history_db: Path, results: list[CheckResult]) -> None:
    """Append results; a retried step replaces its own earlier rows for the same run and checks."""
    if not results:
        return
    with connect(history_db) as conn:
        conn.execute(DQ_RESULTS_DDL)
        for migration in DQ_RESULTS_MIGRATIONS:
            conn.execute(migration)
        conn.execute("begin")
        # Columnar (Arrow), one statement each: executemany costs about 1 ms per row (~400 rules, twice).
        rows = [(*astuple(r), r.status) for r in results]
        new_results = pa.table(  # noqa: F841 (read by name in the SQL below)
            {
                name: pa.array(values, type=DQ_RESULTS_ARROW_TYPES[name])
                for name, values in zip(DQ_RESULTS_ARROW_TYPES, zip(*rows, strict=True), strict=True)
            }
        )
        conn.execute(
            "delete from main.dq_results d using new_results n "
            "where d.run_id = n.run_id and d.check_name = n.check_name and d.source_file = n.source_file"
        )
        typed = DQ_RESULTS_COLUMNS.replace("extract_date", "cast(extract_date as date)")
        conn.execute(f"insert into main.dq_results ({DQ_RESULTS_COLUMNS}) select {typed} from new_results")
        conn.execute("commit")


def read_dq_results(history_db: Path, run_id: str | None = None) -> list[dict]:
    if not Path(history_db).exists():
        return []
    with connect(history_db, read_only=True) as conn:
        exists = conn.execute(
            "select count(*) from information_schema.tables where table_schema = 'main' and table_name = 'dq_results'"
        ).fetchone()[0]
        if not exists:
            return []
        where, params = ("where run_id = ?", [run_id]) if run_id else ("", [])
        cursor = conn.execute(f"select * from main.dq_results {where} order by checked_at, check_name", params)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def blocking_failures(history_db: Path, run_id: str) -> list[dict]:
    """The run's failed checks with severity ERROR: the publish step's second gate (empty = may publish)."""
    return [r for r in read_dq_results(history_db, run_id) if r["severity"] == "ERROR" and r["passed"] is False]


def replace_failures(restricted_dir: Path, run_id: str, rows) -> Path:
    """Store the run's row-level failures (extract_date, source_file, source_line, record_key, rule_id,
    dimension, action) in the restricted store; returns its path. `rows`: tuples, or an object whose `table`
    is an Arrow table of those columns (rule_checks.FailureRows)."""
    path = Path(restricted_dir) / FAILURES_FILE
    with connect(path) as conn:
        conn.execute(FAILURES_DDL)
        for migration in FAILURES_MIGRATIONS:
            conn.execute(migration)
        conn.execute("begin")
        conn.execute("delete from main.dq_failures where run_id = ?", [run_id])
        if len(rows):
            # Columnar (Arrow) instead of executemany: a row-by-row insert of a national run's failures took minutes.
            if hasattr(rows, "table"):
                names = list(FAILURE_COLUMNS[: rows.table.num_columns])
                failures = rows.table.rename_columns(names)  # noqa: F841 (read by name below)
            else:
                columns = list(zip(*rows, strict=True))
                names = list(FAILURE_COLUMNS[: len(columns)])  # rows without a team: the "No team" worklist
                failures = pa.table(  # noqa: F841 (read by name in the SQL below)
                    {name: pa.array(values) for name, values in zip(names, columns, strict=True)}
                )
            conn.execute(
                f"insert into main.dq_failures (run_id, {', '.join(names)}) select ?, cast(extract_date as date), "
                f"{', '.join(names[1:])} from failures",
                [run_id],
            )
        conn.execute("commit")
    return path
