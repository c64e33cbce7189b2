"""`make docs`: the dbt documentation site is built offline and carries the measure definitions of docs/."""

from __future__ import annotations

import json

from dagster_project.catalogue import load_measures
from dagster_project.transform.docs_site import build_docs_site


def test_docs_site_carries_every_measure_definition(tmp_path):
    site = build_docs_site(tmp_path / "dbt_docs")
    html = site.read_text(encoding="utf-8")
    assert "<script src=" not in html  # one self-contained file: opens offline
    manifest = json.loads((tmp_path / "dbt_docs" / "manifest.json").read_text())
    scorecard = manifest["nodes"]["model.csc_warehouse.scorecard"]["description"]
    volumes = manifest["nodes"]["model.csc_warehouse.scorecard_volumes"]["description"]
    for measure in load_measures():
        assert f"`{measure.measure}`" in scorecard, measure.measure  # the catalogue table
        assert measure.title in html
    assert "second plan starting on the same day as the first is not earlier" in volumes
    assert "Which records count" in scorecard
