"""Assembles the code location from the areas; each area owns its assets, checks, schedules and sensors."""

import dagster as dg

from dagster_project.ingest.assets import raw_assets
from dagster_project.orchestration.jobs import nightly_job
from dagster_project.orchestration.run_guard import RunLock
from dagster_project.orchestration.schedules import nightly_schedule
from dagster_project.orchestration.sensors import (
    dead_run_sensor,
    extract_freshness_sensor,
    new_extract_sensor,
    run_failure_alert_sensor,
    run_success_recorder,
)
from dagster_project.publish.assets import published_analytics_database
from dagster_project.quality.checks import raw_asset_checks, validated_asset_checks
from dagster_project.quality.resources import DqEvidence
from dagster_project.reports.assets import annex_a, report_outputs
from dagster_project.run_context import DQ_EVIDENCE_RESOURCE, RUN_LOCK_RESOURCE
from dagster_project.transform.assets import DBT_RESOURCE, dbt_resource, transform_assets

# What the areas ask for by key (run_context), bound here: the areas below never import the ones above.
resources = {DBT_RESOURCE: dbt_resource(), RUN_LOCK_RESOURCE: RunLock(), DQ_EVIDENCE_RESOURCE: DqEvidence()}

defs = dg.Definitions(
    assets=[*raw_assets, *transform_assets, published_analytics_database, report_outputs, annex_a],
    asset_checks=[*raw_asset_checks, *validated_asset_checks],
    jobs=[nightly_job],
    schedules=[nightly_schedule],
    sensors=[
        dead_run_sensor,
        new_extract_sensor,
        run_failure_alert_sensor,
        run_success_recorder,
        extract_freshness_sensor,
    ],
    resources=resources,
)
