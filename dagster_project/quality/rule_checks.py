"""Row-level rules of the run's extract: the dbt models rendered from the registry hold each rule's failing rows
(excluded / flagged); their count per rule is what GX judges, rule by rule (gx_runner.py). Each rule is
evaluated once, in dbt: the CI tests compare the models with an independent evaluation (rule_counts.py).
Pure Python: no Dagster imports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from dagster_project.contract.model import load_contract, staging_model
from dagster_project.quality import thresholds
from dagster_project.quality.failure_teams import failure_teams_sql
from dagster_project.quality.results import CheckResult, now
from dagster_project.quality.rule import FILE_ORDER, Rule
from dagster_project.quality.rule_counts import failure_rows_sql, recorded_failure_counts, relation_names_in
from dagster_project.quality.rules import registry, rule_by_id
from dagster_project.warehouse import connect

SAMPLE_SIZE = 10


@dataclass
class RuleEvaluation:
    results: list[CheckResult]
    failures: FailureRows  # (extract_date, source_file, source_line, record_key, rule_id, dimension, action, team_id,
    # team_basis)
    errors: list[str] = field(default_factory=list)  # rules GX could not judge

    def for_file(self, file: str) -> list[CheckResult]:
        name = load_contract().files[file].file_name
        return [r for r in self.results if r.source_file == name]


class FailureRows:
    """The run's row-level failures (extract_date, source_file, source_line, record_key, rule_id, dimension,
    action) as one Arrow table, straight from DuckDB: as Python tuples a national run's failures took GBs."""

    def __init__(self, table: pa.Table):
        self.table = table

    def __len__(self) -> int:
        return self.table.num_rows

    def __iter__(self) -> Iterator[tuple]:
        for batch in self.table.to_batches():
            yield from zip(*(column.to_pylist() for column in batch.columns), strict=True)


def read_counts_and_failures(
    warehouse: Path, extract_date: str | None = None
) -> tuple[dict[tuple[str, str], int], dict[str, int], dict[str, list[tuple]], FailureRows]:
    """Rows each rule looks at, per (file, relation); from the failing rows the dbt models recorded: the count
    and the first SAMPLE_SIZE rows per rule (excluded before flagged, by file and line), and all of them."""
    counts = {}
    rules = registry()
    rule_meta = pa.table(  # noqa: F841 (read by name in the SQL below)
        {
            "rule_id": [r.id for r in rules],
            "dimension": [r.dimension for r in rules],
            "action": [r.action for r in rules],
        }
    )
    with connect(warehouse, read_only=True) as conn:
        names = relation_names_in(conn)
        union = failure_rows_sql(names)
        for file in FILE_ORDER:
            staging = names[staging_model(file)]
            counts[(file, "staging")] = conn.execute(f"select count(*) from {staging}").fetchone()[0]
            counts[(file, "raw")] = counts[(file, "staging")]  # staging is the raw extract, row for row
        recorded = recorded_failure_counts(conn, names)
        samples: dict[str, list[tuple]] = defaultdict(list)
        for row in conn.execute(
            f"select extract_date, source_file, source_line, record_key, rule_id from ({union}) "
            f"qualify row_number() over (partition by rule_id order by model_order, source_file, source_line) "
            f"<= {SAMPLE_SIZE} order by rule_id, model_order, source_file, source_line"
        ).fetchall():
            samples[row[4]].append(row)
        # each failing line's team (failure_teams.py), so its data to fix reaches the team that can fix it
        if extract_date is None:
            ((extract_date,),) = conn.execute(f"select max(extract_date) from ({union})").fetchall()
        teams = failure_teams_sql(names, union, str(extract_date)) if extract_date else None
        team_join = (
            f"left join ({teams}) as t using (source_file, source_line)"
            if teams
            else "left join (select null as source_file, null as source_line, null as team_id, null as team_basis) "
            "as t using (source_file, source_line)"
        )
        # the relation API: Arrow from a DB-API result (execute) would copy the rows once more
        failures = conn.sql(
            f"select f.extract_date, f.source_file, f.source_line, f.record_key, f.rule_id, m.dimension, m.action, "
            f"cast(t.team_id as varchar) as team_id, cast(t.team_basis as varchar) as team_basis "
            f"from ({union}) as f left join rule_meta as m using (rule_id) {team_join} "
            f"order by f.model_order, f.source_file, f.source_line, f.rule_id"
        ).to_arrow_table()
    return counts, recorded, samples, FailureRows(failures)


