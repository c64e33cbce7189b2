"""What every step of a run shares: the run's tags and the warehouse writer pool. Names only, no logic.

The bottom layer (with `settings`): ingest, quality, transform and publish read a run's tags, and
orchestration sets them, so their one spelling lives here rather than in any of those areas.
"""

# The extract the run is for (YYYY-MM-DD). Set by `csc run`, the schedule, the sensor and backfills at
# launch, so every step of a run agrees even if a newer extract lands mid-run.
EXTRACT_DATE_TAG = "csc/extract_date"

# Who launched the run: cli, schedule, sensor, backfill, test, benchmark.
TRIGGER_TAG = "csc/trigger"

# The process that runs the run (set when it takes the run lock): recovery tells a dead run from a live one.
PID_TAG = "csc/pid"

# The hash of the extract's 11 files: the sensor's run key, set by every launcher so they agree.
CONTENT_HASH_TAG = "csc/content_hash"

# The Dagster pool of every step that opens the DuckDB warehouse. Limited to one slot: DuckDB allows one
# writer, and dbt fails if any process holds the file.
WAREHOUSE_WRITER_POOL = "duckdb_writer"

# Resource keys by which the areas below orchestration ask for what orchestration and quality provide
# (bound in `definitions`): the whole-run lock, and the writer of data-quality evidence for problems found
# before any check can run (an incomplete extract, an unreadable file).
RUN_LOCK_RESOURCE = "run_lock"
DQ_EVIDENCE_RESOURCE = "dq_evidence"
