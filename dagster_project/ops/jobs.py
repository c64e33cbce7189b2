"""The one job: ingest -> checks -> dbt -> publish, the whole asset graph.

Executor: in-process. Measured on this 2-core machine (tests/benchmarks/executor_comparison.py, the
conformance extract): 39 s in-process against 96 s with the multiprocess executor. The graph is a chain of
DuckDB writers that can never run in parallel anyway (one writer per file), so per-step subprocesses
only add start-up time.
"""

import dagster as dg

from dagster_project.ingest.target import EXTRACT_DATE_TAG

__all__ = ["CONTENT_HASH_TAG", "EXTRACT_DATE_TAG", "PID_TAG", "nightly_job"]

# The process that runs the run (set when it takes the run lock): recovery tells a dead run from a live one.
PID_TAG = "csc/pid"

# The hash of the extract's 11 files: the sensor's run key, set by every launcher so they agree.
CONTENT_HASH_TAG = "csc/content_hash"

nightly_job = dg.define_asset_job(
    name="nightly",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Load the target extract, check it, build the marts and publish analytics.duckdb.",
)
