"""Assembles the code location from the areas; each area owns its assets, checks, schedules and sensors."""

import dagster as dg

from dagster_project.ingest.assets import raw_assets
from dagster_project.ops.jobs import nightly_job
from dagster_project.ops.schedules import nightly_schedule
from dagster_project.ops.sensors import (
    dead_run_sensor,
    extract_freshness_sensor,
    new_extract_sensor,
    run_failure_alert_sensor,
    run_success_recorder,
)
from dagster_project.publish.assets import published_analytics_database
from dagster_project.quality.checks import raw_asset_checks, staging_asset_checks
from dagster_project.reports.assets import report_outputs
from dagster_project.transform.assets import dbt_resource, transform_assets

defs = dg.Definitions(
    assets=[*raw_assets, *transform_assets, published_analytics_database, report_outputs],
    asset_checks=[*raw_asset_checks, *staging_asset_checks],
    jobs=[nightly_job],
    schedules=[nightly_schedule],
    sensors=[
        dead_run_sensor,
        new_extract_sensor,
        run_failure_alert_sensor,
        run_success_recorder,
        extract_freshness_sensor,
    ],
    resources={"dbt": dbt_resource()},
)
