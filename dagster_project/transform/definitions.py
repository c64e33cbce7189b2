"""The transformation's part of the code location, for dagster_project/definitions.py to merge in."""

from __future__ import annotations

import dagster as dg

from dagster_project.transform.assets import dbt_resource, transform_assets

defs = dg.Definitions(assets=transform_assets, resources={"dbt": dbt_resource()})
