"""What DuckDB alone needs for each stage's essential work: the yardstick `make benchmark` prints beside the pipeline.

Each function times only the essential work of one stage, on the same files and the same machine, in one DuckDB
connection with no orchestration, no per-rule queries and no bookkeeping:
  * load:       `read_csv` of the extract's files into tables (every column as text, as the raw layer keeps it);
  * checks:     one aggregate query per (file, relation) counting every registry rule's failing rows;
  * staging / marts: the dbt models' own compiled SQL, run in dependency order as `create table` / `create view`;
  * publish:    copying the marts into a new database file.
They run on copies, so the pipeline's warehouse is never touched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import duckdb

from dagster_project.contract.model import load_contract
from dagster_project.quality import rule_counts
from dagster_project.quality.rule import by_file_and_relation
from dagster_project.quality.rules import registry
from dagster_project.settings import duckdb_config

DBT_DIR = Path(__file__).resolve().parents[2] / "dbt"


def _connect(database: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """With the job's own DuckDB settings (memory limit, spilling under the run's data folder), so both sides of
    the comparison get the same budget: unbounded, DuckDB alone took 13 GB at the national preset."""
    return duckdb.connect(str(database), read_only=read_only, config=duckdb_config())


def load_alone(extract_dir: Path, database: Path) -> float:
    with _connect(database) as conn:
        start = time.perf_counter()
        for csv in sorted(extract_dir.glob("*.csv")):
            conn.execute(
                f"create table {csv.stem} as select * from read_csv(?, header = true, all_varchar = true)", [str(csv)]
            )
        return time.perf_counter() - start


def check_queries(conn: duckdb.DuckDBPyConnection, extract_date: str) -> list[str]:
    """One query per (file, relation): `count(*) filter (where <rule fails>)` for every rule at once (the same
    SQL the pipeline's rule checks run before GX judges each rule)."""
    names = rule_counts.relation_names_in(conn)
    return [
        rule_counts.failure_counts_query(rules, names, extract_date)
        for rules in by_file_and_relation(registry()).values()
    ]


def checks_alone(warehouse: Path, extract_date: str) -> float:
    with _connect(warehouse, read_only=True) as conn:
        queries = check_queries(conn, extract_date)
        start = time.perf_counter()
        for query in queries:
            conn.execute(query).fetchall()
        return time.perf_counter() - start


def compiled_models(warehouse: Path, extract_date: str, tag: str) -> list[tuple[str, str, str, str]]:
    """(schema, name, materialization, compiled SQL) of the dbt models with `tag`, in dependency order."""
    target = Path(tempfile.mkdtemp(prefix="csc-bench-compile-"))
    env = {**os.environ, "CSC_WAREHOUSE_PATH": str(warehouse)}
    variables = json.dumps({"extract_date": extract_date, "run_id": "benchmark"})
    dbt = Path(os.environ.get("VIRTUAL_ENV", Path(__file__).resolve().parents[2] / ".venv")) / "bin" / "dbt"
    subprocess.run(
        [
            str(dbt),
            "compile",
            "--quiet",
            "--select",
            f"tag:{tag}",
            "--vars",
            variables,
            "--target-path",
            str(target),
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
        ],  # fmt: skip
        check=True,
        env=env,
        capture_output=True,
    )
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    shutil.rmtree(target, ignore_errors=True)
    models = {
        key: node
        for key, node in nodes.items()
        if node["resource_type"] == "model" and tag in node["tags"] and node["config"]["materialized"] != "ephemeral"
    }
    ordered: list[str] = []

    def visit(key: str) -> None:
        if key in ordered or key not in models:
            return
        for parent in models[key]["depends_on"]["nodes"]:
            visit(parent)
        ordered.append(key)

    for key in sorted(models):
        visit(key)
    return [
        (
            models[k]["schema"],
            models[k]["alias"] or models[k]["name"],
            models[k]["config"]["materialized"],
            models[k]["compiled_code"],
        )  # fmt: skip
        for k in ordered
    ]


def models_alone(warehouse: Path, models: list[tuple[str, str, str, str]]) -> float:
    """Run the compiled models on a copy of the warehouse; seeds and the calendar are already in it."""
    with tempfile.TemporaryDirectory(prefix="csc-bench-models-") as scratch:
        copy = Path(scratch) / "warehouse.duckdb"
        shutil.copy(warehouse, copy)
        with _connect(copy) as conn:
            start = time.perf_counter()
            existing = dict(
                conn.execute(
                    "select table_schema || '.' || table_name, table_type from information_schema.tables"
                ).fetchall()
            )
            for schema, name, materialized, sql in models:
                relation = f"{schema}.{name}"
                kind = "view" if materialized == "view" else "table"
                conn.execute(f"create schema if not exists {schema}")
                if relation in existing:  # DuckDB drops a view or a table only by its own kind
                    conn.execute(f"drop {'view' if existing[relation] == 'VIEW' else 'table'} {relation} cascade")
                conn.execute(f"create {kind} {relation} as {sql}")
            return time.perf_counter() - start


def publish_alone(warehouse: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="csc-bench-publish-") as scratch:
        target = Path(scratch) / "analytics.duckdb"
        with _connect(target) as conn:
            start = time.perf_counter()
            conn.execute(f"attach '{warehouse}' as warehouse (read_only)")
            tables = conn.execute(
                "select table_name from information_schema.tables "
                "where table_catalog = 'warehouse' and table_schema = 'marts'"
            ).fetchall()
            conn.execute("create schema marts")
            for (table,) in tables:
                conn.execute(f"create table marts.{table} as select * from warehouse.marts.{table}")
            conn.execute("detach warehouse")
            conn.execute("checkpoint")
            return time.perf_counter() - start


def contract_files() -> list[str]:
    """The files a benchmark extract holds: the required ones (it is generated without the optional files)."""
    return [name for name, export in load_contract().files.items() if not export.optional]
