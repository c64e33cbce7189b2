"""Benchmarks that print figures (never timed assertions): generate, then the whole nightly job per preset.

    make benchmark                                   # council and large
    .venv/bin/python -m tests.benchmarks.run_benchmarks --presets council large national

For each preset: generator wall time and peak memory (its own process), then one run of the nightly job
in this process with per-step durations read from the Dagster instance (ingest, checks, dbt staging,
dbt marts, publish) and the peak memory of the run (this process and its dbt subprocesses).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXTRACT_DATE = "2019-03-01"


def _generate(preset: str, raw: Path) -> tuple[float, float]:
    start = time.perf_counter()
    command = [sys.executable, "-m", "dagster_project.cli", "generate", "--preset", preset,
               "--extract-date", EXTRACT_DATE, "--seed", "7", "--out", str(raw), "--quiet"]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(command, check=True)
    peak_mb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return time.perf_counter() - start, peak_mb


def _run_job(root: Path) -> tuple[float, dict[str, float], bool]:
    import dagster as dg

    os.environ["CSC_RAW_DIR"] = str(root / "raw")
    os.environ["CSC_DATA_DIR"] = str(root / "data")
    os.environ.pop("DAGSTER_HOME", None)
    from dagster_project.ops.runner import run_once

    start = time.perf_counter()
    outcome = run_once(EXTRACT_DATE, trigger="benchmark")
    total = time.perf_counter() - start
    with dg.DagsterInstance.get() as instance:
        stats = instance.get_run_step_stats(outcome.run_id)
        steps = {s.step_key: (s.end_time or 0) - (s.start_time or 0) for s in stats}
    if not outcome.success:
        print(f"  run failed at {outcome.failed_step}: {outcome.error}", file=sys.stderr)
    return total, steps, outcome.success


def _data_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for _ in f) - 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--presets", nargs="+", default=["council", "large"])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    args = parser.parse_args()
    for preset in args.presets:
        root = Path(tempfile.mkdtemp(prefix=f"csc-bench-{preset}-"))
        try:
            gen_s, gen_mb = _generate(preset, root / "raw")
            rows = sum(_data_lines(f) for f in (root / "raw" / EXTRACT_DATE).glob("*.csv"))
            total, steps, ok = _run_job(root)
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"\n== {preset}: {rows:,} rows in 11 files")
            print(f"  generate          {gen_s:8.1f} s   peak {gen_mb:8.0f} MB")
            for step, seconds in sorted(steps.items(), key=lambda kv: -kv[1]):
                print(f"  {step:<40} {seconds:8.1f} s")
            print(f"  whole job         {total:8.1f} s   {'success' if ok else 'FAILED'}")
            print(f"  peak memory: job process {peak_mb:,.0f} MB, largest subprocess {child_mb:,.0f} MB")
        finally:
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
            else:
                print(f"  kept {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
