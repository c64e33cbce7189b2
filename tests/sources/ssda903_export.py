"""Test helper: write SSDA903 header and episodes files from a case-management extract folder, as a
council's 903 software would (DfE column names, SEX M/F/U as coded since 2024-25, DD/MM/YYYY dates).
Every looked-after child and their whole episode history: the round-trip test imports these and compares
the looked-after figures. A defective date (generated defects) is written as delivered."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from dagster_project.sources.ssda903 import RETURN_COLUMNS


def _uk(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""
    except ValueError:  # a defective date (the generator's defects) is exported as delivered
        return value


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def export_ssda903(extract_folder: Path, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    episodes = _rows(extract_folder / "cla_episodes.csv")
    looked_after = {e["child_id"] for e in episodes}
    children = [c for c in _rows(extract_folder / "children.csv") if c["child_id"] in looked_after]
    with open(out / "header.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(RETURN_COLUMNS["header"])
        for c in children:
            w.writerow([c["child_id"], c["sex"], _uk(c["date_of_birth"]), c["ethnicity"],
                        "", "", ""])  # fmt: skip
    with open(out / "episodes.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(RETURN_COLUMNS["episodes"])
        for e in episodes:
            w.writerow([e["child_id"], _uk(e["start_date"]), e["reason_new_episode"], e["legal_status"], "",
                        e["placement_type"], "", _uk(e["end_date"]), e["reason_ceased"], "", "", "", ""])  # fmt: skip
    return out
