"""Real Dagster materializations of the raw assets on a persistent instance under CSC_DATA_DIR."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from dagster_project.contract import load_contract
from dagster_project.definitions import resources
from dagster_project.ingest.assets import raw_assets
from dagster_project.ingest.discovery import IncompleteExtractError, choose_target, list_extracts, missing_files
from dagster_project.orchestration.instance import get_instance
from dagster_project.run_context import EXTRACT_DATE_TAG, WAREHOUSE_WRITER_POOL
from dagster_project.settings import get_paths
from dagster_project.warehouse import connect

DATE = "2020-03-31"


def failure_description(result: dg.ExecuteInProcessResult) -> str:
    [event] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    return event.step_failure_data.user_failure_data.description


def test_materializes_all_raw_assets_with_metadata(env: Path, raw_dir: Path):
    instance = get_instance()
    assert get_paths().dagster_home == env / "dagster_home"
    assert instance.root_directory == str(env / "dagster_home")
    result = dg.materialize(raw_assets, resources=resources, instance=instance, tags={"csc/extract_date": DATE})
    assert result.success
    materializations = {m.asset_key.path[1]: m.metadata for m in result.asset_materializations_for_node("raw_exports")}
    # every contract file: the required 11 loaded, the optional files this extract leaves out as not provided
    assert len(materializations) == len(load_contract().files) == 23  # 11 required, 12 optional
    assert {name for name, m in materializations.items() if m["status"].value != "loaded"} == set(
        load_contract().absent_optional_files(raw_dir / DATE)
    )
    visits = materializations["visits"]
    assert visits["rows_loaded"].value == 2192 and visits["rows_rejected"].value == 0
    assert visits["encoding"].value == "utf-8" and len(visits["sha256"].value) == 64
    assert visits["schema_drift_columns"].value == []
    with connect(get_paths().warehouse, read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM raw.visits").fetchone() == (2192,)


def test_run_history_survives_an_instance_restart(env: Path):
    first = dg.materialize(raw_assets, resources=resources, instance=get_instance(), tags={"csc/extract_date": DATE})
    restarted = get_instance()  # a new DagsterInstance on the same DAGSTER_HOME
    run = restarted.get_run_by_id(first.run_id)
    assert run is not None and run.is_success
    assert restarted.get_latest_materialization_event(dg.AssetKey(["raw", "children"])).run_id == first.run_id


def test_the_warehouse_pool_allows_one_writer(env: Path):
    instance = get_instance()
    assert instance.event_log_storage.get_concurrency_info(WAREHOUSE_WRITER_POOL).slot_count == 1
    assert raw_assets[0].op.pool == WAREHOUSE_WRITER_POOL
    assert "granularity: op" in (env / "dagster_home" / "dagster.yaml").read_text()


def test_the_instance_runs_one_run_at_a_time(env: Path):
    assert get_instance().get_concurrency_config().run_queue_config.max_concurrent_runs == 1


def test_an_incomplete_newest_extract_stops_the_run(env: Path, raw_dir: Path):
    newest = raw_dir / "2020-04-30"
    newest.mkdir()
    for name in ["children.csv", "teams.csv"]:
        (newest / name).write_bytes((raw_dir / DATE / name).read_bytes())
    (raw_dir / "2020-04-30.defects.csv").write_text("ignored\n")
    result = dg.materialize(raw_assets, resources=resources, instance=get_instance(), raise_on_error=False)
    assert not result.success
    message = failure_description(result)
    assert "Extract 2020-04-30" in message and "incomplete" in message
    assert "missing workers.csv, allocations.csv" in message and "visits.csv" in message
    assert "children.csv" not in message.split("missing")[1]
    assert not get_paths().warehouse.exists()  # nothing loaded, no fallback to 2020-03-31


def test_env_extract_date_selects_an_older_complete_extract(env: Path, raw_dir: Path, monkeypatch):
    (raw_dir / "2020-04-30").mkdir()
    monkeypatch.setenv("CSC_EXTRACT_DATE", DATE)
    result = dg.materialize(raw_assets, resources=resources, instance=get_instance())
    assert result.success
    with connect(get_paths().warehouse, read_only=True) as conn:
        assert conn.execute("SELECT DISTINCT _extract_date::VARCHAR FROM raw.teams").fetchall() == [(DATE,)]


def test_a_bad_file_fails_the_run_naming_it(env: Path, raw_dir: Path):
    (raw_dir / DATE / "teams.csv").write_text("team_id,team_name\nT1,Front door\n", encoding="utf-8")
    result = dg.materialize(
        raw_assets, resources=resources, instance=get_instance(), tags={EXTRACT_DATE_TAG: DATE}, raise_on_error=False
    )
    assert not result.success
    assert "2020-03-31/teams.csv: missing required column service_area" in failure_description(result)


def test_a_locked_warehouse_fails_with_the_lock_message(env: Path, lock_holder):
    holder = lock_holder(get_paths().warehouse)
    result = dg.materialize(
        raw_assets, resources=resources, instance=get_instance(), tags={EXTRACT_DATE_TAG: DATE}, raise_on_error=False
    )
    assert not result.success
    message = failure_description(result)
    assert f"is locked by process {holder.pid}" in message and "Traceback" not in message


def test_discovery_ignores_other_entries_and_never_falls_back(raw_dir: Path):
    (raw_dir / "2020-03-31.defects.csv").write_text("x\n")
    (raw_dir / "notes").mkdir()
    (raw_dir / ".2021-02-01.partial").mkdir()  # the generator writes here before renaming
    (raw_dir / "2021-01-01").mkdir()
    assert list_extracts(raw_dir) == [DATE, "2021-01-01"]
    assert missing_files(raw_dir / DATE) == []
    assert len(missing_files(raw_dir / "2021-01-01")) == len(load_contract().required_file_names) == 11
    assert choose_target(raw_dir, DATE) == (DATE, raw_dir / DATE)
    with pytest.raises(IncompleteExtractError, match="2021-01-01 .* is incomplete: missing children.csv"):
        choose_target(raw_dir, None)
    with pytest.raises(IncompleteExtractError, match="Extract 2019-01-01 not found"):
        choose_target(raw_dir, "2019-01-01")
