"""Opening DuckDB files: one writer at a time, connections closed inside each step.

DuckDB allows a single writer process per file, and dbt fails at once if any other process holds
the file (even read-only). Every step opens its connection here and closes it before returning.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb

from dagster_project.settings import duckdb_config


class WarehouseLockedError(RuntimeError):
    """Another process holds the DuckDB file."""


_PID = re.compile(r"PID (\d+)")


def lock_message(path: Path, error: Exception) -> str:
    text = str(error)
    pid = _PID.search(text)
    holder = f"process {pid.group(1)}" if pid else "another process"
    return (
        f"The warehouse {path} is locked by {holder}. DuckDB allows one writer at a time, and the "
        "nightly run needs the file to itself. If a run is in progress, wait for it to finish; "
        "otherwise close the program holding it"
        + (f" (see `ps -p {pid.group(1)} -o pid,cmd`)" if pid else "")
        + ". Analysts should open published/analytics.duckdb, never the working warehouse."
    )


@contextlib.contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a DuckDB file, turning a lock conflict into a message that says who holds it. Memory is bounded
    by the job's budget (settings.duckdb_config)."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise WarehouseLockedError(lock_message(path, error)) from error
        raise
    try:
        bound_memory(conn)
        yield conn
    finally:
        conn.close()


def bound_memory(conn: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Apply the job's memory budget (settings.duckdb_config) with SET, not as connect-time config: DuckDB refuses
    a second connection to an open file with a different config, and a reader (a test, csc status) may hold one."""
    for name, value in duckdb_config().items():
        conn.execute(f"set {name} = '{value}'")
    return conn
