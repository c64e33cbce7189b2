"""Lint is part of the test suite, so CI keeps the code base clean (ruff for Python, sqlfluff for dbt SQL)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.fast  # the inner loop (`make test-fast`); sqlfluff below takes half a minute, so CI only
def test_python_is_ruff_clean():
    result = _run(str(BIN / "ruff"), "check", "dagster_project", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.fast
def test_python_is_ruff_formatted():
    result = _run(str(BIN / "ruff"), "format", "--check", "dagster_project", "tests")
    assert result.returncode == 0, result.stdout + result.stderr + "\nrun `make format` (ruff format)"


# sqlfluff (with its Rust parser, sqlfluffrs) takes about half a minute of CPU (29 s, 7 Dec 2026): linted as two
# halves of about the same size (bytes of SQL, largest file first into the lighter half), which run on two cores under
# `make test`.
SQL_FILES = sorted((ROOT / "dbt" / "models").rglob("*.sql"))


def halves_by_size(paths: list[Path]) -> dict[str, list[Path]]:
    halves: dict[str, list[Path]] = {"first half": [], "second half": []}
    size = dict.fromkeys(halves, 0)
    for path in sorted(paths, key=lambda p: p.stat().st_size, reverse=True):
        lighter = min(halves, key=size.get)
        halves[lighter].append(path)
        size[lighter] += path.stat().st_size
    return halves


SQL_HALVES = halves_by_size(SQL_FILES)


@pytest.mark.parametrize("half", list(SQL_HALVES))
def test_dbt_sql_is_sqlfluff_clean(half):
    files = [str(path.relative_to(ROOT)) for path in SQL_HALVES[half]]
    result = _run(str(BIN / "sqlfluff"), "lint", *files, "--disable-progress-bar")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


def test_each_dbt_model_is_linted_as_one_rendering():
    """sqlfluff lints every rendering ("variant") of a model its Jinja templater makes. Whitespace trimmed beside a
    `{% set %}` tag reads to it as unrendered code, and each generated rule model was linted twice, identically
    (half of the lint's time): a model rendered more than once is listed here."""
    from sqlfluff.core import FluffConfig
    from sqlfluff.core.templaters import JinjaTemplater

    templater = JinjaTemplater()
    renderings = {}
    for path in SQL_FILES:
        config = FluffConfig.from_path(str(path))
        variants = templater.process_with_variants(in_str=path.read_text(), fname=str(path), config=config)
        renderings[path.relative_to(ROOT).as_posix()] = sum(1 for _ in variants)
    assert {name: count for name, count in renderings.items() if count != 1} == {}
