"""The one rule registry: every data-quality rule, with where it comes from and what it does.

A rule is a SQL predicate over one row of a file: the row fails when the predicate is true. The same
predicate is rendered into the dbt models that decide which records count (`render.py`) and run by
Great Expectations in the asset checks (`gx_runner.py`), so exclusions and checks cannot disagree.

Predicates use placeholders that each consumer resolves to a relation:
  `<<stg:children>>`   the staging model of a file (the run's extract, typed)
  `<<valid:children>>` the records of a file that count (`int_children_validated`)
  `<<raw:children>>`   the raw rows of the run's extract (values as delivered)
  `<<prev:children>>`  the raw rows of the PREVIOUS extract (values as delivered): the most recent extract
                       date before the run's target still in the raw layer (`raw.children`: every source
                       delivers children; retention keeps CSC_RAW_RETENTION_EXTRACTS dates). Rules reading it
                       are not applicable when there is none (applicability.previous_extract_not_applicable).
  `<<ref:working_days>>` a reference table (the working-day calendar)
  `<<extract_date>>`   the run's extract date as a DATE
  `<<data_start>>`     the first day the extract's data covers, as a DATE: 1 April of a statutory return's
                       collection year (source descriptor `collection_year`), NULL for a case-management
                       export (each child's whole history). Rules on "the first / previous episode" use it
                       to know whether the data reaches back that far.
The row itself is alias `s` (a staging row) or `r` (a raw row) depending on `relation`.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import functools

from dagster_project.contract.model import load_contract
from dagster_project.quality.rule import FILE_ORDER, Rule, check_rule
from dagster_project.quality.rules_consistency import consistency_rules
from dagster_project.quality.rules_contract import contract_rules
from dagster_project.quality.rules_dfe import dfe_rules, tag


@functools.cache
def registry() -> tuple[Rule, ...]:
    """Every rule, contract-generated first, in file dependency order."""
    contract = load_contract()
    rules = tag([*contract_rules(contract), *consistency_rules(contract), *dfe_rules()])
    ids = [r.id for r in rules]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate rule ids: {sorted(duplicates)}")
    for rule in rules:
        check_rule(rule, contract)
    return tuple(sorted(rules, key=lambda r: FILE_ORDER.index(r.file)))


def rules_for(file: str, action: str | None = None) -> list[Rule]:
    return [r for r in registry() if r.file == file and (action is None or r.action == action)]


def rule_by_id(rule_id: str) -> Rule:
    for rule in registry():
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)
