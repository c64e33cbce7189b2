"""One data-quality rule: what it is, and the vocabulary it is written in (dimensions, kinds, placeholders).

The registry of every rule is `rules.py`; the rule sets it gathers (`rules_contract.py`,
`rules_consistency.py`, `rules_dfe.py`) build `Rule`s from this module, so none of them imports the
registry that imports them. Pure Python: no Dagster imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dagster_project.contract.model import Contract
from dagster_project.quality.dfe import DfeRule

# UK Government Data Quality Framework dimensions.
DIMENSIONS = ("completeness", "uniqueness", "consistency", "timeliness", "validity", "accuracy")

# Defect kinds shared with the generator's ground-truth manifest (dagster_project/generate/README.md), plus
# kinds only the quality layer names (no generator defect behind them).
MANIFEST_KINDS = (
    "duplicate_row", "duplicate_key", "orphan_reference", "end_before_start", "authorised_before_start",
    "authorised_before_referral", "date_in_future", "visit_before_birth", "visit_by_departed_worker",
    "invalid_code", "closure_reason_without_date", "closure_date_without_reason", "overlapping_cp_plans",
    "allocation_team_mismatch", "blank_required", "us_date_format", "text_in_date", "trailing_spaces",
    "overlapping_legal_statuses",
)  # fmt: skip
EXTRA_KINDS = (
    "parent_not_counted", "invalid_id", "invalid_number", "out_of_range", "formatting", "overlapping_plans",
    "cin_plan_alongside_cp", "allocation_to_departed_worker", "assessment_before_referral", "child_mismatch",
    "overlapping_episodes", "dob_out_of_range", "inconsistent_fields", "episode_sequence", "allocation_sequence",
    "case_activity",
)  # fmt: skip

# Severity: `high` rules exclude rows; `medium` are consistency flags; `low` are formatting fixes
# (staging already repaired them) and never block a run, however many rows they touch.
SEVERITIES = ("high", "medium", "low")
ACTIONS = ("exclude", "flag")

# Files in dependency order: a file's orphan rules look at the counted rows of files before it.
FILE_ORDER = (
    "teams", "workers", "children", "contacts", "referrals", "assessments", "plans", "cla_episodes",
    "visits", "allocations", "supervisions",
    "section47_enquiries", "cla_reviews", "care_leavers",  # optional files (contract `optional: true`)
    "missing_episodes", "cla_health",
    "cp_reviews", "cp_categories",  # optional files: child protection reviews and categories
    "child_identifiers", "child_disabilities", "uasc_statuses",  # optional files: the child fields of the returns
    "legal_statuses", "pathway_plan_reviews",  # optional files: legal statuses, pathway plan reviews
)  # fmt: skip

_PLACEHOLDER = re.compile(r"<<(stg|valid|raw|prev|ref):(\w+)>>|<<extract_date>>|<<data_start>>")


@dataclass(frozen=True)
class Rule:
    id: str  # "<file>.<what>", unique
    file: str
    description: str
    dimension: str
    severity: str
    action: str  # exclude | flag
    defect_kind: str
    predicate: str  # SQL, true when the row fails
    relation: str = "staging"  # staging (alias s) | raw (alias r)
    in_set: tuple[str, tuple[str, ...]] | None = None  # (column, codes): GX checks it as a value set
    # The DfE CIN census / SSDA903 validation rules this predicate evaluates (fully or in part), with
    # their code, message, type and ruleset: tagged in rules_dfe.py, empty when none matches.
    dfe: tuple[DfeRule, ...] = ()
    # False for the DfE rules ported as flags (rules_dfe.py): they change no figure, so however many rows
    # they flag they are reported, never a reason to withhold the published figures.
    may_block: bool = True

    @property
    def never_blocks(self) -> bool:
        """Formatting fixes and DfE return-validation flags never block a run nor raise the WARN share."""
        return self.severity == "low" or not self.may_block

    @property
    def is_cascade(self) -> bool:
        """Excludes a row only because the row it points to is excluded: the defect is the parent's, and the
        parent's own rule judges its share. A cascade is reported and warns, but never blocks on its own: one
        defective worker row would otherwise block a run through its referrals' plans' reviews (issue 24)."""
        return self.defect_kind == "parent_not_counted"

    @property
    def dfe_codes(self) -> tuple[str, ...]:
        """e.g. ("CIN 8925", "CIN 4011")."""
        return tuple(d.label for d in self.dfe)

    @property
    def row_alias(self) -> str:
        return "s" if self.relation == "staging" else "r"

    def referenced(self) -> set[tuple[str, str]]:
        """(kind, file) pairs the predicate reads besides its own row, e.g. ("valid", "children")."""
        return {(m.group(1), m.group(2)) for m in _PLACEHOLDER.finditer(self.predicate) if m.group(1)}

    @property
    def reads_previous_extract(self) -> bool:
        """A rule comparing with the previous extract (DfE 903 previous-year rules)."""
        return any(kind == "prev" for kind, _ in self.referenced())


def by_file_and_relation(rules) -> dict[tuple[str, str], list[Rule]]:
    """(file, relation) -> its rules, in order: the unit that one query (rule counts) or one GX suite covers."""
    groups: dict[tuple[str, str], list[Rule]] = {}
    for rule in rules:
        groups.setdefault((rule.file, rule.relation), []).append(rule)
    return groups


def resolve(predicate: str, relation_for, extract_date_sql: str, data_start_sql: str = "cast(null as date)") -> str:
    """Replace placeholders: `relation_for(kind, file)` gives the SQL relation for each."""

    def sub(match: re.Match) -> str:
        if match.group(0) == "<<extract_date>>":
            return extract_date_sql
        if match.group(0) == "<<data_start>>":
            return data_start_sql
        return relation_for(match.group(1), match.group(2))

    return _PLACEHOLDER.sub(sub, predicate)


def check_rule(rule: Rule, contract: Contract) -> None:
    """Fail loudly on a rule the registry must not hold (unknown file, dimension, kind; unsafe references)."""
    assert rule.file in contract.files, rule.id
    assert rule.dimension in DIMENSIONS, rule.id
    assert rule.severity in SEVERITIES, rule.id
    assert rule.action in ACTIONS, rule.id
    assert rule.defect_kind in MANIFEST_KINDS + EXTRA_KINDS, rule.id
    assert rule.relation in ("staging", "raw"), rule.id
    assert "{" not in rule.predicate and "}" not in rule.predicate, f"{rule.id}: braces clash with GX templating"
    for kind, file in rule.referenced():
        if kind == "ref":
            continue
        if kind == "valid":  # orphan checks may only look at files validated before this one
            assert FILE_ORDER.index(file) < FILE_ORDER.index(rule.file) or rule.action == "flag", rule.id
        if kind == "prev":  # a comparison with the previous extract never decides which records count
            assert rule.action == "flag" and not rule.may_block, rule.id
