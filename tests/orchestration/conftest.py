import shutil
from pathlib import Path

import pytest

CONFORMANCE = Path(__file__).resolve().parents[1] / "fixtures" / "conformance" / "2020-03-31"
CONFORMANCE_DATE = CONFORMANCE.name


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


def copy_of_good_run(good_run: Path, root: Path, *, data_except: tuple[str, ...] = ()) -> Path:
    """`root` becomes a copy of the good run's landing zone and data folder (modes and links kept: reports/latest
    stays a relative link into the copy); the folders of data/ named in `data_except` are left out, for the caller to
    place (e.g. on another filesystem)."""
    shutil.copytree(good_run / "raw", root / "raw", symlinks=True)
    shutil.copytree(
        good_run / "data",
        root / "data",
        symlinks=True,
        ignore=lambda folder, names: _top_level(good_run, folder, names, data_except),
    )
    return root


def _top_level(good_run: Path, folder: str, names: list[str], left_out: tuple[str, ...]) -> list[str]:
    return [name for name in names if Path(folder) == good_run / "data" and name in left_out]
