"""The dbt steps' profile values are the same for every data folder (dbt_environment.py), and still name that
folder's warehouse and DuckDB temp directory once dbt runs from it."""

from pathlib import Path

import jinja2
import pytest
import yaml

from dagster_project.settings import Paths
from dagster_project.transform.dbt_environment import WAREHOUSE_FROM_DATA_DIR, dbt_environment
from dagster_project.transform.project import DBT_PROJECT_DIR

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


def _rendered_profile(env: dict[str, str]) -> dict:
    """dbt/profiles.yml's warehouse output, rendered as dbt renders it (env_var with its default)."""
    text = (DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8")
    rendered = jinja2.Template(text).render(env_var=lambda name, default=None: env.get(name, default))
    return yaml.safe_load(rendered)["csc_warehouse"]["outputs"]["warehouse"]


def test_run_from_the_data_folder_the_profile_names_its_warehouse_and_temp_directory(tmp_path):
    profile = _rendered_profile(dbt_environment())
    data_dir = tmp_path / "data"
    assert (data_dir / profile["path"]).resolve() == Paths(raw_dir=tmp_path, data_dir=data_dir).warehouse.resolve()
    assert (data_dir / profile["config_options"]["temp_directory"]).resolve() == (data_dir / "duckdb_tmp").resolve()


def test_the_profile_values_do_not_depend_on_the_data_folder(monkeypatch):
    first = dbt_environment()
    monkeypatch.setenv("CSC_DATA_DIR", "/somewhere/else")
    assert dbt_environment() == first and not Path(WAREHOUSE_FROM_DATA_DIR).is_absolute()
