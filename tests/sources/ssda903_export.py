"""Test helper: write SSDA903 header and episodes files from a case-management extract folder, as a
council's 903 software would (DfE column names, SEX 1/2, DD/MM/YYYY dates). Every looked-after child
and their whole episode history: the round-trip test imports these and compares the looked-after figures.
Children of sex U have no 903 code: they are written as delivered ('U') and the importer warns."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from dagster_project.sources.ssda903 import RETURN_COLUMNS

SEX_903 = {"M": "1", "F": "2"}


def _uk(value: str) -> str:
    return dt.date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""


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
            w.writerow([c["child_id"], SEX_903.get(c["sex"], c["sex"]), _uk(c["date_of_birth"]), c["ethnicity"],
                        "", "", ""])  # fmt: skip
    with open(out / "episodes.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(RETURN_COLUMNS["episodes"])
        for e in episodes:
            w.writerow([e["child_id"], _uk(e["start_date"]), e["reason_new_episode"], e["legal_status"], "",
                        e["placement_type"], "", _uk(e["end_date"]), e["reason_ceased"], "", "", "", ""])  # fmt: skip
    return out
