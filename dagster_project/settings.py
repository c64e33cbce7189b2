"""Where things are. Everything is read from the environment; the defaults work with no configuration.

See README "Configuration". Pure Python: no Dagster imports.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


# The restricted published database of the marts with a child or worker id (one spelling for every reader).
CHILD_LEVEL_DATABASE_NAME = "analytics_child_level.duckdb"


def child_level_beside(published_database: Path) -> Path:
    """The child-level database of a published database: `<data>/restricted/` beside `<data>/published/`."""
    return Path(published_database).parent.parent / "restricted" / CHILD_LEVEL_DATABASE_NAME


# A step's temporary folders (tempfile, removed when the step ends): GX's one-row rule-failure tables under
# `Paths.scratch_dir`, and a transcoded copy of a raw file being loaded beside the warehouse (national files are GBs;
# the system's /tmp may be small). A process killed meanwhile leaves its folder behind: the next run's recovery
# removes every folder of these names (orchestration/recovery.py), as it holds the run lock.
RULE_FAILURES_SCRATCH_PREFIX = "csc-rule-failures-"
INGEST_SCRATCH_PREFIX = "csc-ingest-"


@dataclass(frozen=True)
class Paths:
    raw_dir: Path
    data_dir: Path

    @property
    def warehouse(self) -> Path:
        """The working warehouse the pipeline writes. Analysts never open this file."""
        return self.data_dir / "warehouse" / "warehouse.duckdb"

    @property
    def published_dir(self) -> Path:
        return self.data_dir / "published"

    @property
    def published_database(self) -> Path:
        return self.published_dir / "analytics.duckdb"

    @property
    def history_database(self) -> Path:
        """Run, scorecard and data-quality history: appended on every run, blocked runs too."""
        return self.data_dir / "history" / "history.duckdb"

    @property
    def restricted_dir(self) -> Path:
        """Row-level data-quality failures (keys and line numbers only). Restrict access to this folder."""
        return self.data_dir / "restricted"

    @property
    def child_level_database(self) -> Path:
        """The marts with a child or worker id (visit_timeliness, the worklists...): owner-only, never in the
        world-readable published database (publish/database.py CHILD_LEVEL_MARTS)."""
        return self.restricted_dir / CHILD_LEVEL_DATABASE_NAME

    @property
    def scratch_dir(self) -> Path:
        """Temporary folders of a run's steps (GX's rule-failure tables), emptied of leftovers by recovery."""
        return self.data_dir / "scratch"

    def leftover_scratch(self) -> list[Path]:
        """The steps' temporary folders now present (a dead run's, when no run is alive)."""
        return sorted(
            [
                *self.scratch_dir.glob(f"{RULE_FAILURES_SCRATCH_PREFIX}*"),
                *self.warehouse.parent.glob(f"{INGEST_SCRATCH_PREFIX}*"),
            ]
        )

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def dagster_home(self) -> Path:
        return Path(os.environ["DAGSTER_HOME"]) if os.environ.get("DAGSTER_HOME") else self.data_dir / "dagster_home"


def get_paths() -> Paths:
    raw = Path(os.environ.get("CSC_RAW_DIR") or PROJECT_ROOT / "raw")
    data = Path(os.environ.get("CSC_DATA_DIR") or PROJECT_ROOT / "data")
    return Paths(raw_dir=raw.resolve(), data_dir=data.resolve())


def requested_extract_date() -> str | None:
    """`CSC_EXTRACT_DATE`: build from this extract instead of the newest."""
    return os.environ.get("CSC_EXTRACT_DATE") or None


def la_code() -> str | None:
    """`CSC_LA_CODE`: the council's DfE three-digit LA number (e.g. 884), naming its region and statistical
    neighbours in the DfE comparators (dagster_project/benchmarks/council.py checks it). Unset: England only."""
    return (os.environ.get("CSC_LA_CODE") or "").strip() or None


# One memory budget for the whole job (README "Performance"), in GB of 10^9 bytes as DuckDB counts them. DuckDB
# is the only large consumer; the rest is kept for the Python processes themselves (the Dagster run worker and
# the dbt subprocess: 1.2 GB together at the national preset, so a 1.0 GB reserve let the job reach 4.22 GB of
# a 4 GB budget). The dbt steps pass DuckDB's share to dbt/profiles.yml as CSC_DUCKDB_MEMORY_LIMIT.
MEMORY_BUDGET_GB_DEFAULT = 4.0
PYTHON_RESERVE_GB = 1.3


def memory_budget_gb() -> float:
    """`CSC_MEMORY_BUDGET_GB`: the most memory the nightly job may use, all processes together."""
    return float(os.environ.get("CSC_MEMORY_BUDGET_GB") or MEMORY_BUDGET_GB_DEFAULT)


def duckdb_memory_limit_gb() -> float:
    return max(0.5, memory_budget_gb() - PYTHON_RESERVE_GB)


def duckdb_memory_limit() -> str:
    return f"{duckdb_memory_limit_gb():g}GB"


def duckdb_config() -> dict[str, str]:
    """Settings for every DuckDB connection the job opens: bounded memory, spilling to the data folder."""
    temp = get_paths().data_dir / "duckdb_tmp"
    temp.mkdir(parents=True, exist_ok=True)
    temp.chmod(0o700)  # spill files hold warehouse rows: owner-only (file_modes.py; settings sits below it)
    return {"memory_limit": duckdb_memory_limit(), "temp_directory": str(temp)}
