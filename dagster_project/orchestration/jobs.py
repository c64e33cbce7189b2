"""The one job: ingest -> checks -> dbt -> publish -> reports, the whole asset graph but the on-demand Annex A.

Executor: in-process. Measured on this 2-core machine (tests/benchmarks/executor_comparison.py, the
conformance extract): 39 s in-process against 96 s with the multiprocess executor. The graph is a chain of
DuckDB writers that can never run in parallel anyway (one writer per file), so per-step subprocesses
only add start-up time.
"""

import dagster as dg

from dagster_project.reports.assets import ANNEX_A_KEY

NIGHTLY_JOB = "nightly"

nightly_job = dg.define_asset_job(
    name=NIGHTLY_JOB,
    # Annex A is on demand (the web UI or `csc annex-a`), not nightly: it is for an inspection.
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(ANNEX_A_KEY),
    executor_def=dg.in_process_executor,
    description="Load the target extract, check it, build the marts and publish analytics.duckdb.",
)