def _sample(rows: list[tuple]) -> str:
    """Where the first failures are: line numbers only. The row's key is never shown: a key that failed its
    format rule may be a delivered name or date (issue 21), and the sample is published (marts.dq_results);
    the keys are in the restricted failures store."""
    return ", ".join(f"line {line}" for _, _, line, _, _ in rows[:SAMPLE_SIZE])


def severity_for(rule: Rule, rows_failed: int | None, rows_checked: int) -> str:
    """ERROR (blocks the run) when the rule cannot be evaluated or fails on more than the block share
    of the file's rows; formatting rules and DfE return-validation flags never block (`Rule.never_blocks`), and
    a cascade (`Rule.is_cascade`) is judged where it starts, by its parent's rule."""
    if rows_failed is None:
        return "ERROR"
    share = rows_failed / rows_checked if rows_checked else 0.0
    blocks = not rule.never_blocks and not rule.is_cascade
    return "ERROR" if blocks and share > thresholds.block_share() else "WARN"


def evaluate_rules(
    warehouse: Path,
    extract_date: str,
    run_id: str,
    docs_dir: Path | None = None,
    rules: list[Rule] | None = None,
    not_applicable: dict[str, str] | None = None,
    scratch_dir: Path | None = None,
) -> RuleEvaluation:
    """`not_applicable`: rule id -> reason for rules the extract's source cannot be checked against
    (quality/applicability.py): not run, recorded with passed = NULL. `scratch_dir`: where GX's temporary tables go
    (gx_runner.run_rules)."""
    not_applicable = not_applicable or {}
    all_rules = list(rules or registry())
    rules = [r for r in all_rules if r.id not in not_applicable]
    contract = load_contract()
    counts, recorded_counts, samples, failures = read_counts_and_failures(warehouse, extract_date)
    from dagster_project.quality import gx_runner  # GX takes ~2 s to import: only when the rule checks run

    outcomes = gx_runner.run_rules(
        extract_date,
        rules,
        recorded_counts,
        counts,
        docs_dir,
        run_name=f"extract_{extract_date}_run_{run_id}",
        scratch_dir=scratch_dir,
    )
    checked_at, results, errors = now(), [], []
    for outcome in outcomes:
        rule = rule_by_id(outcome.rule_id)
        if outcome.error:
            errors.append(f"{rule.id}: {outcome.error.splitlines()[0]}")
        results.append(
            CheckResult(
                run_id=run_id, checked_at=checked_at, extract_date=extract_date,
                source_file=contract.files[rule.file].file_name, check_name=rule.id, dimension=rule.dimension,
                severity=severity_for(rule, outcome.rows_failed, outcome.rows_checked), passed=outcome.passed,
                rows_checked=outcome.rows_checked, rows_failed=outcome.rows_failed,
                failure_sample=_sample(samples.get(rule.id, [])),
            )
        )  # fmt: skip
    for rule in all_rules:
        if rule.id in not_applicable:
            results.append(
                CheckResult(
                    run_id=run_id, checked_at=checked_at, extract_date=extract_date,
                    source_file=contract.files[rule.file].file_name, check_name=rule.id, dimension=rule.dimension,
                    severity="WARN", passed=None, rows_checked=counts[(rule.file, rule.relation)], rows_failed=None,
                    failure_sample=not_applicable[rule.id],
                )
            )  # fmt: skip
    return RuleEvaluation(results=results, failures=failures, errors=errors)
