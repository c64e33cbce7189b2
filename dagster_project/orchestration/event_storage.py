"""Dagster's SQLite storage, the same files under DAGSTER_HOME, with an event log that keeps its connections open.

Dagster's SQLite event log builds a new SQLAlchemy engine and SQLite connection for every event it stores, and again
for the schema probe each asset-check event makes. A nightly run stores about 1,300 events (every dbt model and
test, every check), so that was a quarter of the run worker's CPU: on the conformance extract 28 -> 21 CPU-s and
34 -> 28 s a run with the engines kept (measured on this 2-core machine, 7 Dec 2026).

Only how connections are opened changes: the files, the schema, the locking (Dagster's lock around each use, SQLite's
own between processes) and every query are Dagster's. Dagster configures it through `storage: custom:` in
dagster.yaml (instance.py), so the UI, the daemon and every run worker use it. `_connect`, which it replaces, is
private to Dagster: tests/orchestration/test_event_storage.py fails if an upgrade renames it or what it relies on.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SQLITE_BUSY_TIMEOUT_SECONDS, SqliteEventLogStorage
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine

# Engines kept open, most recently used first: the index shard and the runs a process is writing or watching. A
# long-lived process (the UI, the daemon) reads many runs' shards; the bound keeps its open files few.
OPEN_SHARDS = 8


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage with one engine (and its connection pool) per shard, kept for the next event."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._tables_seen: set[str] = set()
        super().__init__(base_dir, inst_data)

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, opened on first use; the least recently used one is closed beyond OPEN_SHARDS.
        Called under Dagster's lock, so no connection of a closed engine is in use."""
        engine = self._engines.pop(shard, None)
        if engine is None:
            url = self.conn_string_for_shard(shard)
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
        self._engines[shard] = engine
        while len(self._engines) > OPEN_SHARDS:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # Dagster's own _connect, less the new engine per call.
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        # Asked for every asset-check event. A table, once there, stays (migrations add tables), so only a yes is
        # kept. Dagster asks while _connect holds the lock, so this does not take it: its own probe opens its own
        # connection.
        if table_name not in self._tables_seen and super().has_table(table_name):
            self._tables_seen.add(table_name)
        return table_name in self._tables_seen

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()


class PooledSqliteStorage(DagsterSqliteStorage):
    """DagsterSqliteStorage (runs, event logs, schedules under base_dir) with the pooled event log."""

    def __init__(self, base_dir: str, inst_data=None):
        super().__init__(base_dir, inst_data)
        self._event_log_storage = PooledSqliteEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls.from_local(inst_data=inst_data, **config_value)


__all__ = ["OPEN_SHARDS", "PooledSqliteEventLogStorage", "PooledSqliteStorage"]
