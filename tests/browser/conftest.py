"""Headless Chromium for the browser tests: Debian's own build, never a downloaded browser.

Set OSTEOREHAB_SHOTS to a folder to keep a PNG screenshot of each main page the tests visit.
"""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    ViewportSize,
    sync_playwright,
)

from osteorehab.patients.demo import DemoProgram, build_demo

# Playwright's sync API runs an event loop in the test's thread; Django would otherwise refuse
# the tests' own database queries as "unsafe from an async context".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
MISSING = "Debian's chromium is not installed; .ci/run installs it"
# This machine's network is closed: nothing that phones home.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
DEMO_DAY = date(2026, 3, 2)


def find_chromium() -> str | None:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium() -> str:
    """The browser's path; skipped where none is installed, except on CI, which always has it."""
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{MISSING} (CI is set, and CI always has Chromium)", pytrace=False)
        pytest.skip(MISSING)
    return path


@pytest.fixture(scope="session")
def browser(chromium: str, django_db_setup: None) -> Iterator[Browser]:
    # Playwright's driver runs the tests in a context of its own, where Django's connection is
    # another object: it gets the snapshot of the database as the migrations left it, which each
    # transactional test restores (serialized_rollback) and which tells its flush to leave the
    # rows the migrations write (content types) to that snapshot.
    migrated = getattr(connection, "_test_serialized_contents", None)
    with sync_playwright() as playwright:
        if migrated is not None:
            connection._test_serialized_contents = migrated  # type: ignore[attr-defined]
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class Browsing:
    """Fresh browser contexts against the live server, closed after the test.

    `errors` collects script errors and console errors (a Content-Security-Policy violation
    is one) from every page opened.
    """

    browser: Browser
    base_url: str
    shots: Path | None
    test_name: str
    errors: list[str] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)

    def page(self, viewport: ViewportSize = DESKTOP, *, javascript: bool = True) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport=viewport,
            locale="en-GB",
            java_script_enabled=javascript,
        )
        context.set_default_timeout(5_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self._console(page, message))
        return page

    def _console(self, page: Page, message: ConsoleMessage) -> None:
        # The site has no favicon (yet): the browser's own request for one is not the page's.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            self.errors.append(f"{page.url}: {message.text} ({message.location['url']})")

    def shot(self, page: Page, name: str) -> None:
        """A full-page screenshot, when OSTEOREHAB_SHOTS names a folder."""
        if self.shots is not None:
            page.screenshot(path=self.shots / f"{self.test_name}-{name}.png", full_page=True)


@pytest.fixture
def browsing(browser: Browser, live_server, request: pytest.FixtureRequest) -> Iterator[Browsing]:
    shots = os.environ.get("OSTEOREHAB_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
    name = request.node.name.removeprefix("test_")
    session = Browsing(browser, live_server.url, Path(shots) if shots else None, name)
    yield session
    for context in session.contexts:
        context.close()


@pytest.fixture(autouse=True)
def _database_as_migrated(django_db_serialized_rollback):
    """Each browser test (a live server: real transactions) starts from the database as the
    migrations left it, as the other transactional tests do: without it, the first one's
    flush would take the exercise library and the other rows the migrations wrote from the
    tests that run after it."""


@pytest.fixture
def demo(transactional_db) -> DemoProgram:
    """The demo program (logins nurse, patient, caregiver; password DEMO_PASSWORD)."""
    return build_demo(patients=12, seed=2026, today=DEMO_DAY)
