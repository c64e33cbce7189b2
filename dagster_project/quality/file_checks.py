"""File-level checks on the raw layer of the run's extract: usable file, quarantined rows, schema drift,
and plausibility against the previous loaded extract (row counts, open CP plans, open allocations,
records that disappeared). SQL inside DuckDB. Pure Python: no Dagster imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.contract.model import ExportFile, load_contract
from dagster_project.ingest.schema import drift_positions_text
from dagster_project.quality import thresholds
from dagster_project.quality.results import CheckResult, now
from dagster_project.warehouse import connect

FILE_CHECKS = ("file_usable", "quarantined_rows", "schema_drift", "plausibility")


def _date(column: str) -> str:
    return f"cast(coalesce(try_strptime(trim({column}), '%Y-%m-%d'), try_strptime(trim({column}), '%d/%m/%Y')) as date)"


def _open_at(alias_date: str) -> str:
    return (
        f"{_date('start_date')} <= {alias_date} and ({_date('end_date')} is null or {_date('end_date')} > {alias_date})"
    )


# Measures whose jump between extracts is implausible, by file: name -> SQL count for one extract `x`.
PLAUSIBILITY_MEASURES = {
    "plans": {"open_cp_plans": f"count(*) filter (where upper(trim(plan_type)) = 'CP' and {_open_at('x')})"},
    "allocations": {"open_allocations": f"count(*) filter (where {_open_at('x')})"},
}


@dataclass(frozen=True)
class FileCheck:
    """One file-level check outcome (mapped to a Dagster AssetCheckResult and a dq_results row)."""

    file: str
    check: str
    dimension: str
    passed: bool
    severity: str  # ERROR blocks; WARN is reported
    rows_checked: int
    rows_failed: int
    message: str
    sample: str = ""
    not_applicable: bool = False  # the extract's source does not provide this file / has no comparable previous


def _table_exists(conn, schema: str, table: str) -> bool:
    query = "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"
    return conn.execute(query, [schema, table]).fetchone()[0] > 0


def _columns(conn, schema: str, table: str) -> set[str]:
    query = "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
    return {r[0] for r in conn.execute(query, [schema, table]).fetchall()}


def _previous_extract(conn, file: str, extract_date: str) -> str | None:
    row = conn.execute(
        f"select max(_extract_date) from raw.{file} where _extract_date < ?::date", [extract_date]
    ).fetchone()
    return str(row[0]) if row and row[0] else None


def check_file(
    conn: duckdb.DuckDBPyConnection, file: ExportFile, extract_date: str, provided: bool = True, compare: bool = True
) -> list[FileCheck]:
    """`provided`: false when the extract's source descriptor says the source has no such file (its
    header-only file is then expected, and every file check is not applicable). `compare`: false when the
    previous extract came from another source (row counts of different returns are not comparable)."""
    name, label = file.name, file.file_name
    if not provided:
        message = f"{label}: not applicable: the extract's source does not provide this file"
        return [
            FileCheck(name, check, "completeness", True, "WARN", 0, 0, message, not_applicable=True)
            for check in FILE_CHECKS
        ]
    if not _table_exists(conn, "raw", name):
        message = f"{label}: no raw table raw.{name}: the file was never loaded"
        return [FileCheck(name, "file_usable", "completeness", False, "ERROR", 0, 0, message)]
    missing = sorted(set(file.column_names) - _columns(conn, "raw", name))
    rows = conn.execute(f"select count(*) from raw.{name} where _extract_date = ?::date", [extract_date]).fetchone()[0]
    status, manifest_message = None, ""
    if _table_exists(conn, "ingest", "manifest"):
        latest = conn.execute(
            "select status, message from ingest.manifest where extract_date = ?::date and file = ? "
            "order by loaded_at desc limit 1",
            [extract_date, label],
        ).fetchone()
        status, manifest_message = latest if latest else (None, "")
    checks = []
    if missing or status == "rejected":
        detail = f"missing required columns {missing}" if missing else manifest_message
        checks.append(FileCheck(name, "file_usable", "completeness", False, "ERROR", rows, rows, f"{label}: {detail}"))
    elif rows == 0:
        checks.append(FileCheck(name, "file_usable", "completeness", False, "WARN", 0, 0, f"{label}: no rows"))
    else:
        checks.append(FileCheck(name, "file_usable", "completeness", True, "ERROR", rows, 0, f"{label}: {rows} rows"))
    checks.append(_quarantine(conn, name, label, extract_date, rows))
    checks.append(_drift(conn, name, label, extract_date, rows))
    if compare:
        checks.append(_plausibility(conn, file, extract_date, rows))
    else:
        message = f"{label}: not applicable: the previous extract came from another source"
        checks.append(FileCheck(name, "plausibility", "accuracy", True, "WARN", rows, 0, message, not_applicable=True))
    return checks


def _quarantine(conn, name: str, label: str, extract_date: str, rows: int) -> FileCheck:
    quarantined, sample = 0, ""
    if _table_exists(conn, "ingest", "quarantine"):
        lines = [
            r[0]
            for r in conn.execute(
                "select distinct line_number from ingest.quarantine where extract_date = ?::date and file = ? "
                "order by 1",
                [extract_date, label],
            ).fetchall()
        ]
        quarantined, sample = len(lines), ", ".join(f"line {n}" for n in lines[:10])
    total = rows + quarantined
    share = quarantined / total if total else 0.0
    severity = "ERROR" if share > thresholds.block_share() else "WARN"
    message = f"{label}: {quarantined} rows quarantined ({share:.2%} of {total})"
    return FileCheck(
        name, "quarantined_rows", "validity", quarantined == 0, severity, total, quarantined, message, sample
    )


def _drift(conn, name: str, label: str, extract_date: str, rows: int) -> FileCheck:
    columns, positions = [], []
    if _table_exists(conn, "ingest", "schema_drift"):
        drift = conn.execute(
            'select "column", min(position) from ingest.schema_drift '
            "where extract_date = ?::date and file = ? group by 1 order by 2, 1",
            [extract_date, label],
        ).fetchall()
        columns = [name for name, _ in drift]
        positions = [position for _, position in drift if position is not None]
    # By position and count, never by name: a header line may hold delivered values (issue 21, finding 7).
    message = (
        f"{label}: {len(columns)} unknown column(s) kept in _extra_columns ({drift_positions_text(positions)})"
        if columns
        else f"{label}: no drift"
    )
    return FileCheck(name, "schema_drift", "consistency", not columns, "WARN", rows, len(columns), message)


def _plausibility(conn, file: ExportFile, extract_date: str, rows: int) -> FileCheck:
    name, label, pk = file.name, file.file_name, file.primary_key
    previous = _previous_extract(conn, name, extract_date)
    if previous is None:
        return FileCheck(name, "plausibility", "accuracy", True, "ERROR", rows, 0, f"{label}: no previous extract")
    measures = {"rows": "count(*)", **PLAUSIBILITY_MEASURES.get(name, {})}
    problems = []
    for measure, expression in measures.items():
        values = {}
        for x in (previous, extract_date):
            sql = f"select {expression} from raw.{name}, "
            sql += "(select ?::date as x) where _extract_date = x"
            values[x] = conn.execute(sql, [x]).fetchone()[0]
        before, after = values[previous], values[extract_date]
        if thresholds.implausible_jump(before, after):
            problems.append(f"{measure} {before} -> {after}")
    gone = conn.execute(
        f"select trim({pk}) as k from raw.{name} where _extract_date = ?::date "
        f"except select trim({pk}) from raw.{name} where _extract_date = ?::date order by k",
        [previous, extract_date],
    ).fetchall()
    # A count, never the keys: they may be child ids (published in marts.dq_results) or delivered values.
    sample = f"{len(gone)} key(s) of the {previous} extract are not in this one" if gone else ""
    if problems:
        message = f"{label}: implausible change since {previous}: {'; '.join(problems)}"
        return FileCheck(name, "plausibility", "accuracy", False, "ERROR", rows, rows, message, sample)
    if gone:
        message = f"{label}: {len(gone)} records of the {previous} extract are gone"
        return FileCheck(name, "plausibility", "accuracy", False, "WARN", rows, len(gone), message, sample)
    return FileCheck(name, "plausibility", "accuracy", True, "ERROR", rows, 0, f"{label}: consistent with {previous}")


def run_file_checks(
    warehouse: Path, extract_date: str, not_provided: frozenset[str] = frozenset(), compare: bool = True
) -> list[FileCheck]:
    with connect(warehouse, read_only=True) as conn:
        return [
            c
            for f in load_contract().files.values()
            for c in check_file(conn, f, extract_date, f.name not in not_provided, compare)
        ]


def as_results(checks: list[FileCheck], run_id: str, extract_date: str) -> list[CheckResult]:
    checked_at = now()
    files = load_contract().files
    return [
        CheckResult(
            run_id=run_id, checked_at=checked_at, extract_date=extract_date, source_file=files[c.file].file_name,
            check_name=f"raw.{c.check}", dimension=c.dimension, severity=c.severity,
            passed=None if c.not_applicable else c.passed, rows_checked=c.rows_checked,
            rows_failed=None if c.not_applicable else c.rows_failed,
            failure_sample=c.message if c.not_applicable else c.sample,
        )
        for c in checks
    ]  # fmt: skip
