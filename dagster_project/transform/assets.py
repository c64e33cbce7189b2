"""Dagster assets of the transformation: the working-day calendar and the dbt project in two steps.

`staging_dbt_assets` (tag:staging: seeds, staging views, the validated "records that count") runs first, so the
quality checks on the validated models can block `mart_dbt_assets` (tag:marts: intermediate models and marts).
dbt tests appear as asset checks. Both write the one DuckDB warehouse, so both take the duckdb_writer pool.
"""

import os

import dagster as dg
from dagster_dbt import DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from dagster_project.ingest.target import target_extract_date
from dagster_project.quality.render import stale_models
from dagster_project.run_context import RUN_LOCK_RESOURCE, WAREHOUSE_WRITER_POOL
from dagster_project.settings import get_paths
from dagster_project.transform.calendar_table import write_working_days
from dagster_project.transform.dbt_vars import dbt_build_args
from dagster_project.transform.prepare import dbt_executable
from dagster_project.transform.project import dbt_project
from dagster_project.transform.translator import CscDbtTranslator

WORKING_DAYS_KEY = dg.AssetKey(["reference", "working_days"])
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


def _dbt_build(context: dg.AssetExecutionContext):
    dbt: DbtCliResource = getattr(context.resources, DBT_RESOURCE)
    getattr(context.resources, RUN_LOCK_RESOURCE).hold(context)
    # dbt reads the warehouse path from its profile (env var); the run worker owns its process environment.
    os.environ["CSC_WAREHOUSE_PATH"] = str(get_paths().warehouse)
    args = dbt_build_args(
        extract_date=target_extract_date(context), run_id=context.run_id, raw_dir=get_paths().raw_dir
    )
    # dbt's artifacts and logs of a run go under CSC_DATA_DIR (one folder per run and step, replaced by the
    # next run of that step), so the code folder stays clean and may be read-only.
    target = get_paths().data_dir / "dbt" / context.op_def.name
    yield from dbt.cli(args, context=context, target_path=target).stream()


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


def dbt_resource() -> DbtCliResource:
    # the venv's dbt, found even when the venv is not activated (PATH without .venv/bin)
    return DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())


transform_assets = [working_days, staging_dbt_assets, mart_dbt_assets]
