"""Everything `dagster_project.definitions.defs` defines, one line each, compared with the reviewed snapshot
`tests/definitions_snapshot.txt` by `tests/test_definitions_snapshot.py`, so that a renamed or removed asset, check,
job, schedule or sensor is a visible diff in review.

After an intended change: `make snapshot` (runs `python -m tests.definitions_snapshot --update`), review the diff
of tests/definitions_snapshot.txt and commit it with the change. The dbt part follows dbt's manifest, which the
build step (`make setup`) rebuilds.
"""

from __future__ import annotations

import sys
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("definitions_snapshot.txt")
HEADER = (
    "# Every asset, asset check, job, schedule and sensor of dagster_project.definitions.defs (reviewed).\n"
    "# Regenerate after an intended change with `make snapshot`, then review the diff.\n"
)


def definitions_lines() -> list[str]:
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    repository = defs.get_repository_def()
    lines = [f"asset {key.to_user_string()}" for key in graph.get_all_asset_keys()]
    lines += [f"check {check.asset_key.to_user_string()}:{check.name}" for check in graph.asset_check_keys]
    lines += [f"job {job.name}" for job in defs.resolve_all_job_defs() if not job.name.startswith("__")]
    lines += [
        f"schedule {s.name} '{s.cron_schedule}' {s.execution_timezone} job={s.job_name}"
        for s in repository.schedule_defs
    ]
    lines += [f"sensor {s.name}" for s in repository.sensor_defs]
    return sorted(lines)


def render_snapshot() -> str:
    return HEADER + "\n".join(definitions_lines()) + "\n"


if __name__ == "__main__":
    if "--update" in sys.argv:
        SNAPSHOT.write_text(render_snapshot(), encoding="utf-8")
        print(f"wrote {SNAPSHOT}")
    else:
        print(render_snapshot(), end="")
