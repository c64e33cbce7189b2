"""The quality area's evidence writer as a Dagster resource, for steps below quality in the layers.

Ingest finds problems that stop a run before any check can run (an incomplete extract, an unreadable
file). It asks for `context.resources.dq_evidence` by the key in `run_context`, and `definitions` binds
this class to it, so a blocked run still leaves its evidence while ingest never imports quality.
"""

from __future__ import annotations

import dagster as dg

from dagster_project.ingest.discovery import BlockingProblem
from dagster_project.quality.evidence import record_blocking_problems
from dagster_project.settings import get_paths


class DqEvidence(dg.ConfigurableResource):
    """Writes the data-quality evidence (dq_results, summary page) of problems found outside the checks."""

    def record_blocking_problems(self, run_id: str, extract_date: str, problems: list[BlockingProblem]) -> None:
        record_blocking_problems(get_paths(), run_id, extract_date, problems)
