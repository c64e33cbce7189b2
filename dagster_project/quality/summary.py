"""The one-page data-quality summary per run (HTML): by dimension with the trend against earlier runs,
the worst files and rules first. Built from dq_results only (keys and counts, never personal values).
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

from dagster_project.quality.results import read_dq_results
from dagster_project.quality.rules import DIMENSIONS, registry

TREND_RUNS = 6
TOP = 15


def _table(headers: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _failed(rows: list[dict]) -> int:
    return sum(r["rows_failed"] or 0 for r in rows)


def _dfe_codes(check_name: str) -> str:
    """The DfE CIN census / SSDA903 codes a registry rule evaluates ("" for other checks)."""
    codes = {r.id: ", ".join(r.dfe_codes) for r in registry()}
    return codes.get(check_name, "")


def render_summary(all_results: list[dict], run_id: str) -> str:
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
    status = (
        f"<p class='bad'>BLOCKED: {len(blocking)} blocking check(s) failed; marts not published.</p>"
        if blocking
        else "<p class='ok'>No blocking problem: the run may publish.</p>"
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
    failed_total = sum(r["passed"] is False for r in this)
    not_applicable = sum(r["passed"] is None for r in this)
    if not_applicable:  # checks the extract's source cannot support (a statutory return's gaps)
        status += f"<p>{not_applicable} checks not applicable to this extract's source (neither passed nor failed).</p>"
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:1em auto}table{border-collapse:collapse;margin:.5em 0}"
        "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}.bad{color:#a00;font-weight:bold}"
        ".ok{color:#070}"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Data quality {html.escape(run_id)}</title>"
        f"<style>{style}</style></head><body>"
        f"<h1>Data-quality summary</h1><p>Run {html.escape(run_id)}, extract {html.escape(str(extract))}. "
        f"{len(this)} checks, {failed_total} failed, {_failed(this)} failing rows.</p>{status}"
        "<h2>By dimension (UK Government Data Quality Framework)</h2>"
        + _table(
            ["dimension", "checks", "failed checks", "failing rows", f"trend (last {TREND_RUNS} runs)"], dimension_rows
        )
        + "<h2>Files, worst first</h2>"
        + _table(["file", "rows", "failing rows", "failed checks"], file_rows)
        + f"<h2>Failed checks, worst first (top {TOP})</h2>"
        + _table(["check", "DfE codes", "file", "dimension", "severity", "rows failed", "rows checked", "share"],
                 worst_rows)
        + "<p>Row-level detail (keys and line numbers) is in the restricted store; GX Data Docs in dq_docs/.</p>"
        "</body></html>"
    )


def write_summary(history_db: Path, reports_dir: Path, run_id: str) -> Path:
    """Write dq_summary_<run_id>.html and its copy dq_summary_latest.html; returns the run's page."""
    page = render_summary(read_dq_results(history_db), run_id)
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / f"dq_summary_{run_id}.html"
    path.write_text(page, encoding="utf-8")
    (reports_dir / "dq_summary_latest.html").write_text(page, encoding="utf-8")
    return path
