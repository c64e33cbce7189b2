"""Nightly operations: the job, schedule, sensors, alerts, freshness and the run/status commands."""
