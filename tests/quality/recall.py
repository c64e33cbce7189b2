"""Recall of the quality layer against a generator's ground-truth defect manifest.

`<raw_dir>/<extract_date>.defects.csv` (file,primary_key,line,defect_kind,detectable) lists the defects
the generator injected. A defect counts as found when a rule with the same defect kind failed on that
file's line, or (for defects that move lines, e.g. duplicates) on a row with that key.
Run: `python -m tests.quality.recall <warehouse> <manifest.csv>`. Pure Python: no Dagster.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

from dagster_project.quality.rule_counts import relation_names
from dagster_project.quality.rules import rule_by_id
from dagster_project.warehouse import connect


def detected(warehouse: Path) -> tuple[set[tuple[str, int, str]], set[tuple[str, str, str]]]:
    """(source_file, line, defect_kind) and (source_file, key, defect_kind) of every failing row."""
    names = relation_names(warehouse)
    by_line, by_key = set(), set()
    with connect(warehouse, read_only=True) as conn:
        for model in ("int_records_excluded", "int_records_flagged"):
            for file, line, key, rule_id in conn.execute(
                f"select source_file, source_line, record_key, rule_id from {names[model]}"
            ).fetchall():
                kind = rule_by_id(rule_id).defect_kind
                by_line.add((file, int(line), kind))
                by_key.add((file, key, kind))
    return by_line, by_key


def _file_name(file: str) -> str:
    return file if file.endswith(".csv") else f"{file}.csv"


def recall_by_kind(warehouse: Path, manifest: Path, files: set[str] | None = None) -> dict[str, dict[str, float]]:
    """Per defect kind: injected (detectable), found, recall, and undetectable rows set aside; `files`: only the
    defects of those files (e.g. {"care_leavers.csv"})."""
    by_line, by_key = detected(warehouse)
    table: dict[str, dict[str, float]] = defaultdict(lambda: {"injected": 0, "found": 0, "undetectable": 0})
    with Path(manifest).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            kind, file = row["defect_kind"], _file_name(row["file"])
            if files is not None and file not in files:
                continue
            if row["detectable"].strip().lower() in ("false", "0", "n", "no"):
                table[kind]["undetectable"] += 1
                continue
            table[kind]["injected"] += 1
            line = int(row["line"]) if row["line"] else -1
            if (file, line, kind) in by_line or (file, row["primary_key"], kind) in by_key:
                table[kind]["found"] += 1
    for counts in table.values():
        counts["recall"] = counts["found"] / counts["injected"] if counts["injected"] else 1.0
    return dict(sorted(table.items()))


def format_table(table: dict[str, dict[str, float]]) -> str:
    lines = [f"{'defect_kind':30} {'injected':>8} {'found':>8} {'recall':>8} {'undetectable':>12}"]
    for kind, c in table.items():
        recall = f"{c['recall']:.2%}"
        lines.append(f"{kind:30} {c['injected']:>8} {c['found']:>8} {recall:>8} {c['undetectable']:>12}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(format_table(recall_by_kind(Path(sys.argv[1]), Path(sys.argv[2]))))
