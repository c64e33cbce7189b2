"""The project explains itself: no file refers to a document kept outside the repository, every measure is
documented, and each measure lives in exactly one family model."""

from __future__ import annotations

import re
import subprocess

import pytest

from dagster_project.catalogue import load_measures
from dagster_project.catalogue.render import measure_families
from dagster_project.settings import PROJECT_ROOT

pytestmark = pytest.mark.fast  # the inner loop (`make test-fast`): no pipeline run

# Names of the outside specification documents, split so that this file does not name them itself.
OUTSIDE_DOCUMENTS = re.compile(
    "|".join(
        [
            "kpi" + "-definitions",
            "published" + "-interface",
            "raw" + "-exports",
            r"\bcommon" + r"\.md",
            r"\breports" + r"\.md",
            r"\.\./" + "shared",
            "/work/" + "shared",
            r"(?<![\w.-])spec" + "/",
        ]
    )
)
FAMILY_MODELS = PROJECT_ROOT / "dbt" / "models" / "marts" / "scorecard_families"
MEASURES_DOC = PROJECT_ROOT / "docs" / "measures.md"


def tracked_text_files():
    listed = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    for name in listed.stdout.split():
        path = PROJECT_ROOT / name
        if path.is_file():
            yield name, path.read_text(encoding="utf-8", errors="replace")


def test_no_file_refers_to_a_document_outside_the_repository():
    found = []
    for name, text in tracked_text_files():
        for number, line in enumerate(text.splitlines(), start=1):
            match = OUTSIDE_DOCUMENTS.search(line)
            if match:
                found.append(f"{name}:{number}: {match.group(0)}")
    assert not found, "refer to docs/ instead:\n" + "\n".join(found[:40])


def test_the_outside_document_pattern_catches_each_name():
    names = ("see kpi", "published", "raw", "common", "../", "spec")
    tails = ("-definitions.md", "-interface.md", "-exports", ".md", "shared/x", "/anything.md")
    for text in (name + tail for name, tail in zip(names, tails, strict=True)):
        assert OUTSIDE_DOCUMENTS.search(text), text
    for text in ("docs/measures.md", "docs/published-database.md", "inspect/", "respec/"):
        assert not OUTSIDE_DOCUMENTS.search(text), text


def test_every_catalogue_measure_has_a_section_in_the_definitions_and_no_other():
    documented = re.findall(r"^### `(\w+)`$", MEASURES_DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    catalogue = [m.measure for m in load_measures()]
    assert sorted(documented) == sorted(catalogue)
    assert len(documented) == len(set(documented))


def test_each_measure_is_in_exactly_one_family_model_of_its_family():
    measures = load_measures()
    models = {p.stem.removeprefix("scorecard_"): p.read_text(encoding="utf-8") for p in FAMILY_MODELS.glob("*.sql")}
    assert sorted(models) == sorted(measure_families(measures)), "one model scorecard_<family> per catalogue family"
    for measure in measures:
        holders = [family for family, sql in models.items() if f"'{measure.measure}'" in sql]
        assert holders == [measure.family], f"{measure.measure} is in {holders}, catalogue family {measure.family}"
