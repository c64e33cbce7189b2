"""Raw-layer retention: keep the N most recent extract dates (raw holds personal fields). Pure Python."""

from __future__ import annotations

import os

import duckdb

from dagster_project.contract.model import load_contract
from dagster_project.ingest.schema import raw_table

DEFAULT_RETENTION_EXTRACTS = 7


def retention_extracts() -> int:
    """`CSC_RAW_RETENTION_EXTRACTS`: how many most recent extract dates raw keeps (default 7; 0 = keep all)."""
    value = os.environ.get("CSC_RAW_RETENTION_EXTRACTS", "").strip()
    if not value:
        return DEFAULT_RETENTION_EXTRACTS
    try:
        keep = int(value)
    except ValueError as error:
        raise ValueError(f"CSC_RAW_RETENTION_EXTRACTS must be a whole number, got {value!r}") from error
    if keep < 0:
        raise ValueError(f"CSC_RAW_RETENTION_EXTRACTS must be 0 (keep all) or more, got {keep}")
    return keep


def apply_retention(conn: duckdb.DuckDBPyConnection, keep: int, protect: str, run_id: str) -> list[str]:
    """Delete raw rows and quarantined lines of extract dates older than the `keep` most recent ones.

    The run's own target (`protect`) is never removed, even when it is an old date being rebuilt.
    Manifest rows stay (no personal data) and are marked `expired`. Returns the removed dates.
    """
    if keep == 0:
        return []
    dates = [
        str(d)
        for (d,) in conn.execute(
            "SELECT DISTINCT extract_date FROM ingest.manifest WHERE status = 'loaded' ORDER BY extract_date DESC"
        ).fetchall()
    ]
    removed = [d for d in dates[keep:] if d != protect]
    if not removed:
        return []
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute("CREATE OR REPLACE TEMP TABLE _expired AS SELECT unnest(?::DATE[]) AS d", [removed])
        for export in load_contract().files.values():
            conn.execute(f"DELETE FROM {raw_table(export)} WHERE _extract_date IN (SELECT d FROM _expired)")
        conn.execute("DELETE FROM ingest.quarantine WHERE extract_date IN (SELECT d FROM _expired)")
        conn.execute(
            "UPDATE ingest.manifest SET status = 'expired', message = concat_ws(' ', message, ?) "
            "WHERE status = 'loaded' AND extract_date IN (SELECT d FROM _expired)",
            [f"[raw rows removed by retention (CSC_RAW_RETENTION_EXTRACTS={keep}) in run {run_id}]"],
        )
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    return removed
