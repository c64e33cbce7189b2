"""A copy of the conformance extract with hostile values planted in every free-text or name column that reaches
an output, and the personal values an attacker or a careless supplier would put where they do not belong.

- 16 teams (the five of the extract and eleven more, the workers spread over them), each named by one hostile
  value: OWASP formula triggers, a URL, HTML, `$` mathematics, a newline, 300 characters, right-to-left text.
- Children's and workers' names are distinctive made-up names (personal values).
- Child and worker ids made distinctive (`CHX…`, `WKX…`) so that a search for them finds them and nothing
  else (the extract's `100403` is also inside a duration of 0.100403 s).
- Every child a distinctive UPN and former UPN (`child_identifiers.csv`, issue 24: restricted personal fields,
  kept in staging for the DfE's checks only).
- A child id that is a name (`Quentinella Zarkovsky`, finding 6) and a children.csv header that ends in two
  values (`Quentinella,QX9 9ZZ`, finding 7).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

HOSTILE_TEXT = (
    '=HYPERLINK("http://x.invalid/","click")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,1)",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "http://evil.invalid/phish",
    '<script>alert("x")</script>',
    "<b>bold</b> & 'quote' \"dq\"",
    "Child in Need $$ 1",
    r"$\frac{1}{0}$ team",
    "Line one\nLine two",
    "Long " + "x" * 295,
    "\u202eRTL override team\u202c",
    "فريق الأطفال",
)
NAME_AS_CHILD_ID = "Quentinella Zarkovsky"
HEADER_VALUES = ("Quentinella", "QX9 9ZZ")  # delivered as two extra header names of children.csv
FORENAME, SURNAME, WORKER = "Zebulonia", "Quillfeatherstone", "Ottoline Vantablack"


@dataclass(frozen=True)
class PlantedExtract:
    team_names: tuple[str, ...]
    personal_values: frozenset[str]  # names, postcodes, the name in the id column, the header values
    child_ids: frozenset[str]
    worker_ids: frozenset[str]


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, fields: list[str], rows: list[dict], header: list[str] | None = None) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")  # quotes a CR inside a value (RFC 4180)
        writer.writerow(header or fields)
        for row in rows:
            writer.writerow([row.get(f, "") for f in fields])


def _team_of(worker_id: str) -> str:
    number = int(re.sub(r"\D", "", worker_id))
    return f"T{1 + number % len(HOSTILE_TEXT)}"


ID_PREFIXES = {"child_id": "CHX", "worker_id": "WKX", "supervisor_id": "WKX"}


def _distinctive_ids(raw: Path) -> None:
    for path in sorted(raw.glob("*.csv")):
        fields, rows = _read(path)
        if not set(fields) & set(ID_PREFIXES):
            continue
        for row in rows:
            for column, prefix in ID_PREFIXES.items():
                if row.get(column):
                    row[column] = prefix + row[column]
        _write(path, fields, rows)


def plant(raw: Path) -> PlantedExtract:
    _distinctive_ids(raw)
    personal: set[str] = set()
    fields, teams = _read(raw / "teams.csv")
    areas = [t["service_area"] for t in teams]
    teams = [
        {"team_id": f"T{i + 1}", "team_name": name, "service_area": areas[i % len(areas)]}
        for i, name in enumerate(HOSTILE_TEXT)
    ]
    _write(raw / "teams.csv", fields, teams)
    for file in ("workers.csv", "allocations.csv", "assessments.csv", "referrals.csv"):
        fields, rows = _read(raw / file)
        for row in rows:
            if row.get("worker_id"):
                row["team_id"] = _team_of(row["worker_id"])
            if "worker_name" in row:
                row["worker_name"] = f"{WORKER} {row['worker_id']}"
                personal.add(row["worker_name"])
        _write(raw / file, fields, rows)
    worker_ids = {row["worker_id"] for row in _read(raw / "workers.csv")[1]}

    fields, children = _read(raw / "children.csv")
    for i, row in enumerate(children):
        row["forename"], row["surname"] = f"{FORENAME}{i}", f"{SURNAME}{i}"
        personal |= {row["forename"], row["surname"], row["postcode"]} - {""}
    child_ids = {row["child_id"] for row in children}
    identifiers = [
        {"child_id": row["child_id"], "upn": f"Q884{i:09d}", "former_upn": f"Q886{i:09d}", "upn_unknown": ""}
        for i, row in enumerate(children)
    ]
    _write(raw / "child_identifiers.csv", ["child_id", "upn", "former_upn", "upn_unknown"], identifiers)
    personal |= {v for row in identifiers for v in (row["upn"], row["former_upn"])}
    children[2]["child_id"] = NAME_AS_CHILD_ID  # line 4 of the file
    for row in children:
        row["_extra_1"], row["_extra_2"] = "", ""
    _write(raw / "children.csv", [*fields, "_extra_1", "_extra_2"], children, header=[*fields, *HEADER_VALUES])
    personal |= {NAME_AS_CHILD_ID, *HEADER_VALUES}
    return PlantedExtract(tuple(HOSTILE_TEXT), frozenset(personal), frozenset(child_ids), frozenset(worker_ids))
