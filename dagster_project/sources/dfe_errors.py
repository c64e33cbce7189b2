"""The validator-style error list (`csc dq dfe-errors`): one row per failing record and rule, in the
terms a council's data team uses before the DfE deadline: return, rule code, child id, record key,
line or element, message. Read from the restricted failures store; ids and positions only (no name,
date of birth or postcode ever reaches the store). Pure Python: no Dagster imports.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from dagster_project.contract.model import load_contract
from dagster_project.quality.results import FAILURES_FILE
from dagster_project.quality.rules import Rule, rule_by_id
from dagster_project.sources.descriptor import read_descriptor
from dagster_project.sources.extract_writer import read_lineage
from dagster_project.warehouse import connect

COLUMNS = ("return", "rule_code", "child_id", "record_key", "location", "message", "rule_id", "action")


def dfe_reference(rule: Rule, dfe_return: str | None) -> tuple[str, str, str] | None:
    """(return, DfE rule code, DfE message) for a project rule, or None when no DfE rule matches.
    The one place a rule is mapped to the DfE's terms: switch it to the rule's own dfe_return /
    dfe_code / dfe_message once the registry carries them."""
    if rule.cin_code and dfe_return in (None, "CIN"):
        return "CIN", rule.cin_code, rule.description
    return None


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
    restricted_dir: Path, raw_dir: Path, run_id: str | None = None
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
        reference = dfe_reference(rule, dfe_return)
        code, message = (reference[1], reference[2]) if reference else (rule_id, rule.description)
        rows.append(
            DfeErrorRow(
                dfe_return=(reference[0] if reference else dfe_return) or "",
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
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow(
                [r.dfe_return, r.rule_code, r.child_id, r.record_key, r.location, r.message, r.rule_id, r.action]
            )
    return out
