"""Counting each rule's failing rows in the warehouse, two ways. Pure Python: no Dagster, no GX.

* `recorded_failure_counts`: the rows the dbt models recorded (`int_records_excluded` and `int_records_flagged`,
  rendered from the registry). The nightly job counts these: each rule is evaluated ONCE, in dbt, and GX judges
  the counts (gx_runner.py).
* `independent_failure_counts`: the registry's predicates evaluated again, straight from the staging / raw
  rows, in one aggregate query per (file, relation). The CI tests compare the two on extracts that make every
  rule fail (`disagreements`), so the dbt rendering of a rule cannot drift from its predicate; the benchmark's
  DuckDB-alone yardstick runs the same queries.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from dagster_project.contract.model import staging_model
from dagster_project.quality.rule import Rule, by_file_and_relation, resolve

FAILURE_MODELS = ("int_records_excluded", "int_records_flagged")


def relation_names(warehouse: Path) -> dict[str, str]:
    """table name -> "schema.table" for every table/view in the warehouse (dbt decides the schemas)."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return relation_names_in(conn)


def relation_names_in(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = conn.execute(
        "select table_schema, table_name from information_schema.tables where table_catalog = current_database()"
    ).fetchall()
    return {name: f"{schema}.{name}" for schema, name in rows}


def failure_rows_sql(names: dict[str, str]) -> str:
    """Every failing row the dbt models recorded, excluded before flagged (model_order 0, 1)."""
    return " union all ".join(
        f"select {order} as model_order, cast(extract_date as varchar) as extract_date, source_file, source_line, "
        f"record_key, rule_id from {names[model]}"
        for order, model in enumerate(FAILURE_MODELS)
    )


def recorded_failure_counts(conn: duckdb.DuckDBPyConnection, names: dict[str, str]) -> dict[str, int]:
    """rule id -> rows the dbt models recorded for it (rules with none are absent)."""
    return dict(conn.execute(f"select rule_id, count(*) from ({failure_rows_sql(names)}) group by rule_id").fetchall())


def _relation_resolver(names: dict[str, str], extract_date: str):
    def relation(kind: str, file: str) -> str:
        if kind == "stg":
            return names[staging_model(file)]
        if kind == "valid":
            return names[f"int_{file}_validated"]
        if kind == "ref":
            return names.get(file, f"reference.{file}")
        if kind == "prev":
            return (
                f"(select * from raw.{file} where _extract_date = "
                f"(select max(_extract_date) from raw.children where _extract_date < date '{extract_date}'))"
            )
        return f"(select * from raw.{file} where _extract_date = date '{extract_date}')"

    return relation


def failure_counts_query(
    rules: list[Rule], names: dict[str, str], extract_date: str, data_start: str | None = None
) -> str:
    """ONE query over one (file, relation): the failing rows of every rule in `rules`, one column each.
    `data_start`: the first day the extract covers (a statutory return's collection year), None for a whole
    history."""
    file, relation = rules[0].file, rules[0].relation
    resolver, date_sql = _relation_resolver(names, extract_date), f"date '{extract_date}'"
    start_sql = f"date '{data_start}'" if data_start else "cast(null as date)"
    counts = ",\n  ".join(
        f"count(*) filter (where {resolve(rule.predicate, resolver, date_sql, start_sql)})" for rule in rules
    )
    if relation == "staging":
        return f"select\n  {counts}\nfrom {names[staging_model(file)]} as s"
    return f"select\n  {counts}\nfrom raw.{file} as r\nwhere r._extract_date = date '{extract_date}'"


def independent_failure_counts(
    warehouse: Path, rules: list[Rule], extract_date: str, data_start: str | None = None
) -> tuple[dict[str, int], dict[str, str]]:
    """(rule id -> failing rows, rule id -> error): one pass per (file, relation); if a combined query fails,
    each of its rules alone, to name the broken ones."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return _independent_counts(conn, relation_names_in(conn), rules, extract_date, data_start)


def _independent_counts(conn, names, rules, extract_date, data_start=None) -> tuple[dict[str, int], dict[str, str]]:
    counts: dict[str, int] = {}
    errors: dict[str, str] = {}
    for group in by_file_and_relation(rules).values():
        try:
            row = conn.execute(failure_counts_query(group, names, extract_date, data_start)).fetchone()
            counts.update(zip([rule.id for rule in group], row, strict=True))
        except duckdb.Error:
            for rule in group:
                try:
                    query = failure_counts_query([rule], names, extract_date, data_start)
                    counts[rule.id] = conn.execute(query).fetchone()[0]
                except duckdb.Error as error:
                    errors[rule.id] = str(error)
    return counts, errors


def disagreements(warehouse: Path, rules: list[Rule], extract_date: str) -> list[str]:
    """Rules whose rows recorded by the dbt models differ from their predicate evaluated independently."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        names = relation_names_in(conn)
        independent, errors = _independent_counts(conn, names, rules, extract_date)
        recorded = recorded_failure_counts(conn, names)
    found = [f"{rule_id}: cannot be evaluated: {error.splitlines()[0]}" for rule_id, error in errors.items()]
    for rule in rules:
        if rule.id in independent and independent[rule.id] != recorded.get(rule.id, 0):
            found.append(f"{rule.id}: predicate {independent[rule.id]} rows, dbt models {recorded.get(rule.id, 0)}")
    return found
