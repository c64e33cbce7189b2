"""Loading export files into the raw layer. Pure Python: no Dagster imports.

Per file: one streaming pass (sha256, encoding, line count) -> skip if this exact content is already
loaded for the extract date -> transcode Windows-1252 to a temporary UTF-8 copy if needed -> match
the header to the contract -> DuckDB's native CSV reader (all VARCHAR, rejects stored) inserts every
good row; bad rows go to `ingest.quarantine` with their line -> manifest. Delete of the file's old
rows and the insert happen in ONE transaction.

Line numbers: DuckDB keeps file order (streaming `row_number() OVER ()`), so a row's ordinal among
accepted rows plus the rejected records before it gives its record number. When every record is one
physical line (the normal case, checked by counting newlines) line = record + 1. Otherwise (quoted
newlines, blank lines) a streaming csv-module pass maps records to their start lines.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from dagster_project.contract.model import ExportFile, load_contract
from dagster_project.ingest import scan
from dagster_project.ingest.retention import apply_retention, retention_extracts
from dagster_project.ingest.schema import drift_positions_text, ensure_schema, quote_ident, raw_table
from dagster_project.settings import INGEST_SCRATCH_PREFIX
from dagster_project.warehouse import connect, path_literal

_OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass
class LoadResult:
    file: str  # e.g. "children.csv"
    extract_date: str
    status: str  # loaded | unchanged | rejected | not_provided (an absent optional file)
    message: str
    sha256: str = ""
    bytes: int = 0
    encoding: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    drift_columns: list[str] = field(default_factory=list)  # names: kept in the warehouse, never logged
    drift_positions: list[int] = field(default_factory=list)  # 1-based: what messages and metadata show
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status != "rejected"


@dataclass
class ExtractLoad:
    extract_date: str
    results: dict[str, LoadResult]  # by export name, e.g. "children"
    expired_extracts: list[str]

    @property
    def failures(self) -> list[LoadResult]:
        return [r for r in self.results.values() if not r.ok]

    def failure_message(self) -> str:
        lines = [f"Extract {self.extract_date}: {len(self.failures)} file(s) unusable, nothing published:"]
        lines += [f"  - {r.message}" for r in self.failures]
        return "\n".join(lines)


class _Rejected(Exception):
    """A file-level failure; the message names the file (and line/column where relevant)."""


def _normalise(name: str) -> str:
    return name.strip().lower()


def _match_header(export: ExportFile, header: list[str], label: str) -> tuple[dict[str, int], dict[str, int]]:
    """Contract column -> position, and unknown column -> position. Raises _Rejected with a specific reason."""
    if not header or header == [""]:
        raise _Rejected(f"{label} line 1: no header row (the first line is blank).")
    names = [_normalise(h) for h in header]
    required = set(export.column_names)
    if len(names) == 1 and names[0] not in required:
        for char, what in _OTHER_DELIMITERS.items():
            if char in header[0]:
                raise _Rejected(
                    f"{label} line 1: the header is not comma-separated (found {what} '{char}' between column "
                    "names). Exports must use ',' as the delimiter."
                )
    positions: dict[str, int] = {}
    duplicated: list[int] = []
    for index, name in enumerate(names):
        key = name or f"column_{index + 1}"
        if key in positions:
            duplicated.append(index)
        positions.setdefault(key, index)
    # Without a header row the first line is data (a child's name, date of birth...): the values of line 1
    # are never quoted, only contract column names and positions.
    if not required & set(positions):
        raise _Rejected(
            f"{label} line 1: does not look like a {export.file_name} export - none of the required columns "
            f"({', '.join(export.column_names)}) is in the header row ({len(header)} fields; values not shown, "
            "the first line may be a data row). Check that the export includes its header row."
        )
    if duplicated:
        index = duplicated[0]
        named = repr(names[index]) if names[index] in required else f"number {index + 1}"
        raise _Rejected(f"{label} line 1: column {named} appears more than once in the header.")
    missing = [c for c in export.column_names if c not in positions]
    if missing:
        raise _Rejected(
            f"{label}: missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            "in the header (line 1)."
        )
    known = {c: positions[c] for c in export.column_names}
    extra = {name: pos for name, pos in positions.items() if name not in required}
    return known, extra


def _previous_load(conn, extract_date: str, file_name: str) -> tuple | None:
    return conn.execute(
        "SELECT sha256, bytes, encoding, rows_read, rows_loaded, rows_rejected FROM ingest.manifest "
        "WHERE extract_date = ? AND file = ? AND status = 'loaded' ORDER BY loaded_at DESC LIMIT 1",
        [extract_date, file_name],
    ).fetchone()


def load_file(
    conn: duckdb.DuckDBPyConnection, export_file: ExportFile | str, path: Path, extract_date: str, run_id: str
) -> LoadResult:
    """Load one export file for one extract date (idempotent by content hash). Never raises for bad input:
    the result's status/message say what happened, and the manifest records it."""
    export = load_contract().files[export_file] if isinstance(export_file, str) else export_file
    path = Path(path)
    label = f"{extract_date}/{export.file_name}"
    started = time.perf_counter()
    ensure_schema(conn)
    result = LoadResult(file=export.file_name, extract_date=extract_date, status="rejected", message="")
    try:
        if not path.is_file():
            raise _Rejected(f"{label}: file not found at {path}.")
        found = scan.scan_file(path)
        result.sha256, result.bytes, result.encoding = found.sha256, found.bytes, found.encoding
        previous = _previous_load(conn, extract_date, export.file_name)
        if previous and previous[0] == found.sha256:
            result.status = "unchanged"
            result.message = f"{label}: skipped, unchanged since it was loaded (sha256 {found.sha256[:12]}...)."
            result.rows_read, result.rows_loaded, result.rows_rejected = previous[3], previous[4], previous[5]
            drift = conn.execute(
                'SELECT "column", position FROM ingest.schema_drift WHERE extract_date = ? AND file = ? ORDER BY 1',
                [extract_date, export.file_name],
            ).fetchall()
            result.drift_columns = [c for c, _ in drift]
            result.drift_positions = sorted(p for _, p in drift if p is not None)
            result.seconds = time.perf_counter() - started
            return result
        try:
            scan.check_text(path, found, label)
        except scan.FileFormatError as error:
            raise _Rejected(str(error)) from error
        with tempfile.TemporaryDirectory(prefix=INGEST_SCRATCH_PREFIX, dir=conn_dir(conn)) as tmp:
            read_path = path
            if found.encoding == "windows-1252":
                read_path = Path(tmp) / export.file_name
                try:
                    scan.transcode_cp1252(path, read_path, label, found.bad_utf8_offset)
                except scan.FileFormatError as error:
                    raise _Rejected(str(error)) from error
            known, extra = _match_header(export, scan.read_header(read_path), label)
            _insert(conn, export, read_path, found, known, extra, extract_date, run_id, label, result)
    except _Rejected as rejected:
        result.status, result.message = "rejected", str(rejected)
    result.seconds = time.perf_counter() - started
    _record_manifest(conn, result, run_id)
    return result


