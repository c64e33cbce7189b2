"""The export contract as data: one YAML file read by ingestion, quality checks, dbt seeds and docs."""

from dagster_project.contract.model import Column, Contract, ExportFile, load_contract

__all__ = ["Column", "Contract", "ExportFile", "load_contract"]
