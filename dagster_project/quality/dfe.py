"""The DfE's statutory-return validation rules, as data: every CIN census and SSDA903 rule, its message,
type (error or query), ruleset, which fields it reads and whether the export contract can evaluate it.

`dfe_catalogue.csv` (beside this module) holds one row per DfE rule of the rulesets the project is
checked against (`CIN` cin2024_25, identical in 2025-26 and 2026-27; `903` lac2026_27). Messages and
types are copied from the DfE validators' source (PyPI `csc-validator-be-cin` 0.1.13, `csc-validator-be-903`
0.1.17); `evaluable` says whether the contract's fields support the rule fully, in part, or not at all,
and `note` says why not (the missing field) or what part is evaluated. Rules in the registry carry
`DfeRule`s from here (`Rule.dfe`). Pure Python: no Dagster imports.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

CATALOGUE_PATH = Path(__file__).with_name("dfe_catalogue.csv")
RETURNS = ("CIN", "903")
TYPES = ("error", "query")
EVALUABLE = ("full", "part", "no")


@dataclass(frozen=True)
class DfeRule:
    """One DfE validation rule that a registry rule evaluates (fully, or the part our fields allow)."""

    dfe_return: str  # CIN | 903
    dfe_code: str  # e.g. "8670Q", "433", "SW08STG2"
    dfe_message: str  # the DfE's own text
    dfe_type: str  # error | query (a query flags, it never excludes)
    dfe_ruleset: str  # e.g. "cin2024_25", "lac2026_27"
    # SQL condition on the registry rule's row (alias s) under which a failure is this DfE code, when one
    # project rule stands for several codes (plans.end_date_before_start_date: 8925 on CP plans, 4011 on
    # CIN plans). None = every failure.
    scope: str | None = None

    @property
    def label(self) -> str:
        return f"{self.dfe_return} {self.dfe_code}"


@dataclass(frozen=True)
class CatalogueEntry:
    rule: DfeRule
    evaluable: str  # full | part | no
    fields_read: str  # the DfE validator's fields, ";"-separated
    note: str  # for part/no: what is missing or what part is evaluated


@functools.cache
def catalogue() -> dict[tuple[str, str], CatalogueEntry]:
    """(return, code) -> entry, for every DfE rule of the two rulesets."""
    entries = {}
    with CATALOGUE_PATH.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rule = DfeRule(row["dfe_return"], row["dfe_code"], row["dfe_message"], row["dfe_type"], row["dfe_ruleset"])
            if rule.dfe_return not in RETURNS or rule.dfe_type not in TYPES or row["evaluable"] not in EVALUABLE:
                raise ValueError(f"{CATALOGUE_PATH.name}: bad row {row}")
            entries[(rule.dfe_return, rule.dfe_code)] = CatalogueEntry(
                rule, row["evaluable"], row["fields_read"], row["note"]
            )
    return entries


def dfe_rule(dfe_return: str, code: str, scope: str | None = None) -> DfeRule:
    """The catalogue's DfeRule for a code, optionally restricted to rows matching `scope`."""
    try:
        rule = catalogue()[(dfe_return, code)].rule
    except KeyError:
        raise KeyError(f"no DfE rule {dfe_return} {code} in {CATALOGUE_PATH.name}") from None
    return rule if scope is None else DfeRule(**{**rule.__dict__, "scope": scope})


def cin(*codes: str, scope: str | None = None) -> tuple[DfeRule, ...]:
    return tuple(dfe_rule("CIN", c, scope) for c in codes)


def ssda903(*codes: str, scope: str | None = None) -> tuple[DfeRule, ...]:
    return tuple(dfe_rule("903", c, scope) for c in codes)
