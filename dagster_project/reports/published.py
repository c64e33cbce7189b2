"""Reads what the reports show from the published analysts' database (read-only), the restricted child-level
database (the worklists' and caseload marts, attached read-only as `child`) and the restricted data-quality
store. Nothing here computes a measure: rows come back as the marts hold them. Pure Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project.catalogue import Measure, load_measures
from dagster_project.ingest.origin import SYNTHETIC
from dagster_project.publish.database import CHILD_LEVEL_MARTS, PUBLICATION_TABLE
from dagster_project.settings import child_level_beside
from dagster_project.warehouse import path_literal


class ReportDataError(RuntimeError):
    """The published database cannot be reported from (missing, or without a mart the reports need)."""


@dataclass(frozen=True)
class Figure:
    """One row of a scorecard mart."""

    numerator: float | None
    denominator: float | None
    value: float | None


@dataclass
class PublishedData:
    extract_date: dt.date
    run_id: str
    measures: tuple[Measure, ...]  # catalogue order, only those with rows in marts.scorecard
    month_dates: list[tuple[dt.date, bool]]  # (as_at_date, is_complete_period) of the month rows
    council: dict[tuple[str, dt.date], Figure]  # (measure, month as_at_date)
    by_service_area: dict[tuple[str, dt.date, str | None], Figure]
    by_team: dict[tuple[str, dt.date, str | None], Figure]
    teams: dict[str | None, tuple[str, str | None]]  # team_id -> (team name, service area)
    caseloads: dict[dt.date, list[tuple[str | None, float]]]  # month-end -> (team_id, caseload) per worker
    dq_checks: tuple[int, int, int]  # (checks, failed errors, failed warnings) of the published run
    worklist_tables: dict[str, list[dict]] = field(default_factory=dict)
    # measures the extract's source cannot support (marts.measure_availability), with the reason: catalogue order
    unavailable: tuple[tuple[Measure, str], ...] = ()
    data_origin: str | None = None  # marts.runs.data_origin of the run: "synthetic" labels every output (issue 23)

    @property
    def synthetic(self) -> bool:
        return self.data_origin == SYNTHETIC


def _rows(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = conn.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _has_table(conn: duckdb.DuckDBPyConnection, name: str, catalog: str | None = None) -> bool:
    return bool(
        conn.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts' and table_name = ? "
            "and table_catalog = coalesce(?, current_database())",
            [name, catalog],
        ).fetchone()[0]
    )


REQUIRED = ("scorecard", "scorecard_by_team", "scorecard_by_service_area", "runs", "dq_results")
# what the publish step writes there; a child-level file published before issue 23 has no front-door worklist
# (its worklists show that section empty until the next run)
OPTIONAL_CHILD_LEVEL = ("worklist_front_door_contacts",)
CHILD_LEVEL_TABLES = (*(m for m in CHILD_LEVEL_MARTS if m not in OPTIONAL_CHILD_LEVEL), PUBLICATION_TABLE)


def load_published(database: Path, child_level: Path | None = None) -> PublishedData:
    """`child_level`: default `<data>/restricted/analytics_child_level.duckdb` beside `<data>/published/`."""
    child_level = child_level or child_level_beside(database)
    if not Path(database).exists():
        raise ReportDataError(f"{database}: no published database yet (run `make run` first)")
    if not Path(child_level).exists():
        raise ReportDataError(f"{child_level}: no restricted child-level database yet; rebuild with `csc run`")
    with duckdb.connect(str(database), read_only=True) as conn:
        missing = [t for t in REQUIRED if not _has_table(conn, t)]
        conn.execute(f"attach {path_literal(child_level)} as child (read_only)")
        missing += [t for t in CHILD_LEVEL_TABLES if not _has_table(conn, t, catalog="child")]
        if missing:
            raise ReportDataError(f"{database}: marts {missing} missing; rebuild with `csc run`")
        extract_date, run_id = conn.execute("select extract_date, run_id from marts.scorecard limit 1").fetchone()
        (child_run,) = conn.execute(f"select run_id from child.marts.{PUBLICATION_TABLE}").fetchone()
        if child_run != run_id:  # killed between the two renames of a publish: never mix two runs' figures
            raise ReportDataError(
                f"{child_level} is from run {child_run}, {database} from run {run_id}; rebuild with `csc run`"
            )
        present = {r[0] for r in conn.execute("select distinct measure from marts.scorecard").fetchall()}
        measures = tuple(m for m in load_measures() if m.measure in present)
        month_dates = [
            (d, c)
            for d, c in conn.execute(
                "select distinct as_at_date, is_complete_period from marts.scorecard where period_type = 'month' "
                "order by as_at_date"
            ).fetchall()
        ]
        council = {
            (r["measure"], r["as_at_date"]): Figure(r["numerator"], r["denominator"], r["value"])
            for r in _rows(conn, "select * from marts.scorecard where period_type = 'month'")
        }
        by_area = {
            (r["measure"], r["as_at_date"], r["service_area"]): Figure(r["numerator"], r["denominator"], r["value"])
            for r in _rows(conn, "select * from marts.scorecard_by_service_area where period_type = 'month'")
        }
        by_team_rows = _rows(conn, "select * from marts.scorecard_by_team where period_type = 'month'")
        by_team = {
            (r["measure"], r["as_at_date"], r["team_id"]): Figure(r["numerator"], r["denominator"], r["value"])
            for r in by_team_rows
        }
        # names from the team list, so a team with no breakdown row (a worklist only) is named too; a database
        # published before marts.team_directory existed falls back to the names on the breakdown rows
        named = (
            _rows(conn, "select team_id, team_name, service_area from marts.team_directory")
            if _has_table(conn, "team_directory")
            else []
        )
        teams: dict[str | None, tuple[str, str | None]] = {None: ("No team", None)}
        for r in [*by_team_rows, *named]:
            if r["team_id"] is not None:
                teams[r["team_id"]] = (r["team_name"] or r["team_id"], r["service_area"])
        caseloads: dict[dt.date, list[tuple[str | None, float]]] = {}
        for as_at, team_id, caseload in conn.execute(
            "select as_at_date, team_id, caseload from child.marts.caseload where period_type = 'month' "
            "order by as_at_date, team_id, worker_id"
        ).fetchall():
            caseloads.setdefault(as_at, []).append((team_id, caseload))
        checks = conn.execute(
            """
            select count(*),
                   count(*) filter (where not passed and severity = 'ERROR'),
                   count(*) filter (where not passed and severity <> 'ERROR')
            from marts.dq_results where run_id = ?
            """,
            [run_id],
        ).fetchone()
        reasons = (
            dict(conn.execute("select measure, reason from marts.measure_availability where not available").fetchall())
            if _has_table(conn, "measure_availability")
            else {}
        )
        unavailable = tuple((m, reasons[m.measure]) for m in load_measures() if m.measure in reasons)
        origin = conn.execute("select any_value(data_origin) from marts.runs where run_id = ?", [run_id]).fetchone()
        worklists = {
            "visits": _rows(
                conn,
                "select * from child.marts.visit_timeliness where as_at_date = ? and period_type = "
                "(select min(period_type) from child.marts.visit_timeliness where as_at_date = ?) "
                "order by due_date, child_id, visit_type",
                [extract_date, extract_date],
            ),
            "assessments": _rows(
                conn,
                "select * from child.marts.worklist_open_assessments order by working_days_open desc, assessment_id",
            ),
            "unallocated": _rows(
                conn, "select * from child.marts.worklist_unallocated_children order by unallocated_since, child_id"
            ),
            "workers": _rows(conn, "select * from child.marts.worklist_workers order by worker_id"),
            "front_door": _rows(
                conn,
                "select * from child.marts.worklist_front_door_contacts "
                "order by working_days_waiting desc, contact_date, contact_id",
            )
            if _has_table(conn, "worklist_front_door_contacts", catalog="child")
            else [],
        }
    return PublishedData(
        extract_date=extract_date,
        run_id=run_id,
        measures=measures,
        month_dates=month_dates,
        council=council,
        by_service_area=by_area,
        by_team=by_team,
        teams=teams,
        caseloads=caseloads,
        dq_checks=tuple(checks),
        worklist_tables=worklists,
        unavailable=unavailable,
        data_origin=origin[0] if origin else None,
    )


def load_dq_failures(restricted_store: Path, run_id: str) -> list[dict]:
    """The run's row-level failures from the restricted store, each with the first extract in which the same
    record has failed the same rule (a key and rule failing in every stored run since then)."""
    if not Path(restricted_store).exists():
        return []
    with duckdb.connect(str(restricted_store), read_only=True) as conn:
        columns = {r[0] for r in conn.execute("select column_name from information_schema.columns "
                                              "where table_name = 'dq_failures'").fetchall()}  # fmt: skip
        # a store written before issue 23 has no team columns: its rows go by the marts (worklists._record_teams)
        team = "this_run.team_id, this_run.team_basis" if "team_id" in columns else "null team_id, null team_basis"
        return _rows(
            conn,
            f"""
            with this_run as (select * from main.dq_failures where run_id = ?),
            first_seen as (
                select source_file, record_key, rule_id, min(extract_date) as failing_since
                from main.dq_failures group by all
            )
            select this_run.source_file, this_run.source_line, this_run.record_key, this_run.rule_id,
                   this_run.action, first_seen.failing_since, {team}
            from this_run
            left join first_seen using (source_file, record_key, rule_id)
            order by this_run.source_file, this_run.source_line, this_run.rule_id
            """,
            [run_id],
        )
