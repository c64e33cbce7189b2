import shutil
from pathlib import Path

import pytest

CONFORMANCE = Path(__file__).resolve().parents[1] / "fixtures" / "conformance" / "2020-03-31"


@pytest.fixture
def landing(tmp_path, monkeypatch):
    """An empty landing zone and data dir, wired through the environment."""
    raw, data = tmp_path / "raw", tmp_path / "data"
    raw.mkdir()
    monkeypatch.setenv("CSC_RAW_DIR", str(raw))
    monkeypatch.setenv("CSC_DATA_DIR", str(data))
    monkeypatch.delenv("CSC_EXTRACT_DATE", raising=False)
    monkeypatch.delenv("CSC_NOW", raising=False)
    return raw


def drop_extract(raw: Path, date: str) -> Path:
    """A complete extract folder (the conformance files) dated `date`."""
    folder = raw / date
    shutil.copytree(CONFORMANCE, folder)
    for f in folder.iterdir():
        f.chmod(0o644)
    return folder
