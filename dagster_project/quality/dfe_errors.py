"""The validator-style error list (`csc dq dfe-errors`): one row per failing record and rule, in the
terms a council's data team uses before the DfE deadline: return, rule code, child id, record key,
line or element, message. Read from the restricted failures store; ids and positions only (no name,
date of birth or postcode ever reaches the store). Pure Python: no Dagster imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.cells import csv_row, csv_writer, open_owner_only
from dagster_project.contract.model import load_contract, staging_model
from dagster_project.quality.dfe import DfeRule
from dagster_project.quality.results import FAILURES_FILE
from dagster_project.quality.rule import Rule
from dagster_project.quality.rules import rule_by_id
from dagster_project.sources.descriptor import read_descriptor
from dagster_project.sources.extract_writer import read_lineage
from dagster_project.warehouse import connect

COLUMNS = ("return", "rule_code", "child_id", "record_key", "location", "message", "rule_id", "action")


def dfe_references(rule: Rule, dfe_return: str | None) -> tuple[DfeRule, ...]:
    """The DfE rules a project rule evaluates, for the extract's return (None: a case-management extract, which
    answers to both returns). The one place a rule is mapped to the DfE's terms."""
    return tuple(d for d in rule.dfe if dfe_return in (None, d.dfe_return))


class ScopeResolver:
    """Which failing lines a scoped DfE code covers (plans.end_date_before_start_date is 4011 on CIN plans and 8925
    on CP plans): the scope is evaluated on the run's staging rows in the warehouse. When the warehouse holds
    another extract (a later run), the scope can't be checked and every candidate code is listed."""

    def __init__(self, warehouse: Path | None) -> None:
        self.warehouse = Path(warehouse) if warehouse else None
        self._lines: dict[tuple[str, str, str], set[int] | None] = {}

    def covers(self, rule: Rule, dfe: DfeRule, extract_date: str, line: int) -> bool:
        if dfe.scope is None:
            return True
        key = (rule.id, dfe.scope, extract_date)
        if key not in self._lines:
            self._lines[key] = self._scoped_lines(rule, dfe.scope, extract_date)
        lines = self._lines[key]
        return True if lines is None else line in lines

    def _scoped_lines(self, rule: Rule, scope: str, extract_date: str) -> set[int] | None:
        if self.warehouse is None or not self.warehouse.is_file():
            return None
        try:
            with connect(self.warehouse, read_only=True) as conn:
                rows = conn.execute(
                    f"select source_line from staging.{staging_model(rule.file)} as s "
                    f"where cast(s.extract_date as varchar) = ? and ({scope})",
                    [extract_date],
                ).fetchall()
                present = conn.execute(
                    f"select count(*) from staging.{staging_model(rule.file)} where cast(extract_date as varchar) = ?",
                    [extract_date],
                ).fetchone()[0]
        except duckdb.Error:  # locked by a running job, or no staging yet: list every candidate code
            return None
        return {line for (line,) in rows} if present else None


@dataclass(frozen=True)
class DfeErrorRow:
    dfe_return: str
    rule_code: str
    child_id: str
    record_key: str
    location: str
    message: str
    rule_id: str
    action: str


def _latest_run(conn) -> str | None:
    row = conn.execute(
        "select run_id from main.dq_failures group by run_id order by max(extract_date) desc, run_id desc limit 1"
    ).fetchone()
    return row[0] if row else None


def dfe_error_rows(
    restricted_dir: Path, raw_dir: Path, run_id: str | None = None, warehouse: Path | None = None
) -> tuple[str | None, list[DfeErrorRow]]:
    """(run id, rows) for `run_id` (default: the run of the newest extract in the store). Rules without
    a DfE equivalent are listed under the project's rule id, so the list is complete."""
    store = Path(restricted_dir) / FAILURES_FILE
    if not store.is_file():
        return None, []
    with connect(store, read_only=True) as conn:
        run_id = run_id or _latest_run(conn)
        failures = conn.execute(
            "select cast(extract_date as varchar), source_file, source_line, record_key, rule_id, action "
            "from main.dq_failures where run_id = ? order by source_file, source_line, rule_id",
            [run_id],
        ).fetchall()
    contract = load_contract()
    scopes = ScopeResolver(warehouse)
    children_file = contract.files["children"].file_name
    rows, lineages, descriptors = [], {}, {}
    for extract_date, source_file, line, key, rule_id, action in failures:
        folder = Path(raw_dir) / extract_date
        if extract_date not in lineages:
            lineages[extract_date] = read_lineage(folder)
            descriptors[extract_date] = read_descriptor(folder) if folder.is_dir() else None
        descriptor = descriptors[extract_date]
        dfe_return = descriptor.dfe_return if descriptor else None
        child_id, origin = lineages[extract_date].get((source_file, int(line)), ("", ""))
        if not child_id and source_file == children_file:
            child_id = key or ""
        rule = rule_by_id(rule_id)
        references = [d for d in dfe_references(rule, dfe_return) if scopes.covers(rule, d, extract_date, int(line))]
        labels = [(d.dfe_return, d.dfe_code, d.dfe_message) for d in references]
        for labelled_return, code, message in labels or [(dfe_return or "", rule_id, rule.description)]:
            rows.append(
                DfeErrorRow(
                    dfe_return=labelled_return,
                    rule_code=code,
                    child_id=child_id,
                    record_key=key or "",
                    location=origin or f"{source_file} line {line}",
                    message=message,
                    rule_id=rule_id,
                    action=action,
                )
            )
    return run_id, rows


def write_dfe_errors(rows: list[DfeErrorRow], out: Path) -> Path:
    """The list as CSV, readable by its owner only (it lists child ids), every cell neutralised against
    formula injection (a record key of `=1+1` is written `'=1+1`)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open_owner_only(out) as f:
        writer = csv_writer(f)
        writer.writerow(COLUMNS)
        for r in rows:
            cells = [r.dfe_return, r.rule_code, r.child_id, r.record_key, r.location, r.message, r.rule_id, r.action]
            writer.writerow(csv_row(cells))
    return out
