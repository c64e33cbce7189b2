"""One real nightly run (ingest, checks, dbt, publish, reports) on the conformance extract with hostile values
planted (tests/security/hostile_extract.py), shared by the sweep tests, plus the DfE error list and Ofsted's
Annex A made from that run (`csc dq dfe-errors`, `csc annex-a`)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from dagster_project.settings import Paths
from tests.orchestration.cli_process import run_csc
from tests.pipeline.run_pipeline import run_pipeline
from tests.security.hostile_extract import PlantedExtract, plant

CONFORMANCE = Path(__file__).resolve().parents[1] / "fixtures" / "conformance" / "2020-03-31"
EXTRACT_DATE = "2020-03-31"


@dataclass(frozen=True)
class HostileRun:
    root: Path
    paths: Paths
    planted: PlantedExtract
    dfe_errors: Path
    dfe_errors_command: object
    annex_a_command: object


@pytest.fixture(scope="session")
def hostile_run(tmp_path_factory) -> HostileRun:
    root = tmp_path_factory.mktemp("hostile")
    raw = root / "raw" / EXTRACT_DATE
    shutil.copytree(CONFORMANCE, raw)
    planted = plant(raw)
    outcome, paths = run_pipeline(root, EXTRACT_DATE)
    assert outcome.success, f"{outcome.failed_step}: {outcome.error}"
    out = root / "out" / "dfe_errors.csv"
    command = run_csc(root, "dq", "dfe-errors", "--out", str(out))
    annex_a = run_csc(root, "annex-a")
    return HostileRun(root, paths, planted, out, command, annex_a)
