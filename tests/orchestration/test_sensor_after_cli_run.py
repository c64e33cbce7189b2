"""`make ui` after `make run` must not run the same extract again.

A real `csc run` on a private landing zone and data folder, then the new-extract sensor evaluated the
way the daemon evaluates it when `make ui` starts: first evaluation (no cursor), over the persistent
Dagster instance under CSC_DATA_DIR that `csc run` used. The probe found the sensor re-ran the extract.
"""

from __future__ import annotations

import shutil

import dagster as dg
import pytest

from dagster_project.orchestration.extract_state import content_hash
from dagster_project.orchestration.sensors import new_extract_sensor
from dagster_project.run_context import CONTENT_HASH_TAG, EXTRACT_DATE_TAG
from tests.orchestration.cli_process import instance_for
from tests.orchestration.conftest import copy_of_good_run, drop_extract

DATE = "2020-03-31"


@pytest.fixture(scope="module")
def after_csc_run(tmp_path_factory, good_conformance_run):
    """One real `csc run` of the conformance extract; the tests read its Dagster instance and never change it."""
    root = copy_of_good_run(good_conformance_run, tmp_path_factory.mktemp("sensor-after-cli-run"))
    return root, root / "raw" / DATE


def test_the_sensor_does_not_rerun_an_extract_csc_run_already_ran(after_csc_run, monkeypatch):
    root, folder = after_csc_run
    monkeypatch.setenv("CSC_RAW_DIR", str(root / "raw"))
    monkeypatch.setenv("CSC_DATA_DIR", str(root / "data"))
    with instance_for(root) as instance:
        # The run `csc run` made is in the persistent instance, tagged with the sensor's own key.
        [cli_run] = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.SUCCESS]))
        assert cli_run.tags[CONTENT_HASH_TAG] == content_hash(folder)
        result = new_extract_sensor(dg.build_sensor_context(instance=instance))
    assert result.run_requests == []
    assert f"{DATE} already ran successfully" in result.skip_reason.skip_message


def test_the_sensor_still_runs_a_new_extract_after_a_csc_run(after_csc_run, tmp_path, monkeypatch):
    root, folder = after_csc_run
    # A landing zone holding the extract `csc run` ran and a newer one (the shared landing zone stays as it was).
    raw = tmp_path / "raw"
    shutil.copytree(folder, raw / DATE)
    newer = drop_extract(raw, "2020-04-30")
    # Different content (the run key is the content hash, not the folder name): one more blank line.
    children = newer / "children.csv"
    children.write_bytes(children.read_bytes() + b"\n")
    monkeypatch.setenv("CSC_RAW_DIR", str(raw))
    monkeypatch.setenv("CSC_DATA_DIR", str(root / "data"))
    with instance_for(root) as instance:
        result = new_extract_sensor(dg.build_sensor_context(instance=instance))
    assert [r.tags[EXTRACT_DATE_TAG] for r in result.run_requests] == ["2020-04-30"]
    assert result.run_requests[0].run_key == content_hash(newer)