def conn_dir(conn: duckdb.DuckDBPyConnection) -> str | None:
    """Temporary copies go next to the warehouse (national files are GBs; /tmp may be small)."""
    row = conn.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return str(Path(row[0]).parent) if row and row[0] else None


def _read_csv_sql(read_path: Path, n_columns: int) -> str:
    # store_rejects in both passes: plain ignore_errors skips more rows than it reports after a bad quote.
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n_columns))
    return (
        f"read_csv({path_literal(read_path)}, header = true, auto_detect = false, columns = {{{columns}}}, "
        "delim = ',', quote = '\"', escape = '\"', store_rejects = true, "
        "rejects_table = '_ingest_rejects', rejects_scan = '_ingest_reject_scans')"
    )


_MAX_INLINE_REJECTS = 2048  # up to this many, line numbers are computed inside the INSERT (no UPDATE pass)


def _insert(conn, export, read_path, found, known, extra, extract_date, run_id, label, result) -> None:
    n_columns = max([*known.values(), *extra.values()]) + 1
    target = raw_table(export)
    # Pass 1 (parse only, no writes): counts and rejected records, so pass 2 can number lines while inserting.
    accepted, rejects = _prescan(conn, read_path, n_columns, label)
    reject_lines = _reject_lines(read_path, rejects)
    one_line_records = accepted + len(rejects) == found.physical_lines - 1
    inline = one_line_records and len(rejects) <= _MAX_INLINE_REJECTS
    thresholds = _thresholds(reject_lines)
    line_expr = "rn + 1 + " + _count_below("rn", thresholds, 0, len(thresholds)) if inline else "rn + 1"
    select = [f"c{known[c]} AS {quote_ident(c)}" for c in export.column_names]
    pairs = ", ".join(f"'{name.replace(chr(39), chr(39) * 2)}', c{pos}" for name, pos in extra.items())
    extra_json = f"json_object({pairs})" if extra else "NULL"
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    keys = [extract_date, export.file_name]
    conn.execute("DROP TABLE IF EXISTS _ingest_rejects; DROP TABLE IF EXISTS _ingest_reject_scans")
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(f"DELETE FROM {target} WHERE _extract_date = ? AND _source_file = ?", keys)
        conn.execute("DELETE FROM ingest.quarantine WHERE extract_date = ? AND file = ?", keys)
        conn.execute("DELETE FROM ingest.schema_drift WHERE extract_date = ? AND file = ?", keys)
        try:
            # row_number() OVER () is a streaming window: it follows file order.
            loaded = conn.execute(
                f"INSERT INTO {target} SELECT {', '.join(select)}, ?::DATE, ?, {line_expr}, ?, ?, ?, {extra_json} "
                f"FROM (SELECT *, row_number() OVER () AS rn FROM {_read_csv_sql(read_path, n_columns)})",
                [extract_date, export.file_name, found.sha256, loaded_at, run_id],
            ).fetchall()[0][0]
        except duckdb.Error as error:
            raise _Rejected(f"{label} could not be parsed as CSV: {_first_line(error)}") from error
        if loaded != accepted:
            raise _Rejected(f"{label}: read {accepted} rows, then {loaded}: did the file change during the load?")
        if not inline:
            _fix_line_numbers(conn, target, keys, read_path, one_line_records, loaded, reject_lines, label)
        if rejects:
            conn.executemany(
                "INSERT INTO ingest.quarantine VALUES (?::DATE, ?, ?, ?, ?, ?)",
                [
                    [extract_date, export.file_name, line, (raw or "").lstrip("\r\n"), reason, run_id]
                    for line, (_, reason, raw) in zip(reject_lines, rejects, strict=True)
                ],
            )
        if extra:
            conn.executemany(
                'INSERT INTO ingest.schema_drift (extract_date, file, "column", run_id, position) '
                "VALUES (?::DATE, ?, ?, ?, ?)",
                [[extract_date, export.file_name, name, run_id, pos + 1] for name, pos in extra.items()],
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("DROP TABLE IF EXISTS _ingest_rejects; DROP TABLE IF EXISTS _ingest_reject_scans")
    result.status = "loaded"
    result.rows_loaded, result.rows_rejected = loaded, len(rejects)
    result.rows_read = loaded + len(rejects)
    result.drift_columns = list(extra)
    result.drift_positions = sorted(pos + 1 for pos in extra.values())
    notes = [f"{label}: loaded {loaded} rows ({found.encoding})"]
    if loaded == 0 and not rejects:
        notes.append("WARNING: header only, the file has no data rows")
    if rejects:
        notes.append(f"{len(rejects)} rows quarantined (first at line {min(reject_lines)})")
    if extra:
        # by position and count, never by name: a header line may hold delivered values (issue 21, finding 7)
        where = drift_positions_text(result.drift_positions)
        notes.append(f"schema drift: {len(extra)} unknown column(s) ({where}) kept in _extra_columns")
    result.message = "; ".join(notes) + "."


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _first_line(error: Exception) -> str:
    """The parser's first error line with any quoted text removed: it may be a value from the file."""
    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return _QUOTED.sub("(value not shown)", line.split("Original Line")[0]).strip()


def _prescan(conn, read_path: Path, n_columns: int, label: str) -> tuple[int, list[tuple]]:
    """Accepted row count and rejected records (byte offset, reasons, raw text), in file order."""
    conn.execute("DROP TABLE IF EXISTS _ingest_rejects; DROP TABLE IF EXISTS _ingest_reject_scans")
    try:
        # fetchall, not fetchone: the reject tables only exist once the scan has run to the end.
        accepted = conn.execute(f"SELECT count(*) FROM {_read_csv_sql(read_path, n_columns)}").fetchall()[0][0]
        rejects = conn.execute(
            "SELECT line_byte_position, string_agg(DISTINCT error_type || ': ' || error_message, '; '), "
            "any_value(csv_line) FROM _ingest_rejects GROUP BY line_byte_position ORDER BY line_byte_position"
        ).fetchall()
    except duckdb.Error as error:
        raise _Rejected(f"{label} could not be parsed as CSV: {_first_line(error)}") from error
    finally:
        conn.execute("DROP TABLE IF EXISTS _ingest_rejects; DROP TABLE IF EXISTS _ingest_reject_scans")
    return accepted, rejects


def _reject_lines(read_path: Path, rejects: list[tuple]) -> list[int]:
    """Physical start line of each rejected record, from DuckDB's record byte offset."""
    return scan.line_of_offsets(read_path, [int(r[0]) for r in rejects])


def _thresholds(reject_lines: list[int]) -> list[int]:
    """Accepted ordinal i comes after reject j (1-based, in file order) exactly when i > (line_j - 1) - j."""
    return [(line - 1) - j for j, line in enumerate(sorted(reject_lines), start=1)]


def _count_below(var: str, thresholds: list[int], lo: int, hi: int) -> str:
    """SQL counting thresholds < var, as a binary search of nested CASEs (thresholds sorted ascending)."""
    if lo == hi:
        return str(lo)
    mid = (lo + hi) // 2
    above, below = _count_below(var, thresholds, mid + 1, hi), _count_below(var, thresholds, lo, mid)
    return f"(CASE WHEN {var} > {thresholds[mid]} THEN {above} ELSE {below} END)"


def _fix_line_numbers(conn, target, keys, read_path, one_line_records, loaded, reject_lines, label) -> None:
    """UPDATE pass for the rare cases: thousands of rejects, or records spanning lines / blank lines.
    On entry _source_line = ordinal + 1."""
    if one_line_records:
        thresholds = _thresholds(reject_lines)
        counts = list(range(1, len(thresholds) + 1))
        conn.register("_reject_thresholds", pa.table({"t": thresholds, "j": counts}))
        try:
            # ASOF join: the last threshold below the ordinal says how many rejects precede the row.
            conn.execute(
                f"UPDATE {target} AS r SET _source_line = r._source_line + s.shift "
                "FROM (SELECT x._source_line AS line, t.shift FROM "
                f"(SELECT _source_line FROM {target} WHERE _extract_date = ? AND _source_file = ?) x "
                "ASOF JOIN (SELECT t, max(j) AS shift FROM _reject_thresholds GROUP BY t) t "
                "ON x._source_line - 1 > t.t) s "
                "WHERE r._extract_date = ? AND r._source_file = ? AND r._source_line = s.line",
                [*keys, *keys],
            )
        finally:
            conn.unregister("_reject_thresholds")
        return
    starts = scan.record_start_lines(read_path)
    rejected = np.asarray(sorted(reject_lines), dtype=np.int64)
    accepted = starts[~np.isin(starts, rejected)]
    records = loaded + len(reject_lines)
    if len(starts) != records or len(accepted) != loaded or not np.isin(rejected, starts).all():
        raise _Rejected(
            f"{label}: could not match rows to line numbers (DuckDB read {records} records, the csv module "
            f"{len(starts)}). Check the file's quoting and line endings."
        )
    mapping = pa.table({"ord": pa.array(np.arange(2, loaded + 2), pa.int64()), "line": pa.array(accepted, pa.int64())})
    conn.register("_line_map", mapping)
    try:
        conn.execute(
            f"UPDATE {target} AS r SET _source_line = m.line FROM _line_map m "
            "WHERE r._extract_date = ? AND r._source_file = ? AND r._source_line = m.ord",
            keys,
        )
    finally:
        conn.unregister("_line_map")


def _record_manifest(conn, result: LoadResult, run_id: str) -> None:
    conn.execute(
        "INSERT INTO ingest.manifest VALUES (?::DATE, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            result.extract_date,
            result.file,
            result.sha256,
            result.bytes,
            result.rows_read,
            result.rows_loaded,
            result.rows_rejected,
            result.status,
            result.message,
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
            run_id,
            result.encoding,
            round(result.seconds, 3),
        ],
    )


def not_provided(export: ExportFile, extract_date: str) -> LoadResult:
    """An optional file the extract does not hold: nothing loaded, nothing rejected, not recorded as a load."""
    message = f"{extract_date}/{export.file_name}: not provided (an optional file); its measures are unavailable."
    return LoadResult(file=export.file_name, extract_date=extract_date, status="not_provided", message=message)


def load_extract(warehouse_path: Path, folder: Path, extract_date: str, run_id: str) -> ExtractLoad:
    """Load every file of one extract (each in its own transaction), then apply raw retention if all loaded.
    An absent optional file loads nothing and is reported as not provided. The connection is opened and
    closed here (one writer at a time)."""
    folder = Path(folder)
    with connect(warehouse_path) as conn:
        ensure_schema(conn)
        results = {
            name: (
                not_provided(export, extract_date)
                if export.optional and not (folder / export.file_name).is_file()
                else load_file(conn, export, folder / export.file_name, extract_date, run_id)
            )
            for name, export in load_contract().files.items()
        }
        outcome = ExtractLoad(extract_date=extract_date, results=results, expired_extracts=[])
        if not outcome.failures:
            outcome.expired_extracts = apply_retention(conn, retention_extracts(), extract_date, run_id)
    return outcome
