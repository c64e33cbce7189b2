"""Data quality: the rule registry, its dbt rendering, GX asset checks and the auditors' evidence."""
