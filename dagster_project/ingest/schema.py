"""DDL for the raw layer and the ingest bookkeeping tables. Pure Python, no Dagster."""

from __future__ import annotations

import duckdb

from dagster_project.contract.model import ExportFile, load_contract

LINEAGE_COLUMNS = (
    ("_extract_date", "DATE"),
    ("_source_file", "VARCHAR"),
    ("_source_line", "BIGINT"),
    ("_file_sha256", "VARCHAR"),
    ("_loaded_at", "TIMESTAMP"),
    ("_run_id", "VARCHAR"),
    ("_extra_columns", "VARCHAR"),
)

_BOOKKEEPING = """
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS ingest;
CREATE TABLE IF NOT EXISTS ingest.manifest (
    extract_date DATE, file VARCHAR, sha256 VARCHAR, bytes BIGINT, rows_read BIGINT, rows_loaded BIGINT,
    rows_rejected BIGINT, status VARCHAR, message VARCHAR, loaded_at TIMESTAMP, run_id VARCHAR,
    encoding VARCHAR, seconds DOUBLE
);
CREATE TABLE IF NOT EXISTS ingest.schema_drift (extract_date DATE, file VARCHAR, "column" VARCHAR, run_id VARCHAR);
ALTER TABLE ingest.schema_drift ADD COLUMN IF NOT EXISTS position INTEGER;
CREATE TABLE IF NOT EXISTS ingest.quarantine (
    extract_date DATE, file VARCHAR, line_number BIGINT, raw_line VARCHAR, reason VARCHAR, run_id VARCHAR
);
"""


def drift_positions_text(positions: list[int]) -> str:
    """Unknown header columns as people are told of them: by position (1 = first column), never by name, since a
    header line may hold delivered values (a name, a postcode)."""
    if not positions:
        return "positions not recorded"
    return f"column{'s' if len(positions) > 1 else ''} {', '.join(str(p) for p in positions)} of the header"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def raw_table(export: ExportFile) -> str:
    return f"raw.{quote_ident(export.name)}"


def ensure_schema(conn: duckdb.DuckDBPyConnection) -> None:
    """Create the raw tables (every contract column VARCHAR + lineage) and the ingest tables if absent."""
    conn.execute(_BOOKKEEPING)
    for export in load_contract().files.values():
        columns = [f"{quote_ident(c)} VARCHAR" for c in export.column_names]
        columns += [f"{name} {kind}" for name, kind in LINEAGE_COLUMNS]
        conn.execute(f"CREATE TABLE IF NOT EXISTS {raw_table(export)} ({', '.join(columns)})")
