"""The real nightly job on the hand-made extract, once per session for every module that reads it."""

from __future__ import annotations

import pytest

from tests.pipeline.hand_made_extract import EXTRACT_DATE, write_extract


@pytest.fixture(scope="session")
def hand_made_outcome(tmp_path_factory):
    """The outcome and paths of the published run of the hand-made extract, with CSC_LA_CODE=884 (Herefordshire)
    so that the comparators are there too. The council code changes only the DfE comparators and the rates'
    population; the hand-worked figures (test_hand_made_extract.py) hold no rate. A tenth of the extract's rows
    are defective on purpose: far above the share that blocks publishing in production (CSC_DQ_BLOCK_SHARE), so
    every rule lets it through. test_failure_handling.py starts from a copy of this run's folder."""
    from tests.pipeline.run_pipeline import run_pipeline

    root = tmp_path_factory.mktemp("hand_made")
    write_extract(root / "raw")
    outcome, paths = run_pipeline(root, EXTRACT_DATE, CSC_DQ_BLOCK_SHARE="1", CSC_LA_CODE="884")
    assert outcome.success, f"{outcome.failed_step}: {outcome.error}"
    return outcome, paths


@pytest.fixture(scope="session")
def hand_made_run(hand_made_outcome):
    """The paths of the hand-made extract's published run (hand_made_outcome); read it, never write to it."""
    return hand_made_outcome[1]
