"""Alerts are written once per failure and delivered to a webhook; freshness at a fixed 'now'."""

import datetime as dt
import http.server
import json
import threading

import pytest

from dagster_project.orchestration.alerts import Alert, first_line, raise_alert
from dagster_project.orchestration.extract_state import freshness
from tests.orchestration.conftest import drop_extract

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run


def alert(key="run-1", kind="run_failure"):
    return Alert(kind=kind, key=key, run_id=key, failed_step="raw_extract", message="boom", link=None)


def test_alert_written_once_per_root_run(tmp_path):
    log = tmp_path / "alerts.jsonl"
    assert raise_alert(log, alert(), environ={}) is True
    assert raise_alert(log, alert(), environ={}) is False  # a retry of the same root run
    assert raise_alert(log, alert("run-2"), environ={}) is True
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["key"] for e in entries] == ["run-1", "run-2"]
    assert entries[0]["failed_step"] == "raw_extract" and entries[0]["raised_at"]


def test_alert_posted_to_configured_webhook(tmp_path):
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/hook"
    raise_alert(tmp_path / "alerts.jsonl", alert(), environ={"CSC_ALERT_WEBHOOK_URL": url})
    thread.join(10)
    server.server_close()
    assert received and received[0]["run_id"] == "run-1" and "run_failure" in received[0]["text"]


def test_unreachable_webhook_is_logged_not_raised(tmp_path):
    log = tmp_path / "alerts.jsonl"
    raise_alert(log, alert(), environ={"CSC_ALERT_WEBHOOK_URL": "http://127.0.0.1:9/nothing"})
    kinds = [json.loads(line)["kind"] for line in log.read_text().splitlines()]
    assert kinds == ["run_failure", "alert_delivery_failed"]


def test_freshness_against_fixed_now(landing):
    drop_extract(landing, "2020-03-31")
    # The extract is "as at" the end of 31 March: 26.5 h old at 02:30 on 2 April.
    fresh = freshness(landing, dt.datetime(2020, 4, 2, 2, 30), 36)
    assert fresh.fresh and round(fresh.age_hours, 1) == 26.5
    stale = freshness(landing, dt.datetime(2020, 4, 2, 12, 1), 36)
    assert not stale.fresh and "STALE" in stale.message


def test_freshness_with_no_extract_is_stale(landing):
    result = freshness(landing, dt.datetime(2020, 4, 2), 36)
    assert not result.fresh and "no extract" in result.message


def test_first_error_line_drops_the_exception_class_and_keeps_the_reason():
    message = (
        "dagster._core.definitions.events.Failure: Extract 2020-04-01: 1 file(s) unusable, nothing published:\n"
        "  - teams.csv is not a CSV text file: binary content at line 5\n"
    )
    assert first_line(message) == (
        "Extract 2020-04-01: 1 file(s) unusable, nothing published: "
        "teams.csv is not a CSV text file: binary content at line 5"
    )
    assert first_line("") == "(no error message)"
