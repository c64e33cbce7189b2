"""Lint is part of the test suite, so CI keeps the code base clean (ruff for Python, sqlfluff for dbt SQL)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.fast  # the inner loop (`make test-fast`); sqlfluff below takes a minute, so CI only
def test_python_is_ruff_clean():
    result = _run(str(BIN / "ruff"), "check", "dagster_project", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.fast
def test_python_is_ruff_formatted():
    result = _run(str(BIN / "ruff"), "format", "--check", "dagster_project", "tests")
    assert result.returncode == 0, result.stdout + result.stderr + "\nrun `make format` (ruff format)"


# sqlfluff (with its Rust parser, sqlfluffrs) takes about 80 CPU seconds, over half of it on the one large generated
# model: linted as two halves (that model, everything else), the halves run on two cores under `make test`.
SQL_FILES = sorted((ROOT / "dbt" / "models").rglob("*.sql"))
LARGEST_SQL = max(SQL_FILES, key=lambda path: path.stat().st_size)
SQL_HALVES = {"largest model": [LARGEST_SQL], "every other model": [p for p in SQL_FILES if p != LARGEST_SQL]}


@pytest.mark.parametrize("half", list(SQL_HALVES))
def test_dbt_sql_is_sqlfluff_clean(half):
    files = [str(path.relative_to(ROOT)) for path in SQL_HALVES[half]]
    result = _run(str(BIN / "sqlfluff"), "lint", *files, "--disable-progress-bar")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
