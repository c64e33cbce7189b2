"""The one-page data-quality summary per run (HTML): by dimension with the trend against earlier runs,
the worst files and rules first. Built from dq_results only (keys and counts, never personal values).
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

from dagster_project.file_modes import open_dir
from dagster_project.quality.results import read_dq_results
from dagster_project.quality.rule import DIMENSIONS
from dagster_project.quality.rules import registry

TREND_RUNS = 6
# Reports hold no personal value and are meant to be shared: world-readable (README "File modes").
REPORT_MODE = 0o644
TOP = 15


def _table(headers: list[str], rows: list[list]) -> str:
    head = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _failed(rows: list[dict]) -> int:
    return sum(r["rows_failed"] or 0 for r in rows)


def _dfe_codes(check_name: str) -> str:
    """The DfE CIN census / SSDA903 codes a registry rule evaluates ("" for other checks)."""
    codes = {r.id: ", ".join(r.dfe_codes) for r in registry()}
    return codes.get(check_name, "")


def _action(check_name: str) -> str | None:
    """exclude | flag for a registry rule, None for other checks (file checks, consistency)."""
    return {r.id: r.action for r in registry()}.get(check_name)


def _why_blocked(row: dict) -> str:
    """One line per blocking check: its own message, or how far over the threshold it was."""
    if row.get("failure_sample") and not row.get("rows_checked"):
        return str(row["failure_sample"])
    share = (
        f" ({(row['rows_failed'] or 0) / row['rows_checked']:.1%} of {row['rows_checked']} rows)"
        if row.get("rows_checked")
        else ""
    )
    return f"{row['rows_failed']} rows failed{share}, above what the rule allows before it blocks"


def render_summary(all_results: list[dict], run_id: str, data_origin: str | None = None) -> str:
    first_checked = {}
    for r in all_results:
        first_checked[r["run_id"]] = min(r["checked_at"], first_checked.get(r["run_id"], r["checked_at"]))
    runs = sorted(first_checked, key=first_checked.get)  # oldest run first
    this = [r for r in all_results if r["run_id"] == run_id]
    earlier = runs[: runs.index(run_id)][-(TREND_RUNS - 1) :] if run_id in runs else []
    by_run_dim = defaultdict(int)
    for r in all_results:
        by_run_dim[(r["run_id"], r["dimension"])] += r["rows_failed"] or 0
    blocking = [r for r in this if r["severity"] == "ERROR" and r["passed"] is False]
    extract = this[0]["extract_date"] if this else ""
    if blocking:
        reasons = "".join(
            f"<li><b>{html.escape(str(r['source_file']))}: {html.escape(r['check_name'])}</b> — "
            f"{html.escape(_why_blocked(r))}</li>"
            for r in blocking
        )
        status = (
            f"<p class='bad'>BLOCKED: {len(blocking)} blocking check(s) failed; marts not published. Why:</p>"
            f"<ul>{reasons}</ul>"
        )
    else:
        status = "<p class='ok'>No blocking problem: the run may publish.</p>"
    # passed is NULL for a check the extract's source cannot support: neither an error nor a warning
    errors_failed = sum(r["passed"] is False and r["severity"] == "ERROR" for r in this)
    warnings_failed = sum(r["passed"] is False and r["severity"] != "ERROR" for r in this)
    excluded = sum(r["rows_failed"] or 0 for r in this if _action(r["check_name"]) == "exclude")
    flagged = sum(r["rows_failed"] or 0 for r in this if _action(r["check_name"]) == "flag")
    synthetic = (
        "<p class='bad'>Synthetic data: these figures come from a generated demo extract, not a council's.</p>"
        if data_origin == "synthetic"
        else ""
    )
    dimension_rows = []
    for dim in DIMENSIONS:
        rows = [r for r in this if r["dimension"] == dim]
        trend = " → ".join(str(by_run_dim[(run, dim)]) for run in [*earlier, run_id])
        failed_checks = sum(r["passed"] is False for r in rows)
        dimension_rows.append([dim, len(rows), failed_checks, _failed(rows), trend])
    files = defaultdict(list)
    for r in this:
        files[r["source_file"]].append(r)
    file_rows = sorted(
        (
            [f, max(r["rows_checked"] or 0 for r in rs), _failed(rs), sum(r["passed"] is False for r in rs)]
            for f, rs in files.items()
        ),
        key=lambda row: (-row[2], row[0]),
    )
    worst = sorted(
        (r for r in this if r["passed"] is False),
        key=lambda r: (r["severity"] != "ERROR", -(r["rows_failed"] or 0), r["check_name"]),
    )[:TOP]
    worst_rows = [
        [r["check_name"], _dfe_codes(r["check_name"]), r["source_file"], r["dimension"], r["severity"],
         r["rows_failed"], r["rows_checked"],
         f"{(r['rows_failed'] or 0) / r['rows_checked']:.2%}" if r["rows_checked"] else ""]
        for r in worst
    ]  # fmt: skip
    not_applicable = sum(r["passed"] is None for r in this)
    if not_applicable:  # checks the extract's source cannot support (a statutory return's gaps)
        status += f"<p>{not_applicable} checks not applicable to this extract's source (neither passed nor failed).</p>"
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:1em auto}table{border-collapse:collapse;margin:.5em 0}"
        "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}.bad{color:#a00;font-weight:bold}"
        ".ok{color:#070}"
    )
    return (
        f"<!doctype html><html lang='en-GB'><head><meta charset='utf-8'><title>Data quality {html.escape(run_id)}"
        f"</title><style>{style}</style></head><body><main>"
        f"<h1>Data-quality summary</h1>{synthetic}<p>Run {html.escape(run_id)}, extract {html.escape(str(extract))}. "
        f"{len(this)} checks: {errors_failed} error(s) (blocking checks failed), {warnings_failed} warning(s) "
        f"(failed, reported, not blocking).</p>{status}"
        f"<p>Records <b>excluded</b> from the figures: {excluded}. Records <b>flagged</b> (counted in the "
        f"figures, reported for correction): {flagged}.</p>"
        "<h2>By dimension (UK Government Data Quality Framework)</h2>"
        + _table(
            ["dimension", "checks", "failed checks", "failing rows", f"trend (last {TREND_RUNS} runs)"], dimension_rows
        )
        + "<h2>Files, worst first</h2>"
        + _table(["file", "rows", "failing rows", "failed checks"], file_rows)
        + f"<h2>Failed checks, worst first (top {TOP})</h2>"
        + _table(
            ["check", "DfE codes", "file", "dimension", "severity", "rows failed", "rows checked", "share"], worst_rows
        )
        + "<p>Row-level detail (keys and line numbers) is in the restricted store. Every validation of this run: "
        "<a href='../dq_docs/index.html'>Great Expectations Data Docs</a> (opens offline).</p>"
        "</main></body></html>"
    )


def write_summary(history_db: Path, reports_dir: Path, run_id: str, data_origin: str | None = None) -> Path:
    """Write dq_summary_<run_id>.html and its copy dq_summary_latest.html; returns the run's page."""
    page = render_summary(read_dq_results(history_db), run_id, data_origin)
    open_dir(reports_dir)
    path = reports_dir / f"dq_summary_{run_id}.html"
    path.write_text(page, encoding="utf-8")
    (reports_dir / "dq_summary_latest.html").write_text(page, encoding="utf-8")
    for report in (path, reports_dir / "dq_summary_latest.html"):
        report.chmod(REPORT_MODE)
    return path
