"""No rejection message quotes a personal value or a value from a row whose header is missing.

Before the fix a children.csv without its header row was rejected with "(found: 0012001, <forename>,
<surname>, M, 2009-12-05, )": a child's id, name and date of birth in the alert, the evidence and the logs.
Every file-level rejection path is tried here with planted names; the pipeline-level test follows the
headerless file into alerts, history, Dagster's event log and the run's messages.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from dagster_project.ingest.load import load_file
from tests.pipeline.run_pipeline import run_pipeline

HEADER = "child_id,forename,surname,sex,date_of_birth,expected_date_of_birth,ethnicity,disabled,postcode,date_of_death"
FORENAME, SURNAME, BIRTH, POSTCODE, CHILD = "Zebedee", "Quibblesworth", "2009-12-05", "QX9 9ZZ", "0012001"
PLANTED = (FORENAME, SURNAME, BIRTH, POSTCODE, CHILD)
ROW = f"{CHILD},{FORENAME},{SURNAME},M,{BIRTH},,WBRI,N,{POSTCODE},"
GOOD = "100001,Ann,Smith,F,2016-09-30,,OOTH,N,ZZ99 3WZ,"

REJECTION_PATHS = {
    "no header row": (ROW + "\n" + GOOD + "\n").encode(),
    "no header, repeated values": f"{CHILD},{SURNAME},{SURNAME},M,{BIRTH},,WBRI,N,{POSTCODE},\n".encode(),
    "header of another export": f"{SURNAME},{FORENAME}\n{ROW}\n".encode(),
    "semicolons": (HEADER.replace(",", ";") + "\n" + ROW.replace(",", ";") + "\n").encode(),
    "semicolon data row as header": (ROW.replace(",", ";") + "\n").encode(),
    "undefined cp1252 byte in a name": (HEADER + "\n" + ROW.replace(FORENAME, FORENAME + "\x81") + "\n").encode(
        "latin-1"
    ),
    "mixed encodings": (HEADER + "\n" + ROW + "\n").encode() + "Zébédée\n".encode() + b"\xe9\n",
    "NUL byte": (HEADER + "\n" + ROW + "\x00\n").encode(),
    "unterminated quote": (
        HEADER + "\n" + GOOD + "\n" + ROW.replace(FORENAME, '"' + FORENAME) + "\n" + GOOD + "\n"
    ).encode(),
    "quarantined rows": (HEADER + "\n" + ROW + ",extra\n" + f"{CHILD},{FORENAME}\n" + GOOD + "\n").encode(),
}


@pytest.mark.parametrize("content", REJECTION_PATHS.values(), ids=REJECTION_PATHS.keys())
def test_rejection_messages_quote_no_personal_value(tmp_path: Path, content: bytes):
    path = tmp_path / "children.csv"
    path.write_bytes(content)
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        result = load_file(conn, "children", path, "2020-03-31", "run1")
        drift = conn.execute("select * from ingest.schema_drift").fetchall()
    assert result.message
    leaked = [value for value in PLANTED if value in result.message]
    assert leaked == [], result.message
    assert [value for value in PLANTED if value in repr(drift)] == []


def test_headerless_file_leaks_nothing_into_alerts_evidence_or_logs(tmp_path: Path):
    import shutil

    from tests.orchestration.conftest import CONFORMANCE

    folder = tmp_path / "raw" / "2020-03-31"
    shutil.copytree(CONFORMANCE, folder)
    body = (folder / "children.csv").read_text(encoding="utf-8").splitlines()[1:]
    (folder / "children.csv").write_text("\n".join([ROW, *body]) + "\n", encoding="utf-8")
    outcome, paths = run_pipeline(tmp_path, "2020-03-31")
    assert not outcome.success
    assert "children.csv" in outcome.error and "header" in outcome.error
    places = {
        "outcome": outcome.error,
        "alerts": (paths.data_dir / "alerts" / "alerts.jsonl").read_text(encoding="utf-8"),
        "run log": "".join(p.read_text("utf-8", errors="replace") for p in (paths.data_dir / "logs").glob("*")),
    }
    with duckdb.connect(str(paths.history_database), read_only=True) as conn:
        places["history"] = repr(conn.execute("select * from dq_results").fetchall())
        places["runs"] = repr(conn.execute("select * from runs").fetchall())
    import dagster as dg

    with dg.DagsterInstance.from_config(str(paths.data_dir / "dagster_home")) as instance:
        events = instance.all_logs(outcome.run_id)
        places["dagster event log"] = json.dumps([e.user_message for e in events]) + repr(
            [e.dagster_event for e in events if e.dagster_event]
        )
    leaks = {where: [v for v in PLANTED if v in text] for where, text in places.items()}
    assert {where: found for where, found in leaks.items() if found} == {}
