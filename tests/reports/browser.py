"""Opens a report page as a person would: the system's headless Chromium (no browser download), recording
every request the page makes, its visible text and a screenshot."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageStat
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@dataclass
class PageView:
    url: str
    title: str
    text: str
    requests: list[str]
    screenshot: bytes
    console_errors: list[str]

    @property
    def outside_requests(self) -> list[str]:
        return [r for r in self.requests if not r.startswith(("file://", "data:"))]

    @property
    def pixel_spread(self) -> float:
        """Standard deviation of the screenshot's grey levels: about 0 for a blank page."""
        image = Image.open(io.BytesIO(self.screenshot)).convert("L")
        return ImageStat.Stat(image).stddev[0]


def open_pages(paths: list[Path], screenshot_width: int = 1200) -> list[PageView]:
    if not CHROMIUM.exists():
        raise AssertionError(f"{CHROMIUM} is missing: install the Debian chromium package (.ci/run does)")
    views = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            for path in paths:
                context = browser.new_context(viewport={"width": screenshot_width, "height": 900})
                page = context.new_page()
                requests: list[str] = []
                errors: list[str] = []
                page.on("request", lambda request, seen=requests: seen.append(request.url))
                page.on("console", lambda msg, seen=errors: seen.append(msg.text) if msg.type == "error" else None)
                url = Path(path).resolve().as_uri()
                page.goto(url, wait_until="load")
                views.append(
                    PageView(
                        url=url,
                        title=page.title(),
                        text=page.inner_text("body"),
                        requests=requests,
                        screenshot=page.screenshot(full_page=False),
                        console_errors=errors,
                    )
                )
                context.close()
        finally:
            browser.close()
    return views


def axe_violations(paths: list[Path], impacts: tuple[str, ...] = ("serious", "critical")) -> dict[str, list[str]]:
    """axe-core (the copy bundled with axe-playwright-python: no npm, no network) run on each page in the system
    Chromium: page name -> "impact rule-id: first offending element" of each violation of those impacts."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: dict[str, list[str]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            for path in paths:
                page = browser.new_page()
                page.goto(Path(path).resolve().as_uri(), wait_until="load")
                violations = axe.run(page).response["violations"]
                found[Path(path).name] = [
                    f"{v['impact']} {v['id']}: {v['nodes'][0]['html'][:120]}"
                    for v in violations
                    if v["impact"] in impacts
                ]
                page.close()
        finally:
            browser.close()
    return found
