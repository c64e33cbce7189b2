"""The reports asset sits downstream of the published database in the nightly job, so a blocked or failed
publish never reaches it (the real failed and blocked runs: tests/pipeline/test_failure_handling.py)."""

import dagster as dg

from dagster_project.definitions import defs


def test_reports_asset_depends_on_the_published_database_and_is_in_the_nightly_job():
    graph = defs.resolve_asset_graph()
    reports = dg.AssetKey(["reports", "scorecards_and_worklists"])
    assert dg.AssetKey(["published", "analytics_database"]) in graph.get(reports).parent_keys
    job = defs.resolve_job_def("nightly")
    assert reports in job.asset_layer.selected_asset_keys
