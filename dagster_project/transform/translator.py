"""How dbt nodes become Dagster assets: sources onto the keys their producers use, models keep default keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator


class CscDbtTranslator(DagsterDbtTranslator):
    """Sources `raw.<file>` -> AssetKey(["raw", file]) (the ingest assets) and `reference.working_days` ->
    AssetKey(["reference", "working_days"]) (the calendar asset), so lineage is one graph. Models and seeds: the
    bare model name (e.g. AssetKey(["scorecard"])), in a group per layer."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        meta = (dbt_resource_props.get("config") or {}).get("meta") or dbt_resource_props.get("meta") or {}
        if meta.get("dagster", {}).get("asset_key"):
            return dg.AssetKey(meta["dagster"]["asset_key"])
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        # dagster-dbt's default would prefix the configured schema (["marts", "scorecard"]); the project's
        # shared decision is the bare model name.
        return dg.AssetKey([dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        tags = dbt_resource_props.get("tags") or []
        if "staging" in tags:
            return "staging"
        if "marts" in tags:
            return "marts"
        return super().get_group_name(dbt_resource_props)
