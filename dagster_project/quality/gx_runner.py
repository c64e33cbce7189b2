"""ALL Great Expectations code of the project (GX 1.x). Nothing else imports great_expectations.

Runs the rule registry as GX expectations inside DuckDB (SQL pushed down, never whole tables pulled
into pandas) and builds the Data Docs. Facts about GX 1.24 on DuckDB this module works around (a
regression test in tests/quality/test_gx_runner.py fails if an upgrade changes them):
  * GX's SQL engine only keeps one persisted connection for dialects it knows need it (sqlite...);
    on DuckDB every expectation otherwise fails with "list index out of range". We register the
    DuckDB dialect as needing a persisted connection (treated like SQLite).
  * `schema_name` on a table asset is ignored: we pass `schema.table` as the table name.
  * GX keeps DuckDB connections open until its engines are disposed: we open the warehouse
    read-only and dispose every engine before returning (dbt fails if anyone holds the file).
  * GX has no regex support for DuckDB: id formats run as UnexpectedRowsExpectation SQL.
  * UnexpectedRowsExpectation queries are Python format templates (`{batch}`): no other braces.
Personal values never reach Data Docs: unexpected-rows queries select keys and line numbers only,
and the only value-returning expectation (value sets) runs on code columns, none of them personal.
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # offline: no usage statistics

import duckdb  # noqa: E402
import great_expectations as gx  # noqa: E402
import great_expectations.execution_engine.sqlalchemy_execution_engine as gx_sql_engine  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from great_expectations.checkpoint import UpdateDataDocsAction  # noqa: E402
from great_expectations.core.run_identifier import RunIdentifier  # noqa: E402

from dagster_project.quality.offline_docs import make_self_contained  # noqa: E402
from dagster_project.quality.rules import Rule, resolve  # noqa: E402

DATASOURCE = "warehouse"


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


def relation_names(warehouse: Path) -> dict[str, str]:
    """table name -> "schema.table" for every table/view in the warehouse (dbt decides the schemas)."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute(
            "select table_schema, table_name from information_schema.tables where table_catalog = current_database()"
        ).fetchall()
    return {name: f"{schema}.{name}" for schema, name in rows}


def _relation_resolver(names: dict[str, str], extract_date: str):
    def relation(kind: str, file: str) -> str:
        if kind == "stg":
            return names[f"stg_case_management__{file}"]
        if kind == "valid":
            return names[f"int_{file}_validated"]
        if kind == "ref":
            return names.get(file, f"reference.{file}")
        return f"(select * from raw.{file} where _extract_date = date '{extract_date}')"

    return relation


def unexpected_rows_query(rule: Rule, primary_key: str, names: dict[str, str], extract_date: str) -> str:
    """The rule as a GX query over `{batch}` (the staging model, or the raw table), keys and lines only."""
    predicate = resolve(rule.predicate, _relation_resolver(names, extract_date), f"date '{extract_date}'")
    if rule.relation == "staging":
        return f"select s.source_line, s.{primary_key} from (select * from {{batch}}) as s where {predicate}"
    return (
        f"select r._source_line, r.{primary_key} from (select * from {{batch}}) as r "
        f"where r._extract_date = date '{extract_date}' and ({predicate})"
    )


def expectation_for(rule: Rule, primary_key: str, names: dict[str, str], extract_date: str):
    meta = {"rule_id": rule.id, "dimension": rule.dimension, "action": rule.action}
    if rule.in_set:
        column, codes = rule.in_set
        return gx.expectations.ExpectColumnValuesToBeInSet(column=column, value_set=list(codes), meta=meta)
    return gx.expectations.UnexpectedRowsExpectation(
        unexpected_rows_query=unexpected_rows_query(rule, primary_key, names, extract_date),
        description=f"{rule.id}: {rule.description}",
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
    warehouse: Path,
    extract_date: str,
    rules: list[Rule],
    primary_keys: dict[str, str],
    rows_checked: dict[tuple[str, str], int],
    docs_dir: Path | None = None,
    run_name: str | None = None,
) -> list[RuleOutcome]:
    """Validate `rules` against the warehouse with GX; one suite per (file, relation).

    `rows_checked[(file, relation)]` gives the number of rows each rule looked at. When `docs_dir` is
    given, Data Docs (HTML) for this validation are written there (made self-contained, see `offline_docs`);
    `run_name` names the validations in them (default: the extract date).
    """
    treat_duckdb_like_sqlite()
    with closing_duckdb_connections():
        outcomes = _run_rules(
            warehouse, extract_date, rules, primary_keys, rows_checked, docs_dir, run_name or f"extract_{extract_date}"
        )
    if docs_dir is not None:
        make_self_contained(Path(docs_dir))
    return outcomes


def _run_rules(warehouse, extract_date, rules, primary_keys, rows_checked, docs_dir, run_name) -> list[RuleOutcome]:
    names = relation_names(warehouse)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    datasource = context.data_sources.add_sql(
        name=DATASOURCE,
        connection_string=f"duckdb:///{Path(warehouse).resolve()}",
        kwargs={"connect_args": {"read_only": True}},
    )
    try:
        definitions, rule_of = [], {}
        groups: dict[tuple[str, str], list[Rule]] = {}
        for rule in rules:
            groups.setdefault((rule.file, rule.relation), []).append(rule)
        for (file, relation), group in groups.items():
            table = names[f"stg_case_management__{file}"] if relation == "staging" else f"raw.{file}"
            asset = datasource.add_table_asset(name=f"{relation}_{file}", table_name=table)
            batch = asset.add_batch_definition_whole_table(f"{relation}_{file}_extract_{extract_date}")
            suite = context.suites.add(gx.ExpectationSuite(name=f"{file}_{relation}_rules"))
            for rule in group:
                suite.add_expectation(expectation_for(rule, primary_keys[file], names, extract_date))
                rule_of[rule.id] = rule
            definitions.append(
                context.validation_definitions.add(
                    gx.ValidationDefinition(name=f"{file}_{relation}", data=batch, suite=suite)
                )
            )
        actions = []
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
            actions.append(UpdateDataDocsAction(name="dq_docs", site_names=["dq_docs"]))
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=f"dq_{extract_date}",
                validation_definitions=definitions,
                actions=actions,
                # SUMMARY keeps counts; no sample rows are returned by the row queries (keys only).
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": 20},
            )
        )
        outcomes = []
        run = RunIdentifier(run_name=run_name)  # validations are named after the run and extract, not __none__
        for run_result in checkpoint.run(run_id=run).run_results.values():
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
