"""GX Data Docs open offline in real headless Chromium: tables visible, no request to any non-file address.

Before the fix the pages loaded jQuery, Bootstrap and bootstrap-table from CDNs and filled their tables from
JavaScript, so offline they were blank; validations were named `__none__`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dagster_project.quality import gx_runner
from tests.quality.test_gx_runner import COUNTS, RULES

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path("/tmp/screens/data_docs.png")
LOCAL = ("file:", "data:", "about:", "chrome:")
# Chromium's own clock, update and safe-browsing checks go to Google's hosts whatever page is open; Data Docs
# never refer to them.
BROWSER_OWN = re.compile(r"^https?://[^/]*\.(?:google\.com|googleapis\.com|gvt1\.com)/")


def _chromium(tmp_path: Path, url: str, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}", "--window-size=1280,900",
        *extra, url,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def _remote_requests(net_log: Path) -> list[str]:
    """Every non-file URL in Chromium's net log (read as text: the log may be cut off mid-array)."""
    urls = set(re.findall(r'"url":\s*"([^"]+)"', net_log.read_text(encoding="utf-8")))
    return sorted(u for u in urls if not u.startswith(LOCAL) and not BROWSER_OWN.match(u))


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("docs")
    docs = tmp / "dq_docs"
    gx_runner.run_rules(
        "2020-03-31", RULES, COUNTS, {("teams", "staging"): 100}, docs_dir=docs,
        run_name="extract_2020-03-31_run_abc123",
    )  # fmt: skip
    return docs


def test_no_page_refers_to_a_remote_resource(docs: Path):
    remote = re.compile(r"<(?:script|link|img)[^>]*(?:src|href)=[\"']https?://", re.IGNORECASE)
    offenders = [p.name for p in docs.rglob("*.html") if remote.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_validations_are_named_after_run_and_extract(docs: Path):
    names = {p.name for p in (docs / "validations").glob("*/*")}
    assert names == {"extract_2020-03-31_run_abc123"}


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (installed by .ci/run)")
def test_index_renders_its_tables_offline_in_chromium(docs: Path, tmp_path: Path):
    net_log = tmp_path / "net.json"
    url = (docs / "index.html").as_uri()
    dom = _chromium(tmp_path, url, "--dump-dom", f"--log-net-log={net_log}")
    assert dom.returncode == 0, dom.stderr[-2000:]
    rows = re.findall(r"<tr>", dom.stdout)
    assert len(rows) >= 3  # the header row and one row per validation (teams raw + staging)
    assert "teams_staging_rules" in dom.stdout and "extract_2020-03-31_run_abc123" in dom.stdout
    # Chromium's own record of every URL the page asked for (the log may be cut off mid-array: read it as text).
    assert _remote_requests(net_log) == []
    # Control: the same net log does record a page's request to a CDN (so the check above can fail).
    control = tmp_path / "control.html"
    control.write_text("<html><script src='https://code.jquery.com/jquery-3.7.1.min.js'></script></html>", "utf-8")
    control_log = tmp_path / "control-net.json"
    _chromium(tmp_path, control.as_uri(), "--dump-dom", f"--log-net-log={control_log}")
    assert "https://code.jquery.com/jquery-3.7.1.min.js" in _remote_requests(control_log)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shot = _chromium(tmp_path, url, f"--screenshot={SCREENSHOT}")
    assert shot.returncode == 0 and SCREENSHOT.stat().st_size > 10_000


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium (installed by .ci/run)")
def test_validation_page_renders_offline(docs: Path, tmp_path: Path):
    page = next((docs / "validations").rglob("*.html"))
    dom = _chromium(tmp_path, page.as_uri(), "--dump-dom")
    assert dom.returncode == 0
    assert "<table" in dom.stdout and "teams" in dom.stdout
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_status_is_shown_as_words_and_no_control_is_left_dead(docs: Path):
    """GX's status icons came from a CDN (blank offline) and its filter buttons from removed scripts (issue 23)."""
    pages = list(docs.rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "onclick" not in text, page.name
        assert not re.search(r"<i class=\"[^\"]*\bfa-", text), page.name
        assert "Failed Only" not in text and "Clear Filters" not in text, page.name
    index = (docs / "index.html").read_text(encoding="utf-8")
    assert "csc-passed'>passed</b>" in index or "csc-failed'>FAILED</b>" in index
