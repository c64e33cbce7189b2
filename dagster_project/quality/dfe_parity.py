"""Parity with the DfE's own validator: the (child id, DfE code) pairs the project reports against the
pairs the DfE validator reported on the same return (a golden file), per code.

For every code both evaluate, the two sets must be equal, except for the deliberate differences listed
in great_expectations/README.md (between the `dfe-allowed-differences` markers): each entry names a code,
a child id (or `*` for every child) and the side that may hold extra pairs (`golden`: the validator
reports it, the project does not, e.g. a rule the project evaluates only in part; `project`: the
reverse), with its reason. An entry that allows nothing is reported too, so the list stays exact.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.contract.model import staging_model
from dagster_project.settings import PROJECT_ROOT

README = PROJECT_ROOT / "great_expectations" / "README.md"
CIN_SECTION, SSDA903_SECTION = "dfe-allowed-differences", "dfe-903-allowed-differences"
SSDA903_YEAR_SECTION = "dfe-903-year-allowed-differences"  # the year-shaped 903 return (issue 26)
SIDES = ("golden", "project")

Pair = tuple[str, str]  # (child_id, code)


@dataclass(frozen=True)
class AllowedDifference:
    code: str
    child_id: str  # "*" = every child
    side: str  # golden | project: the side allowed to hold pairs the other lacks
    reason: str

    def covers(self, child_id: str, code: str, side: str) -> bool:
        return self.code == code and self.side == side and self.child_id in ("*", child_id)


@dataclass
class CodeParity:
    code: str
    project: int  # pairs the project reports
    golden: int  # pairs the validator reports
    only_project: list[str] = field(default_factory=list)  # child ids not allowed
    only_golden: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.only_project and not self.only_golden


@dataclass
class Parity:
    codes: dict[str, CodeParity]
    unused_allowances: list[AllowedDifference]

    @property
    def equal(self) -> bool:
        return all(c.equal for c in self.codes.values()) and not self.unused_allowances

    def unequal(self) -> dict[str, tuple[list[str], list[str]]]:
        """code -> (first child ids only the project reports, first only the validator reports), unequal codes."""
        return {code: (c.only_project[:5], c.only_golden[:5]) for code, c in self.codes.items() if not c.equal}

    def table(self) -> str:
        """Per-code counts side by side (markdown)."""
        lines = ["| code | project | DfE validator | only project | only validator |", "|---|---|---|---|---|"]
        for code, c in sorted(self.codes.items()):
            lines.append(f"| {code} | {c.project} | {c.golden} | {len(c.only_project)} | {len(c.only_golden)} |")
        return "\n".join(lines)


def allowed_differences(readme_text: str | None = None, section: str = CIN_SECTION) -> list[AllowedDifference]:
    """The table between the markers in great_expectations/README.md: | code | child_id | side | reason |.
    `section`: CIN_SECTION (the CIN census validator), SSDA903_SECTION (the 903 validator) or
    SSDA903_YEAR_SECTION (the 903 validator on the year-shaped return)."""
    text = README.read_text(encoding="utf-8") if readme_text is None else readme_text
    match = re.search(rf"<!-- {section}:start -->(.*?)<!-- {section}:end -->", text, re.S)
    if not match:
        raise ValueError(f"no <!-- {section}:start --> ... end --> section")
    allowed = []
    for line in match.group(1).splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("code", "") or set(cells[0]) <= set("-: "):
            continue
        code, child_id, side, reason = cells
        if side not in SIDES or not reason:
            raise ValueError(f"allowed difference needs side {SIDES} and a reason: {line.strip()}")
        allowed.append(AllowedDifference(code, child_id, side, reason))
    return allowed


def read_golden(path: Path) -> set[Pair]:
    """(child_id, rule_code) pairs of a golden file (rule_code, child_id, ...); return-level rows (no child) are
    left out: they name no record to compare, and so are rows without a child id."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        # ids compared trimmed, as the importers trim them; `nan` is the 903 validator's name for a blank id
        return {(c, row["rule_code"]) for row in rows if (c := row["child_id"].strip()) and c != "nan"}


def compare(project: set[Pair], golden: set[Pair], codes: set[str], allowed: list[AllowedDifference]) -> Parity:
    """Compare per code in `codes` (the codes both sides evaluate); pairs of other codes are ignored."""
    by_code: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"project": set(), "golden": set()})
    for side, pairs in (("project", project), ("golden", golden)):
        for child_id, code in pairs:
            if code in codes:
                by_code[code][side].add(child_id)
    used: set[AllowedDifference] = set()
    result = {}
    for code in sorted(codes):
        sides = by_code[code]
        parity = CodeParity(code, len(sides["project"]), len(sides["golden"]))
        extras = (("project", sides["project"] - sides["golden"]), ("golden", sides["golden"] - sides["project"]))
        for side, extra in extras:
            for child_id in sorted(extra):
                allowance = next((a for a in allowed if a.covers(child_id, code, side)), None)
                if allowance:
                    used.add(allowance)
                else:
                    (parity.only_project if side == "project" else parity.only_golden).append(child_id)
        result[code] = parity
    unused = [a for a in allowed if a not in used and a.code in codes]
    return Parity(result, unused)


def implemented_codes(dfe_return: str) -> set[str]:
    """Codes of one return (CIN | 903) that some registry rule evaluates."""
    from dagster_project.quality.rules import registry

    return {d.dfe_code for r in registry() for d in r.dfe if d.dfe_return == dfe_return}


def project_pairs(warehouse: Path, dfe_return: str) -> set[Pair]:
    """(child_id, code) of every row the run's rules excluded or flagged, for the codes of one return, each
    code only where its scope holds (a plan rule is 4011 on CIN plans, 8925 on CP plans)."""
    from dagster_project.contract.model import load_contract
    from dagster_project.quality.rule_counts import relation_names
    from dagster_project.quality.rules import registry
    from dagster_project.warehouse import connect

    names, contract = relation_names(warehouse), load_contract()
    failures = f"(select * from {names['int_records_excluded']} union all select * from {names['int_records_flagged']})"
    pairs: set[Pair] = set()
    with connect(warehouse, read_only=True) as conn:
        for rule in registry():
            if "child_id" not in contract.files[rule.file].column_names:
                continue
            for dfe in (d for d in rule.dfe if d.dfe_return == dfe_return):
                scope = f"and ({dfe.scope})" if dfe.scope else ""
                rows = conn.execute(
                    f"select distinct s.child_id from {failures} f "
                    f"join {names[staging_model(rule.file)]} s on s.source_line = f.source_line "
                    f"where f.rule_id = ? and s.child_id is not null {scope}",
                    [rule.id],
                ).fetchall()
                pairs |= {(child_id, dfe.dfe_code) for (child_id,) in rows}
    return pairs
