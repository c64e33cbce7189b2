"""Where and with what environment the dbt steps run: the same values for every data folder, so dbt's saved parse
holds from the first run on.

dbt re-parses the whole project (about 3 s of a step) when its profile's connection values differ from those of
the saved parse. The profile's warehouse path and DuckDB temp directory used to be absolute paths under
CSC_DATA_DIR, so every new data folder (a council's first night, every test's run) re-parsed in full. The dbt steps
now run from the data folder with those paths relative to it, and `make setup` parses with the same values
(`prepare.py`), so a new data folder's first dbt step reuses that parse. Pure Python: no Dagster imports.
"""

from __future__ import annotations

from pathlib import Path

from dagster_project.settings import duckdb_memory_limit

# Paths.warehouse relative to Paths.data_dir, as dbt/profiles.yml reads it (its DuckDB temp directory, the data
# folder's duckdb_tmp/, is derived from it there). "./" keeps the derivation right for a relative path.
WAREHOUSE_FROM_DATA_DIR = "./warehouse/warehouse.duckdb"
# dbt's saved parse, in a target folder: `make setup` writes dbt/target's; every dbt command starts from a copy.
PARTIAL_PARSE_FILE = "partial_parse.msgpack"


def dbt_environment() -> dict[str, str]:
    """The profile's environment variables for a dbt step run from the data folder."""
    return {
        "CSC_WAREHOUSE_PATH": WAREHOUSE_FROM_DATA_DIR,
        "CSC_DUCKDB_MEMORY_LIMIT": duckdb_memory_limit(),  # DuckDB's share of the job's memory budget
    }


def profile_paths_from(data_dir: Path) -> dict[str, str]:
    """The profile's paths made absolute from the data folder, for dbt run in a process that does not start there
    (dbt in the run worker: dbt_in_process.py). Its parse is not checked against the saved one, so they may differ."""
    return {"CSC_WAREHOUSE_PATH": str((Path(data_dir) / WAREHOUSE_FROM_DATA_DIR).resolve())}
