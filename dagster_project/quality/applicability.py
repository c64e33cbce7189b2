"""Which rules a source's extract can be checked against. A rule that reads a column (or a file) the
source does not provide, per the extract's source descriptor, is *not applicable*: it is neither run
nor counted, and `dq_results` records it with passed = NULL and status 'not_applicable' and the reason.
The dbt records-that-count models skip it too (var `not_applicable_rules`), so a format's own gaps
never exclude a record. Pure Python: no Dagster imports.
"""

from __future__ import annotations

import re

from dagster_project.contract.model import load_contract
from dagster_project.quality.rule import Rule
from dagster_project.quality.rules import registry
from dagster_project.sources.descriptor import SourceDescriptor

_ROW_COLUMN = re.compile(r"\b([sr])\.([a-z_][a-z0-9_]*)")


def _whole_row(rule: Rule) -> bool:
    """Key and spacing rules read every column of the row but need none in particular."""
    return rule.id in (f"{rule.file}.duplicate_row", f"{rule.file}.trailing_spaces")


def columns_read(rule: Rule) -> set[tuple[str, str]]:
    """(file, column) pairs of the rule's own file its predicate reads (`s.x`, `s.x_text` or `r.x`)."""
    names = set(load_contract().files[rule.file].column_names)
    if _whole_row(rule):
        return set()
    found = set()
    for alias, name in _ROW_COLUMN.findall(rule.predicate):
        if alias != rule.row_alias:
            continue
        column = name[: -len("_text")] if name.endswith("_text") and name[: -len("_text")] in names else name
        if column in names:
            found.add((rule.file, column))
    if rule.in_set:
        found.add((rule.file, rule.in_set[0]))
    return found


def not_applicable_reason(rule: Rule, descriptor: SourceDescriptor) -> str | None:
    contract = load_contract()
    source = descriptor.source
    if rule.file in descriptor.missing_files:
        return f"not applicable: {source} provides no {contract.files[rule.file].file_name}"
    lacking = sorted(f"{f}.{c}" for f, c in columns_read(rule) & descriptor.unprovided_columns())
    if lacking:
        return f"not applicable: {source} does not provide {', '.join(lacking)}"
    other_files = sorted({f for _, f in rule.referenced()} & set(descriptor.missing_files))
    if other_files:
        return f"not applicable: {source} provides no {', '.join(contract.files[f].file_name for f in other_files)}"
    return None


def not_applicable_rules(descriptor: SourceDescriptor) -> dict[str, str]:
    """rule id -> reason, for every registry rule the source cannot be checked against."""
    if not descriptor.missing_files and not descriptor.missing_columns:
        return {}
    reasons = {rule.id: not_applicable_reason(rule, descriptor) for rule in registry()}
    return {rule_id: reason for rule_id, reason in reasons.items() if reason}


def previous_extract_not_applicable(warehouse, extract_date: str) -> dict[str, str]:
    """rule id -> reason, for the rules comparing with the previous extract (`<<prev:file>>`) when the raw
    layer holds no previous extract, or the previous one holds no rows of a file they compare with.

    The previous extract is the most recent extract date before the run's target whose rows are still in
    the raw layer (`raw.children`: every source delivers children); retention keeps the last
    CSC_RAW_RETENTION_EXTRACTS dates. For an imported SSDA903 return it is last year's imported return.
    Without it a comparison has nothing to compare with: the rule is not applicable, never passed."""
    from dagster_project.warehouse import connect

    rules = [rule for rule in registry() if rule.reads_previous_extract]
    if not rules:
        return {}
    files = sorted({file for rule in rules for kind, file in rule.referenced() if kind == "prev"})
    with connect(warehouse, read_only=True) as conn:
        (previous,) = conn.execute(
            "select cast(max(_extract_date) as varchar) from raw.children where _extract_date < cast(? as date)",
            [extract_date],
        ).fetchone()
        held = {}
        if previous is not None:
            for file in files:
                query = f"select count(*) > 0 from raw.{file} where _extract_date = cast(? as date)"
                held[file] = conn.execute(query, [previous]).fetchone()[0]
    reasons = {}
    for rule in rules:
        if previous is None:
            reasons[rule.id] = f"not applicable: no extract before {extract_date} in the raw layer to compare with"
            continue
        lacking = sorted(f for kind, f in rule.referenced() if kind == "prev" and not held[f])
        if lacking:
            names = ", ".join(load_contract().files[f].file_name for f in lacking)
            reasons[rule.id] = f"not applicable: the previous extract ({previous}) holds no {names}"
    return reasons
