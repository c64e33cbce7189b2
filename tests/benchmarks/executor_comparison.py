"""Measures the nightly job under the in-process and the multiprocess executor (prints figures).

    .venv/bin/python -m tests.benchmarks.executor_comparison [extract folder]

Runs the same graph twice on copies of one extract (default: the conformance fixture), each on a fresh
data folder, through `dg.execute_job` (the path the daemon's run launcher takes), and prints wall times.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg

CONFORMANCE = Path(__file__).resolve().parents[1] / "fixtures" / "conformance" / "2020-03-31"


def multiprocess_nightly():
    from dagster_project.definitions import defs

    job = dg.define_asset_job("nightly_multiprocess", selection=dg.AssetSelection.all(),
                              executor_def=dg.multiprocess_executor)  # fmt: skip
    return dg.Definitions.merge(defs, dg.Definitions(jobs=[job])).resolve_job_def("nightly_multiprocess")


def in_process_nightly():
    from dagster_project.definitions import defs

    return defs.resolve_job_def("nightly")


def _time(job_fn, extract: Path) -> float:
    root = Path(tempfile.mkdtemp(prefix="csc-executor-"))
    shutil.copytree(extract, root / "raw" / extract.name)
    os.environ["CSC_RAW_DIR"], os.environ["CSC_DATA_DIR"] = str(root / "raw"), str(root / "data")
    os.environ.pop("DAGSTER_HOME", None)
    from dagster_project.orchestration.runner import prepare_instance

    prepare_instance()
    try:
        with dg.DagsterInstance.get() as instance:
            start = time.perf_counter()
            result = dg.execute_job(dg.reconstructable(job_fn), instance, tags={"csc/extract_date": extract.name})
            elapsed = time.perf_counter() - start
            assert result.success, "run failed"
        return elapsed
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    extract = Path(sys.argv[1]) if len(sys.argv) > 1 else CONFORMANCE
    for name, job_fn in (("in-process", in_process_nightly), ("multiprocess", multiprocess_nightly)):
        print(f"{name:<13} {_time(job_fn, extract):6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
