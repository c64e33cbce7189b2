"""The run's target extract date, as seen from a Dagster step."""

from __future__ import annotations

import dagster as dg

from dagster_project.ingest.discovery import IncompleteExtractError, list_extracts
from dagster_project.run_context import EXTRACT_DATE_TAG
from dagster_project.settings import get_paths, requested_extract_date


def target_extract_date(context: dg.OpExecutionContext | dg.AssetExecutionContext) -> str:
    """Run tag `csc/extract_date`, else CSC_EXTRACT_DATE, else the newest YYYY-MM-DD folder under CSC_RAW_DIR.

    Schedules and sensors should set the tag at launch so every step of a run agrees even if a newer
    extract lands mid-run. Completeness is checked by the raw assets (`discovery.choose_target`).
    """
    requested = context.run.tags.get(EXTRACT_DATE_TAG) or requested_extract_date()
    if requested:
        return requested
    available = list_extracts(get_paths().raw_dir)
    if not available:
        raise IncompleteExtractError(f"No extract folders (named YYYY-MM-DD) found under {get_paths().raw_dir}.")
    return available[-1]
