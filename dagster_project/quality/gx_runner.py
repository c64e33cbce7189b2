"""ALL Great Expectations code of the project (GX 1.x). Nothing else imports great_expectations.

GX judges every rule as its own expectation and builds the Data Docs. Each rule is evaluated ONCE, by the dbt
models rendered from the registry (`int_<file>_excluded`, `int_records_flagged`: the failing rows themselves);
rule_checks.py counts those rows per rule. Here the counts go into a one-row "rule failures" table per
(file, relation), one column per rule, in a scratch DuckDB file; GX runs each rule as
`ExpectColumnMaxToBeBetween(<rule column>, 0, 0)` on it (observed value = the failing rows), and bundles the
aggregate metrics of a batch into one query. GX never opens the warehouse.

Why not let GX evaluate the predicates itself: run one by one as UnexpectedRowsExpectations, the ~400 rules were
~400 table scans plus GX's per-expectation overhead (national: 12 min 37 s); evaluated again in one aggregate query
per file beside dbt, they still cost 143 s of a national run, to learn what the dbt models already hold. The CI
tests compare the dbt models with an independent evaluation of every predicate instead (rule_counts.py).

Facts about GX 1.24 on DuckDB this module works around (a
regression test in tests/quality/test_gx_runner.py fails if an upgrade changes them):
  * GX's SQL engine only keeps one persisted connection for dialects it knows need it (sqlite...);
    on DuckDB every expectation otherwise fails with "list index out of range". We register the
    DuckDB dialect as needing a persisted connection (treated like SQLite).
  * GX keeps DuckDB connections open until its engines are disposed: we dispose every engine and close
    every connection before returning.
Personal values never reach Data Docs: GX only sees the failures tables (one count per rule).
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # offline: no usage statistics

import duckdb  # noqa: E402
import great_expectations as gx  # noqa: E402
import great_expectations.execution_engine.sqlalchemy_execution_engine as gx_sql_engine  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from great_expectations.core.run_identifier import RunIdentifier  # noqa: E402

from dagster_project.quality.offline_docs import make_self_contained  # noqa: E402
from dagster_project.quality.rule import Rule, by_file_and_relation  # noqa: E402
from dagster_project.settings import RULE_FAILURES_SCRATCH_PREFIX, duckdb_config, get_paths  # noqa: E402

DATASOURCE = "rule_failures"


class _DuckDBDialect:
    """Stands in the list of dialects GX keeps one persisted connection for (like SQLite)."""

    value = "duckdb"

    def __eq__(self, other) -> bool:
        return str(getattr(other, "value", other)).lower() == "duckdb"

    def __hash__(self) -> int:
        return hash("duckdb")


def treat_duckdb_like_sqlite() -> None:
    dialects = gx_sql_engine._PERSISTED_CONNECTION_DIALECTS
    if not any(getattr(d, "value", d) == "duckdb" for d in dialects):
        gx_sql_engine._PERSISTED_CONNECTION_DIALECTS = (*dialects, _DuckDBDialect())


@contextlib.contextmanager
def closing_duckdb_connections():
    """Close every DBAPI connection SQLAlchemy opens meanwhile: GX's StaticPool keeps its connection
    record alive after `engine.dispose()`, and a live connection locks the DuckDB file."""
    opened = []

    def remember(dbapi_connection, _record) -> None:
        opened.append(dbapi_connection)

    sa.event.listen(sa.pool.Pool, "connect", remember)
    try:
        yield
    finally:
        sa.event.remove(sa.pool.Pool, "connect", remember)
        for connection in opened:
            with contextlib.suppress(Exception):
                connection.close()


@dataclass(frozen=True)
class RuleOutcome:
    rule_id: str
    file: str
    rows_checked: int
    rows_failed: int | None  # None when GX could not evaluate the rule
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and self.rows_failed == 0


def rule_column(rule: Rule) -> str:
    """The rule's column in its file's one-row failures table (ids hold dots, columns do not)."""
    return rule.id.replace(".", "__")


def write_failure_tables(scratch: Path, groups: dict[tuple[str, str], list[Rule]], failing_rows: dict[str, int]):
    """One table `<relation>_<file>` per group in `scratch`: one row, one column per rule (its failing rows)."""
    with duckdb.connect(str(scratch), config=duckdb_config()) as target:
        for (file, relation), rules in groups.items():
            columns = ", ".join(f'"{rule_column(rule)}" bigint' for rule in rules)
            target.execute(f"create table {relation}_{file} ({columns})")
            values = [failing_rows.get(rule.id, 0) for rule in rules]
            target.execute(f"insert into {relation}_{file} values ({', '.join('?' for _ in rules)})", values)


def expectation_for(rule: Rule):
    """The rule's own expectation: its column of the failures table (its failing rows) must be 0."""
    meta = {"rule_id": rule.id, "dimension": rule.dimension, "action": rule.action, "fails_when": rule.predicate}
    if rule.in_set:
        meta["value_set"] = {"column": rule.in_set[0], "codes": list(rule.in_set[1])}
    return gx.expectations.ExpectColumnMaxToBeBetween(
        column=rule_column(rule),
        min_value=0,
        max_value=0,
        description=f"{rule.id}: {rule.description} (observed value: failing rows)",
        meta=meta,
    )


