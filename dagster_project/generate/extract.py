"""Writing one extract: simulate the timeline, cut it at the extract date, inject defects, write the 11
files into `<out>/<extract_date>/` and the ground-truth manifest to `<out>/<extract_date>.defects.csv`.

The folder is written under a temporary name and renamed at the end, so a watcher never sees half an
extract."""

from __future__ import annotations

import csv
import datetime as dt
import math
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dagster_project.contract.model import load_contract
from dagster_project.generate import cut, defects, timeline
from dagster_project.generate.calendar import default_history_start, make_frame
from dagster_project.generate.presets import Preset, resolve
from dagster_project.generate.rng import stream
from dagster_project.generate.writer import CsvOut, to_strings
from dagster_project.ingest.origin import mark_synthetic

WRITE_CHUNK_ROWS = 1_000_000
REGION_REFERRALS = 40_000  # referrals a year per simulated area (bounds memory at national scale)


@dataclass
class Options:
    out: Path
    extract_date: dt.date
    seed: int = 7
    preset: str = "council"
    scale: float = 1.0
    defect_rate: float = defects.DEFAULT_RATE
    encoding: str = "utf-8"
    date_format: str = "iso"
    history_start: dt.date | None = None
    quiet: bool = False
    defect_weights: dict[str, float] | None = None  # per-kind weights (default defects.WEIGHTS); 0 = never
    # Also write the contract's optional files. Off by default: an extract without them is byte-identical to
    # the ones the conformance, hand-worked and recall tests were written against.
    optional_files: bool = False


@dataclass
class Result:
    folder: Path
    manifest: Path
    rows: dict[str, int] = field(default_factory=dict)
    defects: int = 0


def _progress(opts: Options, t0: float, msg: str) -> None:
    if not opts.quiet:
        print(f"[csc generate {time.monotonic() - t0:7.1f}s] {msg}", file=sys.stderr, flush=True)


def _context(tables: dict[str, pd.DataFrame], extract_date: np.datetime64, date_format: str) -> defects.Context:
    w = tables["workers"]
    departed = w[w.end_date.notna()][["worker_id", "end_date"]].sort_values("end_date").reset_index(drop=True)
    return defects.Context(
        extract_date=extract_date,
        date_format=date_format,
        referral_dates=tables["referrals"].set_index("referral_id").referral_date,
        dob=tables["children"].set_index("child_id").date_of_birth.dropna(),
        departed=departed,
        team_ids=tables["teams"].team_id.to_numpy(),
        worker_team=w.set_index("worker_id").team_id,
    )


def _row_chunks(df: pd.DataFrame, size: int = WRITE_CHUNK_ROWS):
    """Formatting as strings costs far more memory than the typed frame: do it a slice at a time."""
    for lo in range(0, max(len(df), 1), size):
        yield df.iloc[lo : lo + size]


def regions(preset: Preset, seed: int) -> list[tuple[Preset, int]]:
    """Big presets are simulated as several independent areas (like England's local authorities), one
    after another into the same files, so memory stays bounded whatever the size."""
    n = max(1, math.ceil(preset.referrals_per_year / REGION_REFERRALS))
    if n == 1:
        return [(preset, seed)]
    part = preset.scaled(1 / n)
    return [(part, int(stream(seed, "region", i).integers(2**31))) for i in range(n)]


def generate(opts: Options) -> Result:
    t0 = time.monotonic()
    history_start = opts.history_start or default_history_start(opts.extract_date)
    frame = make_frame(history_start)
    e = np.datetime64(opts.extract_date, "D")
    if not (frame.history_start <= e <= frame.horizon):
        raise ValueError(
            f"extract date {opts.extract_date} is outside the simulated timeline "
            f"{frame.history_start} .. {frame.horizon} (history start {history_start})"
        )
    preset = resolve(opts.preset, opts.scale)
    parts = regions(preset, opts.seed)
    _progress(opts, t0, f"simulating {preset.name} ({len(parts)} area(s)) from {frame.sim_start} "
                        f"(history {frame.history_start}) to {frame.horizon}, seed {opts.seed}")  # fmt: skip
    out = Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)
    final = out / opts.extract_date.isoformat()
    tmp = out / f".{opts.extract_date.isoformat()}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    contract = load_contract()
    result = Result(folder=final, manifest=out / f"{opts.extract_date.isoformat()}.defects.csv")
    manifest: list[tuple] = []
    files = {name: ex for name, ex in contract.files.items() if opts.optional_files or not ex.optional}
    writers = {name: CsvOut(tmp / ex.file_name, ex.column_names, opts.encoding) for name, ex in files.items()}
    counter = timeline.IdCounter()
    new_ids: dict = {}
    try:
        for r, (part, seed) in enumerate(parts):
            tl = timeline.build(frame, part, seed, counter, opts.optional_files)
            tables = {name: cut.cut(name, df, e) for name, df in tl.tables.items()}
            ctx = _context(tables, e, opts.date_format)
            ctx.next_id = new_ids  # ids of injected rows stay unique across areas
            _progress(opts, t0, f"area {r + 1}/{len(parts)}: timeline built and cut at {e}")
            for name, export in files.items():
                writer = writers[name]
                if name == "visits":
                    chunks = (cut.cut(name, c, e) for c in tl.visits())
                else:
                    chunks = _row_chunks(tables.pop(name))
                for k, typed in enumerate(chunks):
                    strings = to_strings(typed, export, opts.date_format)
                    rng = stream(opts.seed, "defects", name, str(e), r, k)
                    strings, found = defects.inject(
                        export, strings, typed, ctx, opts.defect_rate, rng, writer.rows, opts.defect_weights
                    )
                    writer.write(strings)
                    manifest.extend(found)
                _progress(opts, t0, f"area {r + 1}/{len(parts)}: {export.file_name} now {writer.rows:,} rows")
            del tl, tables, ctx
    finally:
        for w in writers.values():
            w.close()
    result.rows = {name: w.rows for name, w in writers.items()}
    # Synthetic figures must never pass for a council's: the marker travels with the extract.
    mark_synthetic(
        tmp,
        preset=opts.preset,
        scale=opts.scale,
        seed=opts.seed,
        defect_rate=opts.defect_rate,
        child_population=round(preset.child_population),  # the rates per 10,000 (benchmarks/population.py)
    )
    shutil.rmtree(final, ignore_errors=True)
    tmp.rename(final)
    with open(result.manifest, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(defects.MANIFEST_COLUMNS)
        w.writerows(sorted(manifest, key=lambda m: (m[0], m[2], m[3])))
    result.defects = len(manifest)
    _progress(opts, t0, f"done: {final} ({sum(result.rows.values()):,} rows, {len(manifest):,} defects)")
    return result
