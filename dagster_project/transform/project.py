"""The dbt project as Dagster sees it. Importing this never runs dbt: the manifest is built by
`python -m dagster_project.transform.prepare` (a build step, run by the Makefile before Dagster loads)."""

from __future__ import annotations

from dagster_dbt import DbtProject

from dagster_project.settings import PROJECT_ROOT

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
