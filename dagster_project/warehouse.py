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

from dagster_project.settings import duckdb_config, get_paths


class WarehouseLockedError(RuntimeError):
    """Another process holds the DuckDB file."""


_PID = re.compile(r"PID (\d+)")
_PROGRAM = re.compile(r"lock is held in (.+?) \(PID \d+\)")


def lock_message(path: Path, error: Exception) -> str:
    text = str(error)
    pid = _PID.search(text)
    program = _PROGRAM.search(text)
    holder = f"process {pid.group(1)}" if pid else "another process"
    if program:
        holder += f" ({program.group(1)})"
    return (
        f"The warehouse {path} is locked by {holder}. DuckDB allows one writer at a time, and the "
        "nightly run needs the file to itself. If a run is in progress, wait for it to finish; "
        "otherwise close the program holding it"
        + (f" (see `ps -p {pid.group(1)} -o pid,cmd`)" if pid else "")
        + ". Analysts should open published/analytics.duckdb, never the working warehouse."
    )


PRIVATE_DIR_MODE, PRIVATE_FILE_MODE = 0o700, 0o600


def _personal_store(path: Path) -> bool:
    """The warehouse (raw personal data) and the restricted store live in owner-only folders."""
    paths = get_paths()
    return path.parent.resolve() in (paths.warehouse.parent.resolve(), paths.restricted_dir.resolve())


def secure(path: Path) -> None:
    """Owner-only modes for a personal-data file and its folder (README "File modes")."""
    path = Path(path)
    path.parent.chmod(PRIVATE_DIR_MODE)
    for file in (path, Path(str(path) + ".wal")):
        if file.exists():
            file.chmod(PRIVATE_FILE_MODE)


def path_literal(path: Path) -> str:
    """A file path as a DuckDB string literal (ATTACH takes no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


@contextlib.contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open a DuckDB file, turning a lock conflict into a message that says who holds it. Memory is bounded
    by the job's budget (settings.duckdb_config)."""
    path = Path(path)
    private = not read_only and _personal_store(path)
    if not read_only:
        path.parent.mkdir(mode=PRIVATE_DIR_MODE if private else 0o777, parents=True, exist_ok=True)
    try:
        conn = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise WarehouseLockedError(lock_message(path, error)) from error
        raise
    if private:
        secure(path)
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


def write_reference_table(
    warehouse_path: Path, table: str, frame, column_types: dict[str, str], order_by: str | None = None
) -> int:
    """Replace `reference.<table>` with the frame's columns cast to `column_types` (name -> DuckDB type, in
    order), rows ordered by `order_by` (default: the first column); returns the number of rows. The reference
    tables the dbt models join on (the working-day calendar, the DfE comparators, the child population)."""
    columns = ",\n".join(f"cast({name} as {kind}) as {name}" for name, kind in column_types.items())
    order_by = order_by or next(iter(column_types))
    with connect(warehouse_path) as conn:
        conn.execute("create schema if not exists reference")
        conn.register("reference_frame", frame)
        try:
            select = f"select {columns} from reference_frame order by {order_by}"
            conn.execute(f"create or replace table reference.{table} as {select}")
        finally:
            conn.unregister("reference_frame")
    return len(frame)
