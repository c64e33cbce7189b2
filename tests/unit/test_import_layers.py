"""Imports go one way: the layers contract in pyproject.toml ([tool.importlinter]), checked by import-linter.

import-linter reads every import statement, those inside function bodies included, so a cycle cannot hide in
a function. The second test proves the check bites: a copy of the package with one upward import fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root, capture_output=True, text=True, env={"PYTHONPATH": str(root), "PATH": ""},
    )  # fmt: skip


def test_areas_import_downwards_only_and_pure_logic_has_no_dagster():
    result = _lint_imports(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    shutil.copytree(PROJECT_ROOT / "dagster_project", tmp_path / "dagster_project",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    upward = tmp_path / "dagster_project" / "ingest" / "upward.py"
    upward.write_text("def f():\n    from dagster_project.publish import history\n\n    return history\n")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1
    assert "dagster_project.ingest.upward -> dagster_project.publish.history" in result.stdout
