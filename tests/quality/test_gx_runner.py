"""Regression test for ALL the GX code (gx_runner.py): fails if a GX upgrade breaks how we run it on
DuckDB (persisted connection, schema.table names, no regex, engines disposed, counts returned)."""

from __future__ import annotations

import subprocess
import sys

import duckdb

from dagster_project.quality import gx_runner
from dagster_project.quality.rule import Rule


def _warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema staging; create schema raw; create schema intermediate")
        conn.execute(
            "create table staging.stg_case_management__teams as select 'T' || i as team_id, "
            "case when i % 10 = 0 then 'BAD' else 'CIN' end as service_area, "
            "case when i % 25 = 0 then 'T-' || i else 'T' || i end as team_name, "
            "date '2020-03-31' as extract_date, 'teams.csv' as source_file, i + 2 as source_line from range(100) r(i)"
        )
        conn.execute(
            "create table raw.teams as select team_id, service_area || ' ' as service_area, team_name, "
            "extract_date as _extract_date, source_line as _source_line from staging.stg_case_management__teams"
        )
    return path


RULES = [
    Rule(id="teams.service_area.invalid_code", file="teams", description="code", dimension="validity",
         severity="high", action="exclude", defect_kind="invalid_code",
         predicate="s.service_area not in ('CIN')", in_set=("service_area", ("CIN",))),
    Rule(id="teams.team_name.id_like", file="teams", description="regex via SQL", dimension="validity",
         severity="high", action="exclude", defect_kind="invalid_id",
         predicate="not regexp_full_match(s.team_name, '[A-Za-z0-9]+')"),
    Rule(id="teams.trailing_spaces", file="teams", description="raw relation", dimension="validity",
         severity="low", action="flag", defect_kind="trailing_spaces", relation="raw",
         predicate="r.service_area <> trim(r.service_area)"),
    Rule(id="teams.cross_table", file="teams", description="placeholders", dimension="consistency",
         severity="medium", action="flag", defect_kind="inconsistent_fields",
         predicate="s.extract_date = <<extract_date>> and exists (select 1 from <<stg:teams>> o "
                   "where o.team_id = s.team_id and o.service_area = 'BAD')"),
]  # fmt: skip


def test_gx_counts_failing_rows_in_duckdb_and_frees_the_file(tmp_path):
    warehouse = _warehouse(tmp_path)
    docs = tmp_path / "docs"
    outcomes = gx_runner.run_rules(warehouse, "2020-03-31", RULES, {("teams", "staging"): 100}, docs_dir=docs)
    counts = {o.rule_id: (o.rows_failed, o.error) for o in outcomes}
    assert counts == {
        "teams.service_area.invalid_code": (10, None),
        "teams.team_name.id_like": (4, None),
        "teams.trailing_spaces": (100, None),
        "teams.cross_table": (10, None),
    }
    assert (docs / "index.html").exists()
    # engines disposed: this process and another one can open the file for writing (dbt needs that)
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create table main.after_gx as select 1")
    other = subprocess.run([sys.executable, "-c", f"import duckdb; duckdb.connect({str(warehouse)!r}).close()"])
    assert other.returncode == 0


def test_gx_facts_this_module_relies_on():
    # The persisted-connection list we extend, and GX refusing regex on DuckDB (why ids use SQL).
    assert hasattr(gx_runner.gx_sql_engine, "_PERSISTED_CONNECTION_DIALECTS")
    gx_runner.treat_duckdb_like_sqlite()
    gx_runner.treat_duckdb_like_sqlite()  # idempotent
    dialects = gx_runner.gx_sql_engine._PERSISTED_CONNECTION_DIALECTS
    assert sum(getattr(d, "value", d) == "duckdb" for d in dialects) == 1
    assert gx_runner.gx.__version__.startswith("1.")


def test_unparseable_rule_is_reported_not_raised(tmp_path):
    warehouse = _warehouse(tmp_path)
    broken = Rule(id="teams.broken", file="teams", description="bad sql", dimension="validity", severity="high",
                  action="exclude", defect_kind="invalid_code", predicate="s.no_such_column = 1")  # fmt: skip
    [outcome] = gx_runner.run_rules(warehouse, "2020-03-31", [broken], {})
    assert outcome.rows_failed is None and outcome.error and not outcome.passed
