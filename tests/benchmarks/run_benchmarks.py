"""Benchmarks that print figures (never timed assertions): each stage of the nightly job beside DuckDB alone.

    make benchmark                                   # council and large, then the statutory-return imports
    .venv/bin/python -m tests.benchmarks.run_benchmarks --presets council large national
    .venv/bin/python -m tests.benchmarks.run_benchmarks --presets council --annex-a --no-duckdb-alone   # + Annex A
    .venv/bin/python -m tests.benchmarks.run_benchmarks --returns-only   # only the return imports (returns_import.py)

For each preset: generate an extract (its own process), run the nightly job once in this process, then time the
same stages' essential work in plain DuckDB (`duckdb_alone.py`) on copies of the run's files. Prints, per stage,
the pipeline's time, DuckDB alone's time, their ratio and the stage's peak memory of the whole process tree
(this process plus dbt subprocesses; printed in GB of 10^9 bytes, as the memory budget and DuckDB count them,
and kept in the CSV's `peak_mb` in MiB), and appends every figure to `<CSC_BENCHMARK_DIR or data/benchmarks>/
benchmarks.csv` so that runs can be compared.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks import duckdb_alone, returns_import
from tests.benchmarks.process_memory import TreeMemorySampler

EXTRACT_DATE = "2019-03-01"
PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Dagster step key -> stage, in the order the job runs them. Steps not listed are reported as themselves.
STAGES = {
    "raw_exports": "load",
    "raw_file_quality": "raw checks",
    "reference__working_days": "staging",
    "staging_dbt_assets": "staging",
    "records_that_count_quality": "rule checks",
    "mart_dbt_assets": "marts",
    "published__analytics_database": "publish",
}
CSV_COLUMNS = ("measured_at", "git_rev", "preset", "rows", "stage", "pipeline_s", "duckdb_alone_s", "ratio", "peak_mb")


def _generate(preset: str, raw: Path, sampler: TreeMemorySampler) -> tuple[float, int]:
    command = [sys.executable, "-m", "dagster_project.cli", "generate", "--preset", preset,
               "--extract-date", EXTRACT_DATE, "--seed", "7", "--out", str(raw), "--quiet"]  # fmt: skip
    start_wall, start = time.time(), time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start, sampler.peak_between(start_wall, time.time())


def _run_job(root: Path, sampler: TreeMemorySampler) -> tuple[float, dict[str, tuple[float, int]], bool]:
    """Whole-job seconds, {stage: (seconds, peak bytes)}, success."""
    import dagster as dg

    os.environ["CSC_RAW_DIR"] = str(root / "raw")
    os.environ["CSC_DATA_DIR"] = str(root / "data")
    os.environ.pop("DAGSTER_HOME", None)
    from dagster_project.cli.job import resolved_nightly_job
    from dagster_project.orchestration.runner import run_once

    start = time.perf_counter()
    outcome = run_once(resolved_nightly_job(), EXTRACT_DATE, trigger="benchmark")
    total = time.perf_counter() - start
    stages: dict[str, tuple[float, int]] = {}
    with dg.DagsterInstance.get() as instance:
        for step in instance.get_run_step_stats(outcome.run_id):
            if not (step.start_time and step.end_time):
                continue
            stage = STAGES.get(step.step_key, step.step_key)
            seconds, peak = stages.get(stage, (0.0, 0))
            stages[stage] = (
                seconds + step.end_time - step.start_time,
                max(peak, sampler.peak_between(step.start_time, step.end_time)),
            )
    if not outcome.success:
        print(f"  run failed at {outcome.failed_step}: {outcome.error}", file=sys.stderr)
    return total, stages, outcome.success


def _annex_a(sampler: TreeMemorySampler) -> tuple[float, int, dict[int, int]]:
    """Seconds and peak memory of `csc annex-a`'s work (the run's data folder is in the environment)."""
    from dagster_project.reports.annex_a import build_annex_a
    from dagster_project.settings import get_paths

    start_wall, start = time.time(), time.perf_counter()
    outputs = build_annex_a(get_paths())
    return time.perf_counter() - start, sampler.peak_between(start_wall, time.time()), outputs.rows


def _duckdb_alone(root: Path) -> dict[str, float]:
    """Seconds DuckDB alone needs per stage, on copies of the run's extract and warehouse."""
    extract = root / "raw" / EXTRACT_DATE
    warehouse = root / "data" / "warehouse" / "warehouse.duckdb"
    with tempfile.TemporaryDirectory(prefix="csc-bench-alone-") as scratch:
        alone = {"load": duckdb_alone.load_alone(extract, Path(scratch) / "load.duckdb")}
        alone["rule checks"] = duckdb_alone.checks_alone(warehouse, EXTRACT_DATE)
        for stage, tag in (("staging", "staging"), ("marts", "marts")):
            models = duckdb_alone.compiled_models(warehouse, EXTRACT_DATE, tag)
            alone[stage] = duckdb_alone.models_alone(warehouse, models)
        alone["publish"] = duckdb_alone.publish_alone(warehouse)
    return alone


def _data_rows(extract: Path) -> int:
    total = 0
    for path in extract.glob("*.csv"):
        with open(path, "rb") as f:
            total += sum(1 for _ in f) - 1
    return total


