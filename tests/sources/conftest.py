from pathlib import Path

import pytest

from dagster_project.cli import main as csc
from tests.orchestration.conftest import landing  # noqa: F401 - an empty landing zone wired through the environment
from tests.pipeline.run_pipeline import run_pipeline

# A fake CIN census return (MIT, data-to-insight/csc-validator-be-cin; tests/fixtures/dfe/NOTICE.md). The DfE CIN
# validator's golden file was made from it; tests/fixtures/peer_cin_census/ holds the same file, byte for byte.
FAKE_CIN_CENSUS = Path(__file__).resolve().parents[1] / "fixtures" / "dfe" / "fake_CIN_data.xml"
FAKE_CIN_CENSUS_DATE = "2022-07-21"  # the file's own header reference date


@pytest.fixture(scope="session")
def cin_census_run(tmp_path_factory):
    """(outcome, paths, root) of one real nightly run of the imported fake CIN census, default settings, shared
    by test_statutory_pipeline.py and test_dfe_parity_end_to_end.py (each made the same run before). Read it."""
    root = tmp_path_factory.mktemp("cin_census_run")
    assert csc(["import", "cin-census", str(FAKE_CIN_CENSUS), "--out", str(root / "raw")]) == 0
    outcome, paths = run_pipeline(root, FAKE_CIN_CENSUS_DATE)
    return outcome, paths, root
