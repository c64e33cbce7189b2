"""The instance's event log keeps its SQLite connections open (orchestration/event_storage.py) and stays Dagster's own
storage: the same files, readable by Dagster's plain SQLite storage and by another process, either way round."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from dagster_project.orchestration.event_storage import OPEN_SHARDS, PooledSqliteEventLogStorage
from dagster_project.orchestration.instance import get_instance
from dagster_project.settings import Paths

pytestmark = pytest.mark.fast  # a few tiny in-process materialisations, no pipeline run


@dg.asset
def probe() -> int:
    return 1


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """The project's DAGSTER_HOME (its dagster.yaml written by instance.py), under a fresh data folder."""
    monkeypatch.delenv("DAGSTER_HOME", raising=False)  # Paths.dagster_home prefers it: a fresh one, this test's own
    paths = Paths(raw_dir=tmp_path / "raw", data_dir=tmp_path / "data")
    monkeypatch.setenv("DAGSTER_HOME", str(paths.dagster_home))
    get_instance(paths).dispose()
    return paths.dagster_home


def plain_dagster_home(tmp_path: Path, storage_dir: Path) -> Path:
    """A DAGSTER_HOME whose dagster.yaml is Dagster's own SQLite storage on the same files."""
    plain = tmp_path / "plain_home"
    plain.mkdir()
    (plain / "dagster.yaml").write_text(yaml.safe_dump({"storage": {"sqlite": {"base_dir": str(storage_dir)}}}))
    return plain


def materialize_in_another_process(home: Path) -> None:
    code = (
        "import dagster as dg, sys\n"
        "@dg.asset\ndef probe():\n    return 2\n"
        "with dg.DagsterInstance.from_config(sys.argv[1]) as instance:\n"
        "    assert dg.materialize([probe], instance=instance).success\n"
    )
    subprocess.run([sys.executable, "-c", code, str(home)], check=True, timeout=120)


def test_the_project_instance_stores_events_through_the_pooled_event_log(home):
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.event_log_storage) is PooledSqliteEventLogStorage
        result = dg.materialize([probe], instance=instance)
        assert result.success
        assert instance.get_latest_materialization_event(dg.AssetKey("probe")).run_id == result.run_id
        assert instance.event_log_storage._engines  # the connections were kept for the next event


def test_dagsters_plain_sqlite_storage_reads_what_it_wrote_and_the_other_way_round(home, tmp_path):
    plain_home = plain_dagster_home(tmp_path, home / "storage")
    with dg.DagsterInstance.from_config(str(home)) as pooled:
        written_pooled = dg.materialize([probe], instance=pooled).run_id
    with dg.DagsterInstance.from_config(str(plain_home)) as plain:
        assert type(plain.event_log_storage) is SqliteEventLogStorage
        assert {r.run_id for r in plain.get_runs()} == {written_pooled}
        assert plain.get_latest_materialization_event(dg.AssetKey("probe")).run_id == written_pooled
        written_plain = dg.materialize([probe], instance=plain).run_id  # an existing council's history, before
    with dg.DagsterInstance.from_config(str(home)) as pooled:
        assert pooled.get_latest_materialization_event(dg.AssetKey("probe")).run_id == written_plain
        steps = [e.step_key for e in pooled.all_logs(written_plain) if e.is_dagster_event]
        assert "probe" in steps


def test_another_process_writes_are_seen_through_the_connections_kept_open(home):
    with dg.DagsterInstance.from_config(str(home)) as instance:
        first = dg.materialize([probe], instance=instance).run_id
        assert instance.get_latest_materialization_event(dg.AssetKey("probe")).run_id == first
        materialize_in_another_process(home)  # the daemon or a `csc run` beside a long-lived UI
        latest = instance.get_latest_materialization_event(dg.AssetKey("probe"))
        assert latest.run_id != first
        assert latest.asset_materialization is not None
        assert len(instance.get_runs()) == 2


def test_a_long_lived_process_keeps_few_files_open_and_reads_every_run(home):
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = [dg.materialize([probe], instance=instance).run_id for _ in range(OPEN_SHARDS + 2)]
        storage = instance.event_log_storage
        assert len(storage._engines) <= OPEN_SHARDS
        for run_id in runs:  # the oldest runs' engines were closed; reading them opens them again
            assert any(e.is_dagster_event and e.step_key == "probe" for e in instance.all_logs(run_id))
        assert len(storage._engines) <= OPEN_SHARDS


def test_the_dagster_internals_the_event_log_replaces_are_still_there(tmp_path):
    """event_storage.py replaces Dagster's private `_connect` and leans on `_initdb`, `_initialized_dbs` and
    `_db_lock`: if an upgrade renames them, the override would silently stop applying. This fails instead."""
    storage_class = SqliteEventLogStorage
    for name in ("_connect", "_initdb", "has_table", "conn_string_for_shard", "dispose"):
        assert callable(getattr(storage_class, name, None)), name
    assert PooledSqliteEventLogStorage._connect is not storage_class._connect
    storage = PooledSqliteEventLogStorage(str(tmp_path / "runs"))
    assert isinstance(storage._initialized_dbs, set) and hasattr(storage._db_lock, "acquire")
