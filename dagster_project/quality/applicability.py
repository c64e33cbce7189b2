"""Which rules a source's extract can be checked against. A rule that reads a column (or a file) the
source does not provide, per the extract's source descriptor, is *not applicable*: it is neither run
nor counted, and `dq_results` records it with passed = NULL and status 'not_applicable' and the reason.
The dbt records-that-count models skip it too (var `not_applicable_rules`), so a format's own gaps
never exclude a record. Pure Python: no Dagster imports.
"""

from __future__ import annotations

import re

from dagster_project.contract.model import load_contract
from dagster_project.quality.rules import Rule, registry
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
