"""GX Data Docs that open anywhere: post-process the pages so they need no network.

GX renders its pages with jQuery, Bootstrap, bootstrap-table, Font Awesome and Vega from CDNs, and fills
its tables from JavaScript, so offline (an auditor's laptop, a locked-down network) the pages are blank.
Here every remote <script>/<link>/<img> is removed, and each bootstrap-table whose rows GX embeds in a
script is written out as a plain HTML table (rows link to their validation page as before). A small
local stylesheet keeps them readable. The status icons (Font Awesome, from a CDN) become the words "passed" /
"FAILED", and the filter buttons the removed scripts drove ("Failed only", "Clear filters") are taken out rather
than left dead (issue 23). Pure Python: no Dagster imports.
"""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

_REMOTE_SCRIPT = re.compile(r"<script[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", re.IGNORECASE)
_REMOTE_LINK = re.compile(r"<link[^>]*\bhref=[\"']https?://[^>]*>", re.IGNORECASE)
_REMOTE_IMG = re.compile(r"<img[^>]*\bsrc=[\"']https?://[^>]*>", re.IGNORECASE)
_TABLE_SCRIPT = re.compile(
    r"<script>\s*\$\('#(?P<id>[\w-]+)'\)\.bootstrapTable\(\s*Object\.assign\(\s*\{\s*columns:\s*(?P<columns>\[.*?\]),"
    r"\s*data:\s*(?P<data>\[.*?\]),\s*toolbar:.*?</script>",
    re.DOTALL,
)
_INLINE_SCRIPT = re.compile(r"<script>.*?</script>", re.DOTALL)
_STATUS_ICON = re.compile(r"<i class=\"[^\"]*\b(?P<icon>fa-check-circle|fa-times)\b[^\"]*\"[^>]*>\s*</i>")
STATUS_WORDS = {"fa-check-circle": "<b class='csc-passed'>passed</b>", "fa-times": "<b class='csc-failed'>FAILED</b>"}
# the controls of the removed scripts: GX's validation filter and its tables' "Clear Filters" buttons
_DEAD_CONTROLS = (
    re.compile(r"<p[^>]*>\s*Validation Filter:\s*</p>", re.IGNORECASE),
    re.compile(r"<label[^>]*\bonclick=[^>]*>.*?</label>", re.DOTALL),
    re.compile(r"<button[^>]*\bonclick=[^>]*>.*?</button>", re.DOTALL),
)
_MARKER = "<!-- csc: self-contained -->"
STYLE = (
    "<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;margin:.5em 0}"
    "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
    ".csc-passed{color:#005a30}.csc-failed{color:#942514}"
    ".tab-pane{margin-bottom:2em}.hide-for-offline{display:none}</style>"
)


def _static_table(table_id: str, columns: list[dict], rows: list[dict]) -> str:
    fields = [c["field"] for c in columns]
    head = "".join(f"<th>{html.escape(str(c.get('title', c['field'])))}</th>" for c in columns)
    body = []
    for row in rows:
        link = row.get("_table_row_link_path")
        cells = []
        for field in fields:
            value = str(row.get(field, ""))  # GX's own cell HTML (icons, links), rendered by GX: kept as is
            if link and field != "validation_success" and "<a " not in value:
                value = f"<a href='{html.escape(link)}'>{value}</a>"
            cells.append(f"<td>{value}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    rows_html = "".join(body)
    return (
        f"<table id='{table_id}' class='csc-offline-table'><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows_html}</tbody></table>"
    )


def self_contained(page: str) -> str:
    """The page with no remote resource, its script-filled tables written out, status as words and no dead
    control. Idempotent: a page made self-contained by an earlier release gains the later steps."""
    if _MARKER not in page:
        page = _without_remote(page)
    page = _STATUS_ICON.sub(lambda m: STATUS_WORDS[m.group("icon")], page)
    for control in _DEAD_CONTROLS:
        page = control.sub("", page)
    return page


def _without_remote(page: str) -> str:
    tables: dict[str, str] = {}
    for match in _TABLE_SCRIPT.finditer(page):
        columns = ast.literal_eval(match.group("columns"))
        rows = ast.literal_eval(match.group("data"))
        tables[match.group("id")] = _static_table(match.group("id"), columns, rows)
    for table_id, table in tables.items():
        pattern = rf"<table\s+id=\"{re.escape(table_id)}\".*?</table>"
        page = re.sub(pattern, lambda _m, t=table: t, page, flags=re.DOTALL)
    page = _REMOTE_SCRIPT.sub("", page)
    page = _REMOTE_LINK.sub("", page)
    page = _REMOTE_IMG.sub("", page)
    page = _INLINE_SCRIPT.sub("", page)  # they drive the removed libraries (jQuery, Vega); the tables are static now
    return page.replace("</head>", f"{STYLE}{_MARKER}</head>", 1)


def make_self_contained(docs_dir: Path) -> int:
    """Rewrite every Data Docs page under `docs_dir`; returns how many pages changed."""
    changed = 0
    for path in Path(docs_dir).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        new = self_contained(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
    return changed
