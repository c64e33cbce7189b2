"""Fixtures for the ingestion tests: real files in tmp folders, real DuckDB, real Dagster."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CONFORMANCE = Path(__file__).resolve().parents[1] / "fixtures" / "conformance" / "2020-03-31"
CONFORMANCE_DATE = "2020-03-31"


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    """A landing zone holding a copy of the clean conformance extract."""
    raw = tmp_path / "raw"
    shutil.copytree(CONFORMANCE, raw / CONFORMANCE_DATE)
    return raw


@pytest.fixture
def extract(raw_dir: Path) -> Path:
    return raw_dir / CONFORMANCE_DATE


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "data" / "warehouse" / "warehouse.duckdb"


@pytest.fixture
def env(tmp_path: Path, raw_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """CSC_RAW_DIR / CSC_DATA_DIR pointing at tmp; DAGSTER_HOME unset so it defaults under CSC_DATA_DIR."""
    data = tmp_path / "data"
    monkeypatch.setenv("CSC_RAW_DIR", str(raw_dir))
    monkeypatch.setenv("CSC_DATA_DIR", str(data))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("CSC_EXTRACT_DATE", raising=False)
    monkeypatch.delenv("CSC_RAW_RETENTION_EXTRACTS", raising=False)
    return data


@pytest.fixture
def lock_holder():
    """Start a real second process that opens a DuckDB file for writing and keeps it open."""
    started: list[subprocess.Popen] = []

    def hold(path: Path) -> subprocess.Popen:
        path.parent.mkdir(parents=True, exist_ok=True)
        code = (
            "import duckdb, sys, time\n"
            f"c = duckdb.connect({str(path)!r})\n"
            "print('ready', flush=True)\n"
            "time.sleep(120)\n"
        )
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        started.append(proc)
        assert proc.stdout.readline().strip() == "ready"  # printed once the file is open: the lock is held
        return proc

    yield hold
    for proc in started:
        proc.kill()
        proc.wait()
