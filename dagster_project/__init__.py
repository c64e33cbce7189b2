"""Children's social care performance data warehouse (Dagster + dbt + Great Expectations on DuckDB)."""
