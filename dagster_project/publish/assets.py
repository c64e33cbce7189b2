"""The published analysts' database as the last asset of the graph."""

import datetime as dt

import dagster as dg

from dagster_project.ingest.origin import extract_origin, origin_label
from dagster_project.ingest.target import target_extract_date
from dagster_project.publish.database import publish
from dagster_project.publish.history import RunRecord, record_run
from dagster_project.publish.run_metadata import code_version, input_files, run_settings
from dagster_project.quality.results import blocking_failures
from dagster_project.run_context import RUN_LOCK_RESOURCE, WAREHOUSE_WRITER_POOL
from dagster_project.settings import get_paths

# The marts analysts rely on (docs/published-database.md); dagster-dbt keys models and seeds by name.
PUBLISHED_MARTS = ("scorecard", "assessment_timeliness", "visit_timeliness", "caseload", "measures")
# Added for the reports (dagster_project/reports/): the team breakdown and the worklists' sources.
REPORT_MARTS = (
    "scorecard_by_team",
    "scorecard_by_service_area",
    "team_directory",
    "worklist_open_assessments",
    "worklist_unallocated_children",
    "worklist_workers",
    "worklist_front_door_contacts",
)


@dg.asset(
    key=["published", "analytics_database"],
    deps=[dg.AssetKey(name) for name in (*PUBLISHED_MARTS, *REPORT_MARTS)],
    group_name="publish",
    pool=WAREHOUSE_WRITER_POOL,
    required_resource_keys={RUN_LOCK_RESOURCE},
    description=(
        "published/analytics.duckdb: the aggregate marts plus scorecard_history, runs and dq_results, written to "
        "a new file and renamed over the old one only after every blocking check passed; the marts with a child or "
        "worker id go to restricted/analytics_child_level.duckdb (owner-only)."
    ),
)
def published_analytics_database(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    getattr(context.resources, RUN_LOCK_RESOURCE).hold(context)
    paths = get_paths()
    # Second gate behind Dagster's blocking checks: never publish over a blocking data-quality failure.
    blocking = blocking_failures(paths.history_database, context.run_id)
    if blocking:
        named = [f"{r['source_file']}: {r['check_name']} ({r['rows_failed']} rows)" for r in blocking[:10]]
        raise dg.Failure(description="Not published: blocking data-quality checks failed: " + "; ".join(named))
    stats = context.instance.get_run_stats(context.run_id)
    started = dt.datetime.fromtimestamp(stats.start_time) if stats.start_time else None
    extract_date = target_extract_date(context)
    origin = extract_origin(paths.raw_dir / extract_date)
    # Recorded before the copy is made, so the published marts.runs describes this run in full.
    record_run(
        paths.history_database,
        RunRecord(
            run_id=context.run_id,
            extract_date=extract_date,
            started_at=started,
            finished_at=None,
            status="running",
            code_version=code_version(),
            settings=run_settings(),
            input_files=input_files(extract_date),
            data_origin=origin,
        ),
    )
    result = publish(
        paths.warehouse,
        paths.history_database,
        paths.published_database,
        context.run_id,
        extract_date,
        run_started_at=started,
        data_origin=origin,
        child_level=paths.child_level_database,
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(result.path)),
            "data_origin": origin_label(origin),
            **{f"rows_{table}": dg.MetadataValue.int(rows) for table, rows in result.tables.items()},
        }
    )
