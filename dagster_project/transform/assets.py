"""Dagster assets of the transformation: the working-day calendar and the dbt project in two steps.

`staging_dbt_assets` (tag:staging: seeds, staging views, the validated "records that count") runs first, so the
quality checks on the validated models can block `mart_dbt_assets` (tag:marts: intermediate models and marts).
dbt tests appear as asset checks. Both write the one DuckDB warehouse, so both take the duckdb_writer pool.
"""

import contextlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets
from dagster_dbt.core import dbt_cli_invocation
from packaging.version import Version

from dagster_project.benchmarks.table import write_child_population, write_dfe_benchmarks
from dagster_project.ingest.target import target_extract_date
from dagster_project.quality.render import stale_models
from dagster_project.run_context import RUN_LOCK_RESOURCE, WAREHOUSE_WRITER_POOL
from dagster_project.settings import duckdb_memory_limit_gb, get_paths
from dagster_project.transform.calendar_table import write_working_days
from dagster_project.transform.dbt_command import dbt_executable
from dagster_project.transform.dbt_environment import PARTIAL_PARSE_FILE, dbt_environment
from dagster_project.transform.dbt_in_process import DbtInProcess
from dagster_project.transform.dbt_vars import (
    clear_run_context,
    dbt_build_args,
    dbt_threads,
    run_context,
    write_run_context,
)
from dagster_project.transform.project import dbt_project
from dagster_project.transform.translator import CscDbtTranslator

WORKING_DAYS_KEY = dg.AssetKey(["reference", "working_days"])
DFE_BENCHMARKS_KEY = dg.AssetKey(["reference", "dfe_benchmarks"])
CHILD_POPULATION_KEY = dg.AssetKey(["reference", "child_population"])
DBT_RESOURCE = "dbt"

translator = CscDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dg.asset(
    key=WORKING_DAYS_KEY,
    group_name="reference",
    pool=WAREHOUSE_WRITER_POOL,
    description="The working-day calendar (England and Wales bank holidays) that dbt's wd/add_wd join on.",
)
def working_days() -> dg.MaterializeResult:
    days = write_working_days(get_paths().warehouse)
    return dg.MaterializeResult(metadata={"days": days})


@dg.asset(
    key=DFE_BENCHMARKS_KEY,
    group_name="reference",
    pool=WAREHOUSE_WRITER_POOL,
    description="The DfE's published figures for England, the council's region and statistical neighbours "
    "(CSC_LA_CODE), with its quartile band, from the shipped snapshot (dagster_project/benchmarks/).",
)
def dfe_benchmarks() -> dg.MaterializeResult:
    rows, council = write_dfe_benchmarks(get_paths().warehouse)
    return dg.MaterializeResult(metadata={"rows": rows, "council": council or "unset (England only)"})


@dg.asset(
    key=CHILD_POPULATION_KEY,
    group_name="reference",
    pool=WAREHOUSE_WRITER_POOL,
    description="The council's children aged 0-17 (ONS for CSC_LA_CODE, else a synthetic extract's own), the "
    "denominator of the rates per 10,000 children (dagster_project/benchmarks/population.py).",
)
def child_population(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    paths = get_paths()
    estimates = write_child_population(paths.warehouse, paths.raw_dir / target_extract_date(context))
    return dg.MaterializeResult(metadata={"estimates": estimates})


def _dbt_build(context: dg.AssetExecutionContext):
    dbt: DbtCliResource = getattr(context.resources, DBT_RESOURCE)
    getattr(context.resources, RUN_LOCK_RESOURCE).hold(context)
    paths = get_paths()
    # dbt reads the warehouse path and DuckDB's memory share from its profile (env vars), relative to the data
    # folder it runs from (dbt_environment.py); the run worker owns its process environment.
    os.environ.update(dbt_environment())
    # The run's own values go into the warehouse, not --vars, so that dbt's partial parsing holds (dbt_vars.py).
    write_run_context(paths.warehouse, run_context(target_extract_date(context), context.run_id, raw_dir=paths.raw_dir))
    # dbt's artifacts and logs of a run go under CSC_DATA_DIR (one folder per run and step, replaced by the
    # next run of that step), so the code folder stays clean and may be read-only.
    target = paths.data_dir / "dbt" / context.op_def.name
    # One partial-parse state for both steps and every run (<CSC_DATA_DIR>/dbt/partial_parse.msgpack): the
    # marts step reuses the staging step's parse, and the next night reuses tonight's. dbt itself checks that
    # the saved state still matches the project files, vars and profile, and re-parses what changed.
    shared_parse = paths.data_dir / "dbt" / PARTIAL_PARSE_FILE
    if shared_parse.exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shared_parse, target / PARTIAL_PARSE_FILE)
    try:
        warehouse_bytes = paths.warehouse.stat().st_size
        threads = dbt_threads(warehouse_bytes, duckdb_memory_limit_gb() * 1e9)
        context.log.info(f"dbt runs {threads} node(s) at once (warehouse {warehouse_bytes:,} bytes)")
        # dbt mostly waits on DuckDB: the run guard imports later steps' libraries meanwhile
        getattr(context.resources, RUN_LOCK_RESOURCE).warm_imports()
        invocation = dbt.cli(dbt_build_args(threads=threads), context=context, target_path=target, cwd=paths.data_dir)
        yield from invocation.stream()
    finally:
        # best effort: if dbt still holds the file (the step was interrupted), the next run replaces the context
        with contextlib.suppress(Exception):
            clear_run_context(paths.warehouse)
    if (target / PARTIAL_PARSE_FILE).exists():
        shutil.copyfile(target / PARTIAL_PARSE_FILE, shared_parse.with_suffix(".tmp"))
        shared_parse.with_suffix(".tmp").replace(shared_parse)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select="tag:staging",
    name="staging_dbt_assets",
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_WRITER_POOL,
    required_resource_keys={DBT_RESOURCE, RUN_LOCK_RESOURCE},
)
def staging_dbt_assets(context: dg.AssetExecutionContext):
    # GX checks with the rule registry as it is now; dbt must exclude with the same rules, not older SQL.
    stale = stale_models()
    if stale:
        raise dg.Failure(
            description="the dbt models rendered from the rule registry are out of date "
            f"({', '.join(stale[:5])}): run `make generate`"
        )
    yield from _dbt_build(context)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select="tag:marts",
    name="mart_dbt_assets",
    dagster_dbt_translator=translator,
    pool=WAREHOUSE_WRITER_POOL,
    required_resource_keys={DBT_RESOURCE, RUN_LOCK_RESOURCE},
)
def mart_dbt_assets(context: dg.AssetExecutionContext):
    yield from _dbt_build(context)


class CscDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two start-up costs this project never uses (measured on the council
    preset: ~3.5 s in the first dbt step of a run, ~0.6 s in the second):
      * it runs `dbt --version` in a subprocess (a whole dbt start-up, ~2.5 s) to learn the version: the venv's
        dbt is the installed dbt-core package, whose version the package metadata gives;
      * it builds a dbt adapter in this process (imports dbt, loads its macros) for `fetch_row_counts()` and
        `fetch_column_metadata()`, which the project's dbt assets never call.
    tests/transform/test_dbt_project.py checks that dagster-dbt still has both hooks."""

    @cached_property
    def _cli_version(self) -> Version:
        if self.runs_in_process:
            return Version(importlib.metadata.version("dbt-core"))
        return super()._cli_version  # another dbt: ask it

    def _initialize_dbt_core_adapter(self, args):
        return None

    @property
    def runs_in_process(self) -> bool:
        """The venv's dbt runs inside the run worker (dbt_in_process.py); another dbt executable as a subprocess."""
        return Path(self.dbt_executable) == Path(sys.executable).with_name("dbt")

    def cli(self, *args, cwd: Path | None = None, **kwargs):
        """dagster-dbt's `cli`, with dbt run inside this process (the venv's dbt) or bound to it (another dbt: if the
        run worker is killed (kill -9, OOM), dbt gets SIGKILL too instead of running on as an orphan that holds the
        warehouse's write lock, which made the next run fail at its first warehouse step:
        tests/orchestration/test_kill_recovery.py). `cwd`: the folder the profile's relative paths start from
        (dbt_environment.py); a dbt subprocess runs there."""
        saved = dbt_cli_invocation.subprocess
        dbt_cli_invocation.subprocess = _DbtSubprocess(self.project_dir, cwd, in_process=self.runs_in_process)
        try:
            return super().cli(*args, **kwargs)
        finally:
            dbt_cli_invocation.subprocess = saved


# util-linux's setpriv sets the child's parent-death signal before it execs dbt (no preexec_fn in a threaded
# process); where it is missing, dbt runs unbound as before.
SETPRIV = shutil.which("setpriv")


class _DbtSubprocess:
    """`subprocess` as dagster-dbt's invocation sees it while `CscDbtCliResource.cli` starts dbt."""

    def __init__(self, project_dir: str, cwd: Path | None, in_process: bool):
        self.project_dir, self.cwd, self.in_process = project_dir, cwd, in_process

    def __getattr__(self, name: str):
        return getattr(subprocess, name)

    def Popen(self, args, **kwargs):  # noqa: N802 (subprocess's name)
        if self.in_process:
            return DbtInProcess(args, kwargs["env"], Path(self.project_dir), Path(self.cwd or self.project_dir))
        if self.cwd is not None:  # dagster-dbt starts dbt in the project folder; from elsewhere dbt must be told it
            args, kwargs = [*args, "--project-dir", str(self.project_dir)], {**kwargs, "cwd": str(self.cwd)}
        bound = [SETPRIV, "--pdeathsig", "KILL", "--"] if SETPRIV else []
        return subprocess.Popen([*bound, *args], **kwargs)


def dbt_resource() -> DbtCliResource:
    # the venv's dbt, found even when the venv is not activated (PATH without .venv/bin)
    return CscDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())


transform_assets = [working_days, dfe_benchmarks, child_population, staging_dbt_assets, mart_dbt_assets]
