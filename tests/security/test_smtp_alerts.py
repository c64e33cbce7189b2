"""Finding 8 (SMTP) of issue 21: alert mail uses STARTTLS unless CSC_ALERT_SMTP_TLS=none says otherwise.
A real SMTP conversation with a local server that offers no STARTTLS: the alert must not be sent in clear."""

from __future__ import annotations

import json

import pytest

from dagster_project.orchestration.alerts import Alert, raise_alert
from tests.security.plain_smtp_server import PlainSmtpServer

ALERT = Alert("run_failure", "run-1", "run-1", "reports__scorecards_and_worklists", "the cause", None)


def _env(port: int, **extra: str) -> dict[str, str]:
    return {"CSC_ALERT_SMTP_HOST": "127.0.0.1", "CSC_ALERT_SMTP_PORT": str(port), "CSC_ALERT_EMAIL_TO": "dq@x.invalid",
            **extra}  # fmt: skip


def test_by_default_an_alert_is_never_sent_to_a_server_without_starttls(tmp_path):
    log = tmp_path / "alerts.jsonl"
    with PlainSmtpServer() as server:
        assert raise_alert(log, ALERT, environ=_env(server.port))
        assert server.received.closed.wait(10)
    assert server.received.bodies == []
    assert "DATA" not in server.received.commands and "MAIL" not in server.received.commands
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert entries[0]["message"] == "the cause"  # the alert log keeps the alert
    assert entries[-1]["kind"] == "alert_delivery_failed" and "STARTTLS" in " ".join(entries[-1]["errors"])


def test_plain_text_only_when_configured_explicitly(tmp_path):
    with PlainSmtpServer() as server:
        assert raise_alert(tmp_path / "alerts.jsonl", ALERT, environ=_env(server.port, CSC_ALERT_SMTP_TLS="none"))
        assert server.received.closed.wait(10)
    assert len(server.received.bodies) == 1 and "the cause" in server.received.bodies[0]


@pytest.mark.parametrize(("value", "mode"), (("", "starttls"), ("STARTTLS", "starttls"), ("ssl", "ssl"),
                                             ("none", "none")))  # fmt: skip
def test_tls_setting(value, mode):
    from dagster_project.orchestration.alerts import smtp_tls_mode

    assert smtp_tls_mode({"CSC_ALERT_SMTP_TLS": value} if value else {}) == mode


def test_an_unknown_tls_setting_is_an_error_never_plain_text():
    from dagster_project.orchestration.alerts import smtp_tls_mode

    with pytest.raises(ValueError, match="CSC_ALERT_SMTP_TLS"):
        smtp_tls_mode({"CSC_ALERT_SMTP_TLS": "off"})