def _failed_count(result) -> int | None:
    if result.exception_info and result.exception_info.get("raised_exception"):
        return None
    for info in (result.exception_info or {}).values():
        if isinstance(info, dict) and info.get("raised_exception"):
            return None
    if "unexpected_count" in result.result:
        # GX reports no count (None) for a value-set expectation on a table with no rows.
        count = result.result["unexpected_count"]
        return 0 if count is None and result.success else None if count is None else int(count)
    observed = result.result.get("observed_value")
    return None if observed is None else int(observed)


def _error(result) -> str | None:
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message"))
    return None


def run_rules(
    extract_date: str,
    rules: list[Rule],
    failing_rows: dict[str, int],
    rows_checked: dict[tuple[str, str], int],
    docs_dir: Path | None = None,
    run_name: str | None = None,
    scratch_dir: Path | None = None,
) -> list[RuleOutcome]:
    """Judge `rules` with GX, given each rule's failing rows (rule id -> rows; absent: none); one suite per
    (file, relation).

    `rows_checked[(file, relation)]` gives the number of rows each rule looked at. When `docs_dir` is
    given, Data Docs (HTML) for this validation are written there (made self-contained, see `offline_docs`);
    `run_name` names the validations in them (default: the extract date). The failures tables go in a temporary
    folder under `scratch_dir` (default: the data folder's, `Paths.scratch_dir`).
    """
    treat_duckdb_like_sqlite()
    # in the data folder, not the system's: a run killed here leaves it where the next run's recovery removes it
    parent = scratch_dir or get_paths().scratch_dir
    parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    scratch_folder = tempfile.TemporaryDirectory(prefix=RULE_FAILURES_SCRATCH_PREFIX, dir=parent)
    with scratch_folder as scratch, closing_duckdb_connections():
        scratch_database = Path(scratch) / "rule_failures.duckdb"
        outcomes = _run_rules(
            extract_date, rules, failing_rows, rows_checked, docs_dir, scratch_database,
            run_name or f"extract_{extract_date}",
        )  # fmt: skip
    if docs_dir is not None:
        make_self_contained(Path(docs_dir))
    return outcomes


def _run_rules(extract_date, rules, failing_rows, rows_checked, docs_dir, scratch: Path, run_name) -> list[RuleOutcome]:
    groups = by_file_and_relation(rules)
    write_failure_tables(scratch, groups, failing_rows)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    datasource = context.data_sources.add_sql(
        name=DATASOURCE,
        connection_string=f"duckdb:///{scratch}",
        kwargs={"connect_args": {"read_only": True, "config": duckdb_config()}},
    )
    try:
        definitions, rule_of = [], {}
        for (file, relation), group in groups.items():
            asset = datasource.add_table_asset(name=f"{relation}_{file}", table_name=f"{relation}_{file}")
            batch = asset.add_batch_definition_whole_table(f"{relation}_{file}_extract_{extract_date}")
            # The whole suite at once: `suite.add_expectation` re-serialises the stored suite on every call.
            suite = context.suites.add(
                gx.ExpectationSuite(name=f"{file}_{relation}_rules", expectations=[expectation_for(r) for r in group])
            )
            rule_of.update({rule.id: rule for rule in group})
            definitions.append(
                context.validation_definitions.add(
                    gx.ValidationDefinition(name=f"{file}_{relation}", data=batch, suite=suite)
                )
            )
        if docs_dir is not None:
            Path(docs_dir).mkdir(parents=True, exist_ok=True)
            context.add_data_docs_site(
                site_name="dq_docs",
                site_config={
                    "class_name": "SiteBuilder",
                    "show_how_to_buttons": False,
                    "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=f"dq_{extract_date}",
                validation_definitions=definitions,
                # SUMMARY keeps counts; no sample rows are returned by the row queries (keys only).
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": 20},
            )
        )
        # validations are named after the run and extract, not __none__
        checkpoint_result = checkpoint.run(run_id=RunIdentifier(run_name=run_name))
        if docs_dir is not None:
            # Once, after every validation: an UpdateDataDocsAction rebuilds the whole site per validation.
            context.build_data_docs(site_names=["dq_docs"])
        outcomes = []
        for run_result in checkpoint_result.run_results.values():
            for result in run_result.results:
                rule = rule_of[result.expectation_config.meta["rule_id"]]
                outcomes.append(
                    RuleOutcome(
                        rule_id=rule.id,
                        file=rule.file,
                        rows_checked=rows_checked.get((rule.file, rule.relation), 0),
                        rows_failed=_failed_count(result),
                        error=_error(result),
                    )
                )
        return outcomes
    finally:
        dispose(context, datasource)


def dispose(context, *datasources) -> None:
    """Close GX's persisted connections and engines so the DuckDB file is free for dbt."""
    for datasource in [*datasources, *context.data_sources.all().values()]:
        engine = getattr(datasource, "_execution_engine", None)
        if engine is None:
            continue
        connection = getattr(engine, "_connection", None)
        if connection is not None:
            connection.close()
            engine._connection = None
        engine.engine.dispose()
