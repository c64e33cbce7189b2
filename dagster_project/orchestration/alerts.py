"""Alerts: one line per failure in an alerts log, plus email (SMTP) and/or a webhook when configured.

Configuration (environment): CSC_ALERT_WEBHOOK_URL; CSC_ALERT_SMTP_HOST, CSC_ALERT_SMTP_PORT (25),
CSC_ALERT_SMTP_TLS (`starttls`, the default: the mail is never sent unless the server takes STARTTLS and its
certificate verifies; `ssl`: TLS from the first byte, e.g. port 465; `none`: plain text, only when set
explicitly, e.g. for a relay on the same machine), CSC_ALERT_EMAIL_FROM, CSC_ALERT_EMAIL_TO (comma-separated);
CSC_UI_URL for links
(default http://127.0.0.1:3000). A retry of a run is not a new alert: alerts are keyed on the root
run and the kind, and a key already in the log is not sent again. Pure Python: no Dagster imports.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import smtplib
import ssl
import urllib.request
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from pathlib import Path


@dataclass(frozen=True)
class Alert:
    kind: str  # run_failure | blocking_check | incomplete_extract | stale_extract
    key: str  # dedupe key: e.g. the root run id
    run_id: str | None
    failed_step: str | None
    message: str  # first error line
    link: str | None
    raised_at: str = ""


def ui_link(run_id: str | None) -> str | None:
    base = os.environ.get("CSC_UI_URL", "http://127.0.0.1:3000").rstrip("/")
    return f"{base}/runs/{run_id}" if run_id else None


_EXCEPTION_PREFIX = re.compile(r"^[\w.]*(?:Error|Exception|Failure): ")


def first_line(text: str | None) -> str:
    """The error's first line without the exception class; a line that ends in ':' takes the next one too."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return "(no error message)"
    first = _EXCEPTION_PREFIX.sub("", lines[0])
    if first.endswith(":") and len(lines) > 1:
        first = f"{first} {lines[1].lstrip('- ')}"
    return first[:500]


def already_alerted(log: Path, kind: str, key: str) -> bool:
    if not log.exists():
        return False
    with open(log, encoding="utf-8") as f:
        for line in f:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if entry.get("kind") == kind and entry.get("key") == key:
                return True
    return False


def raise_alert(log: Path, alert: Alert, environ: dict[str, str] | None = None) -> bool:
    """Write the alert once and send it where configured. Returns False if it was a repeat."""
    if already_alerted(log, alert.kind, alert.key):
        return False
    stamped = Alert(**{**asdict(alert), "raised_at": alert.raised_at or dt.datetime.now(dt.UTC).isoformat()})
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a", encoding="utf-8") as f:
        f.write(json.dumps(asdict(stamped)) + "\n")
    env = os.environ if environ is None else environ
    errors = []
    for sender in (_send_webhook, _send_email):
        try:
            sender(stamped, env)
        except Exception as error:  # an alert channel being down must not hide the alert log
            errors.append(f"{sender.__name__}: {error}")
    if errors:
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps({"kind": "alert_delivery_failed", "key": alert.key, "errors": errors}) + "\n")
    return True


def _subject(alert: Alert) -> str:
    return f"[csc-warehouse] {alert.kind}: {alert.message[:120]}"


def _send_webhook(alert: Alert, env) -> None:
    url = env.get("CSC_ALERT_WEBHOOK_URL")
    if not url:
        return
    body = json.dumps({"text": _subject(alert), **asdict(alert)}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def _send_email(alert: Alert, env) -> None:
    host, to = env.get("CSC_ALERT_SMTP_HOST"), env.get("CSC_ALERT_EMAIL_TO")
    if not (host and to):
        return
    msg = EmailMessage()
    msg["Subject"] = _subject(alert)
    msg["From"] = env.get("CSC_ALERT_EMAIL_FROM", "csc-warehouse@localhost")
    msg["To"] = to
    msg.set_content("\n".join(f"{k}: {v}" for k, v in asdict(alert).items() if v is not None))
    tls, port = smtp_tls_mode(env), int(env.get("CSC_ALERT_SMTP_PORT", "25"))
    if tls == "ssl":
        with smtplib.SMTP_SSL(host, port, timeout=10, context=ssl.create_default_context()) as smtp:
            smtp.send_message(msg)
        return
    with smtplib.SMTP(host, port, timeout=10) as smtp:
        if tls == "starttls":  # raises when the server offers no STARTTLS: the alert is never sent in clear
            smtp.starttls(context=ssl.create_default_context())
        smtp.send_message(msg)


SMTP_TLS_MODES = ("starttls", "ssl", "none")


def smtp_tls_mode(env) -> str:
    """CSC_ALERT_SMTP_TLS: starttls (default), ssl or none. Anything else is an error, never plain text."""
    mode = env.get("CSC_ALERT_SMTP_TLS", "starttls").strip().lower() or "starttls"
    if mode not in SMTP_TLS_MODES:
        raise ValueError(f"CSC_ALERT_SMTP_TLS={mode!r}: expected one of {', '.join(SMTP_TLS_MODES)}")
    return mode
