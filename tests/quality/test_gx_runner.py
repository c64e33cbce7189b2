"""Regression test for ALL the GX code (gx_runner.py): fails if a GX upgrade breaks how we run it on
DuckDB (persisted connection, counts judged and returned, Data Docs written); and the independent count of the
registry's predicates in DuckDB (rule_counts.py) that the CI tests compare the dbt models with."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from dagster_project.quality import gx_runner, rule_counts
from dagster_project.quality.rule import Rule

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


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


# What the dbt models would record for RULES on _warehouse (checked by the independent count below).
COUNTS = {"teams.service_area.invalid_code": 10, "teams.team_name.id_like": 4, "teams.trailing_spaces": 100,
          "teams.cross_table": 10}  # fmt: skip


def test_gx_judges_each_rule_on_its_failing_rows(tmp_path):
    docs = tmp_path / "docs"
    failing = {**COUNTS, "teams.cross_table": 0}
    scratch = tmp_path / "scratch"
    outcomes = gx_runner.run_rules(
        "2020-03-31", RULES, failing, {("teams", "staging"): 100}, docs_dir=docs, scratch_dir=scratch
    )
    assert {o.rule_id: (o.rows_failed, o.passed, o.error) for o in outcomes} == {
        "teams.service_area.invalid_code": (10, False, None),
        "teams.team_name.id_like": (4, False, None),
        "teams.trailing_spaces": (100, False, None),
        "teams.cross_table": (0, True, None),
    }
    assert {o.rows_checked for o in outcomes if o.rule_id != "teams.trailing_spaces"} == {100}
    assert (docs / "index.html").exists()
    pages = " ".join(p.read_text(encoding="utf-8") for p in (docs / "validations").rglob("*.html"))
    assert all(rule.id in pages for rule in RULES)
    # GX's failures tables went in a temporary folder under the scratch folder given (the data folder's in a run,
    # which recovery empties after a killed step), owner-only, and removed when it finished
    assert scratch.stat().st_mode & 0o777 == 0o700 and list(scratch.iterdir()) == []


def test_a_rule_with_no_recorded_rows_passes(tmp_path):
    [outcome] = gx_runner.run_rules("2020-03-31", RULES[:1], {}, {("teams", "staging"): 100}, scratch_dir=tmp_path)
    assert (outcome.rows_failed, outcome.passed) == (0, True)


def test_independent_count_evaluates_every_predicate_in_duckdb_and_frees_the_file(tmp_path):
    warehouse = _warehouse(tmp_path)
    counts, errors = rule_counts.independent_failure_counts(warehouse, RULES, "2020-03-31")
    assert (counts, errors) == (COUNTS, {})
    # the file is free: this process and another one can open it for writing (dbt needs that)
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create table main.after_counting as select 1")
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


def test_unparseable_rule_is_named_and_the_others_still_counted(tmp_path):
    warehouse = _warehouse(tmp_path)
    broken = Rule(id="teams.broken", file="teams", description="bad sql", dimension="validity", severity="high",
                  action="exclude", defect_kind="invalid_code", predicate="s.no_such_column = 1")  # fmt: skip
    counts, errors = rule_counts.independent_failure_counts(warehouse, [RULES[0], broken], "2020-03-31")
    assert counts == {"teams.service_area.invalid_code": 10}
    assert list(errors) == ["teams.broken"] and "no_such_column" in errors["teams.broken"]


def test_disagreements_name_the_rules_whose_recorded_rows_differ_from_their_predicate(tmp_path):
    warehouse = _warehouse(tmp_path)
    with duckdb.connect(str(warehouse)) as conn:
        for model in rule_counts.FAILURE_MODELS:
            conn.execute(
                f"create table intermediate.{model} (extract_date date, source_file varchar, source_line integer, "
                "record_key varchar, rule_id varchar)"
            )
        rows = "select extract_date, source_file, source_line, team_id, ? from staging.stg_case_management__teams"
        conn.execute(f"insert into intermediate.int_records_excluded {rows} where service_area = 'BAD'",
                     ["teams.service_area.invalid_code"])  # fmt: skip
        conn.execute(f"insert into intermediate.int_records_flagged {rows}", ["teams.trailing_spaces"])
        # 3 of the 4 rows the predicate finds; none of teams.cross_table's 10
        conn.execute(f"insert into intermediate.int_records_excluded {rows} where team_name like 'T-%' limit 3",
                     ["teams.team_name.id_like"])  # fmt: skip
    assert rule_counts.disagreements(warehouse, RULES, "2020-03-31") == [
        "teams.team_name.id_like: predicate 4 rows, dbt models 3",
        "teams.cross_table: predicate 10 rows, dbt models 0",
    ]
