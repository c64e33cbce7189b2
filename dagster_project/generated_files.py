"""Every generated file of the repository, from its one source of truth, in one place.

- `transform/contract_render.py` (export contract): dbt staging models, `_sources.yml`, `_staging.yml`,
  `code_lists.csv`;
- `quality/render.py` (rule registry): dbt `intermediate/validated/` models (which records count);
- `catalogue/render.py` (measure catalogue): dbt seed `measures.csv`, macro `measure_families`, the measure
  table in README.md and docs/measures.md;
- `contract/docs.py` (export contract): `docs/export-contract.md`;
- `quality/rule_docs.py` (rule registry): `docs/data-quality-rules.md`;
- `quality/dfe_coverage.py` (rule registry + DfE catalogue): `great_expectations/dfe_coverage.md`.

The generated files are committed (reviewable in diffs, dbt runs from a plain clone). `make generate` rewrites
them; the build step (`make setup`, run by `make run`, `make test` and `make ui`) stops with the list of stale
files before dbt parses, and `tests/unit/test_generated_files.py` fails when a committed one is stale.

Run: `python -m dagster_project.generated_files` (or `--check`: list stale files, exit 1 if any).
Pure Python: no Dagster imports.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dagster_project.catalogue import render as catalogue_render
from dagster_project.contract import docs as contract_docs
from dagster_project.quality import dfe_coverage, rule_docs
from dagster_project.quality import render as quality_render
from dagster_project.settings import PROJECT_ROOT
from dagster_project.transform import contract_render


def rendered_files() -> dict[Path, str]:
    """Every generated file and the content its renderer gives it now."""
    files: dict[Path, str] = {}
    files.update(contract_render.rendered_files())
    files.update({quality_render.VALIDATED_DIR / name: text for name, text in quality_render.rendered_files().items()})
    files.update(catalogue_render.rendered_files())
    files.update(contract_docs.rendered_files())
    files.update(rule_docs.rendered_files())
    files[dfe_coverage.COVERAGE_PATH] = dfe_coverage.render()
    return files


def stale_files() -> list[Path]:
    return [p for p, text in rendered_files().items() if not p.exists() or p.read_text(encoding="utf-8") != text]


def write_all() -> list[Path]:
    """Write every generated file whose content changed; returns the files written."""
    written = []
    for path, text in rendered_files().items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def main(argv: list[str]) -> int:
    if "--check" in argv:
        stale = stale_files()
        for path in stale:
            print(f"stale: {path.relative_to(PROJECT_ROOT)}")
        if stale:
            print("generated files differ from their source of truth: run `make generate` and commit the result")
        return 1 if stale else 0
    for path in write_all():
        print(f"wrote {path.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
