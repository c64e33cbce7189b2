"""Dagster wiring for the raw layer: one asset per export file, loaded together in one step."""

import dagster as dg

from dagster_project.contract.model import load_contract
from dagster_project.ingest.discovery import BlockingProblem, IncompleteExtractError, choose_target, missing_files
from dagster_project.ingest.load import LoadResult, load_extract
from dagster_project.ingest.target import target_extract_date
from dagster_project.run_context import DQ_EVIDENCE_RESOURCE, RUN_LOCK_RESOURCE, WAREHOUSE_WRITER_POOL
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
        # positions (1 = first column), never names: a header line may hold delivered values
        "schema_drift_columns": dg.MetadataValue.json(result.drift_positions),
        "sha256": result.sha256,
        "encoding": result.encoding,
        "bytes": dg.MetadataValue.int(result.bytes),
        "message": result.message,
        "seconds": dg.MetadataValue.float(round(result.seconds, 3)),
    }


@dg.multi_asset(
    name="raw_exports",
    specs=[_spec(name) for name in load_contract().files],
    pool=WAREHOUSE_WRITER_POOL,
    can_subset=False,
    required_resource_keys={RUN_LOCK_RESOURCE, DQ_EVIDENCE_RESOURCE},
    description="Loads the run's target extract (every required file, and the optional files it holds) into "
    "the raw layer of the DuckDB warehouse.",
)
def raw_exports(context: dg.AssetExecutionContext):
    getattr(context.resources, RUN_LOCK_RESOURCE).hold(context)
    paths = get_paths()
    requested = target_extract_date(context)
    try:
        extract_date, folder = choose_target(paths.raw_dir, requested)
        outcome = load_extract(paths.warehouse, folder, extract_date, context.run_id)
    except IncompleteExtractError as error:
        folder = paths.raw_dir / requested
        problems = [
            BlockingProblem(name, "file_present", str(error), "completeness")
            for name in (missing_files(folder) if folder.is_dir() else ["(extract folder)"])
        ]
        _record(context, requested, problems)
        raise dg.Failure(description=str(error), allow_retries=False) from None
    except WarehouseLockedError as error:
        raise dg.Failure(description=str(error), allow_retries=False) from None
    for result in outcome.results.values():
        noteworthy = not result.ok or result.rows_rejected or result.drift_columns
        (context.log.warning if noteworthy else context.log.info)(result.message)
    if outcome.expired_extracts:
        context.log.info(f"Retention removed raw rows of extracts {', '.join(outcome.expired_extracts)}.")
    if outcome.failures:
        problems = [BlockingProblem(f.file, "file_usable", f.message, "validity") for f in outcome.failures]
        _record(context, extract_date, problems)
        raise dg.Failure(description=outcome.failure_message(), allow_retries=False)
    for name, result in outcome.results.items():
        yield dg.MaterializeResult(asset_key=raw_asset_key(name), metadata=_metadata(result, extract_date))


def _record(context: dg.AssetExecutionContext, extract_date: str, problems: list[BlockingProblem]) -> None:
    """A run stopped at ingest still leaves its data-quality evidence (auditors need blocked runs most).

    Ingest only says what is wrong; the quality area's evidence writer, bound to the resource key in
    `definitions`, records it (ingest never imports quality).
    """
    getattr(context.resources, DQ_EVIDENCE_RESOURCE).record_blocking_problems(context.run_id, extract_date, problems)


raw_assets = [raw_exports]
