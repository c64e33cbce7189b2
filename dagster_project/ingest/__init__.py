"""Ingestion: extract discovery and the raw layer (one DuckDB table per export file).

Pure modules (no Dagster imports): `discovery`, `scan`, `load`, `retention`.
Dagster wiring: `target`, `assets`.
"""