def _git_rev() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def _print_and_collect(
    preset: str,
    rows: int,
    generate: tuple[float, int],
    total: float,
    ok: bool,
    stages: dict[str, tuple[float, int]],
    alone: dict[str, float],
    peak: int,
) -> list[dict]:
    print(f"\n== {preset}: {rows:,} rows in {len(duckdb_alone.contract_files())} files")
    print(f"  {'stage':<28} {'pipeline':>10} {'DuckDB alone':>13} {'ratio':>7} {'peak memory':>12}")
    records = [{"stage": "generate", "pipeline_s": generate[0], "peak_mb": generate[1] / 2**20}]
    for stage, (seconds, stage_peak) in stages.items():
        records.append({"stage": stage, "pipeline_s": seconds, "peak_mb": stage_peak / 2**20,
                        "duckdb_alone_s": alone.get(stage)})  # fmt: skip
    records.append({"stage": "whole job", "pipeline_s": total, "peak_mb": peak / 2**20,
                    "duckdb_alone_s": sum(alone.values()) if alone else None})  # fmt: skip
    for record in records:
        base = record.get("duckdb_alone_s")
        record["ratio"] = record["pipeline_s"] / base if base else None
        alone_text = f"{base:12.2f}s" if base is not None else f"{'':>13}"
        ratio_text = f"{record['ratio']:6.1f}x" if record["ratio"] else f"{'':>7}"
        print(f"  {record['stage']:<28} {record['pipeline_s']:9.2f}s {alone_text} {ratio_text} "
              f"{record['peak_mb'] * 2**20 / 1e9:9.2f} GB")  # fmt: skip
    if alone.get("rule checks"):
        # The yardstick's checks query evaluates every rule again; the job evaluates each rule once, in the
        # staging models (the yardstick's staging runs them too): the whole job beside DuckDB alone without it.
        rest = sum(alone.values()) - alone["rule checks"]
        print(f"  whole job / DuckDB alone without its rule-checks query ({rest:.2f}s): {total / rest:.1f}x")
    print(f"  outcome: {'success' if ok else 'FAILED'}")
    return records


def _append(results: Path, measured_at: str, rev: str, preset: str, rows: int, records: list[dict]) -> None:
    new_file = not results.exists()
    with results.open("a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        if new_file:
            writer.writeheader()
        for record in records:
            rounded = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in record.items()}
            writer.writerow({"measured_at": measured_at, "git_rev": rev, "preset": preset, "rows": rows,
                             **rounded})  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--presets", nargs="+", default=["council", "large"])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    parser.add_argument(
        "--raw-from",
        type=Path,
        help="reuse an extract generated before (a raw folder holding <extract date>/, e.g. one kept with --keep; "
        "one preset only) instead of generating it: `generate` is then not measured",
    )
    parser.add_argument(
        "--data-from",
        type=Path,
        help="run in an existing data folder (with --raw-from: e.g. the `data` folder of a run kept with --keep), "
        "as the next night's run does: dbt's saved parse and the history are already there",
    )
    parser.add_argument(
        "--annex-a",
        action="store_true",
        help="also produce Ofsted's Annex A after the run (csc annex-a; on demand, not part of the nightly job) and "
        "print its time and peak memory",
    )
    parser.add_argument(
        "--no-duckdb-alone",
        action="store_true",
        help="skip the DuckDB-alone comparison (at the national preset it takes longer than the job itself, and the "
        "national targets are absolute)",
    )
    parser.add_argument(
        "--returns-only",
        action="store_true",
        help="only the statutory-return imports: a 10,000-episode SSDA903 and a 50 MB CIN census (returns_import.py)",
    )
    args = parser.parse_args()
    out_dir = Path(os.environ.get("CSC_BENCHMARK_DIR") or PROJECT_ROOT / "data" / "benchmarks")
    out_dir.mkdir(parents=True, exist_ok=True)
    results = out_dir / "benchmarks.csv"
    measured_at, rev = dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), _git_rev()
    failed = False
    for preset in [] if args.returns_only else args.presets:
        root = Path(tempfile.mkdtemp(prefix=f"csc-bench-{preset}-"))
        try:
            with TreeMemorySampler() as sampler:
                if args.raw_from:
                    (root / "raw").symlink_to(args.raw_from.resolve(), target_is_directory=True)
                    generate = (0.0, 0)
                    if args.data_from:
                        (root / "data").symlink_to(args.data_from.resolve(), target_is_directory=True)
                else:
                    generate = _generate(preset, root / "raw", sampler)
                run_started = time.time()
                total, stages, ok = _run_job(root, sampler)
                peak = sampler.peak_between(run_started, time.time())
                annex = _annex_a(sampler) if ok and args.annex_a else None
            alone = _duckdb_alone(root) if ok and not args.no_duckdb_alone else {}
            rows = _data_rows(root / "raw" / EXTRACT_DATE)
            records = _print_and_collect(preset, rows, generate, total, ok, stages, alone, peak)
            if annex:
                seconds, annex_peak, list_rows = annex
                print(f"  {'annex a (on demand)':<28} {seconds:9.2f}s {'':>13} {'':>7} {annex_peak / 1e9:9.2f} GB")
                print("  annex a rows: " + ", ".join(f"list {n} {r:,}" for n, r in sorted(list_rows.items())))
                records.append({"stage": "annex a", "pipeline_s": seconds, "peak_mb": annex_peak / 2**20})
            failed |= not ok
            _append(results, measured_at, rev, preset, rows, records)
        finally:
            if not args.keep:
                shutil.rmtree(root, ignore_errors=True)
            else:
                print(f"  kept {root}")
    root = Path(tempfile.mkdtemp(prefix="csc-bench-returns-"))
    try:
        records = returns_import.measure_imports(root)
        _append(results, measured_at, rev, "statutory returns", 0, records)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"\nfigures appended to {results}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
