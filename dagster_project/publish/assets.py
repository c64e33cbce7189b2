"""The published analysts' database as the last asset of the graph."""

import datetime as dt

import dagster as dg

from dagster_project.publish.database import publish
from dagster_project.publish.history import open_blocking_failures
from dagster_project.settings import get_paths

# The marts analysts rely on (published-interface.md); dagster-dbt keys models by name.
PUBLISHED_MARTS = ("scorecard", "assessment_timeliness", "visit_timeliness", "caseload")


@dg.asset(
    key=["published", "analytics_database"],
    deps=[dg.AssetKey(name) for name in PUBLISHED_MARTS],
    group_name="publish",
    pool="duckdb_writer",
    description=(
        "published/analytics.duckdb: the marts plus scorecard_history, runs and dq_results, written to a new "
        "file and renamed over the old one only after every blocking check passed."
    ),
)
def published_analytics_database(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    from dagster_project.ingest.target import target_extract_date

    paths = get_paths()
    # Second gate behind Dagster's blocking checks: never publish over a blocking data-quality failure.
    blocking = open_blocking_failures(paths.history_database, context.run_id)
    if blocking:
        raise dg.Failure(
            description="Not published: blocking data-quality checks failed: " + "; ".join(blocking[:10]),
        )
    stats = context.instance.get_run_stats(context.run_id)
    started = dt.datetime.fromtimestamp(stats.start_time) if stats.start_time else None
    result = publish(
        paths.warehouse,
        paths.history_database,
        paths.published_database,
        context.run_id,
        target_extract_date(context),
        run_started_at=started,
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(result.path)),
            **{f"rows_{table}": dg.MetadataValue.int(rows) for table, rows in result.tables.items()},
        }
    )
