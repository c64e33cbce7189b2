"""Dagster wiring for the raw layer: one asset per export file, loaded together in one step."""

import dagster as dg

from dagster_project.contract.model import load_contract
from dagster_project.ingest.discovery import IncompleteExtractError, choose_target
from dagster_project.ingest.load import LoadResult, load_extract
from dagster_project.ingest.target import target_extract_date
from dagster_project.instance import WAREHOUSE_POOL
from dagster_project.settings import get_paths
from dagster_project.warehouse import WarehouseLockedError


def raw_asset_key(file: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", file])


def _spec(name: str) -> dg.AssetSpec:
    export = load_contract().files[name]
    return dg.AssetSpec(
        key=raw_asset_key(name),
        group_name="raw",
        kinds={"duckdb", "csv"},
        description=f"{export.file_name} of the target extract, values as delivered (VARCHAR) plus lineage "
        f"columns; grain {export.grain}. History of earlier extracts kept subject to CSC_RAW_RETENTION_EXTRACTS.",
    )


def _metadata(result: LoadResult, run_extract: str) -> dict:
    return {
        "extract_date": run_extract,
        "status": result.status,
        "rows_loaded": dg.MetadataValue.int(result.rows_loaded),
        "rows_rejected": dg.MetadataValue.int(result.rows_rejected),
        "schema_drift_columns": dg.MetadataValue.json(result.drift_columns),
        "sha256": result.sha256,
        "encoding": result.encoding,
        "bytes": dg.MetadataValue.int(result.bytes),
        "message": result.message,
        "seconds": dg.MetadataValue.float(round(result.seconds, 3)),
    }


@dg.multi_asset(
    name="raw_exports",
    specs=[_spec(name) for name in load_contract().files],
    pool=WAREHOUSE_POOL,
    can_subset=False,
    description="Loads the run's target extract (all 11 files) into the raw layer of the DuckDB warehouse.",
)
def raw_exports(context: dg.AssetExecutionContext):
    paths = get_paths()
    try:
        extract_date, folder = choose_target(paths.raw_dir, target_extract_date(context))
        outcome = load_extract(paths.warehouse, folder, extract_date, context.run_id)
    except (IncompleteExtractError, WarehouseLockedError) as error:
        raise dg.Failure(description=str(error), allow_retries=False) from None
    for result in outcome.results.values():
        noteworthy = not result.ok or result.rows_rejected or result.drift_columns
        (context.log.warning if noteworthy else context.log.info)(result.message)
    if outcome.expired_extracts:
        context.log.info(f"Retention removed raw rows of extracts {', '.join(outcome.expired_extracts)}.")
    if outcome.failures:
        raise dg.Failure(description=outcome.failure_message(), allow_retries=False)
    for name, result in outcome.results.items():
        yield dg.MaterializeResult(asset_key=raw_asset_key(name), metadata=_metadata(result, extract_date))


raw_assets = [raw_exports]
