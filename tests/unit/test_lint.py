"""Lint is part of the test suite, so CI keeps the code base clean (ruff for Python, sqlfluff for dbt SQL)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_python_is_ruff_clean():
    result = _run(str(BIN / "ruff"), "check", "dagster_project", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_dbt_sql_is_sqlfluff_clean():
    result = _run(str(BIN / "sqlfluff"), "lint", "dbt/models", "--disable-progress-bar")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
