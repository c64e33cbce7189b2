"""Assembles the code location. Each area owns its assets, checks, schedules and sensors."""

import dagster as dg

defs = dg.Definitions(assets=[])
