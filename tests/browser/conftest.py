"""Playwright on Debian's Chromium against pytest-django's live server.

Missing Chromium skips these tests with a reason, or fails them when REQUIRE_BROWSER=1 (CI).
Screenshots of the main pages are kept in test-artifacts/screenshots/ (or $ORGREG_ARTIFACTS).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.cache import cache

# Playwright's sync API runs an event loop in this thread; Django must still allow the ORM.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "test-kode-123"
ARTIFACTS = Path(os.environ.get("ORGREG_ARTIFACTS") or
                 Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = (f"Chromium findes ikke på {CHROMIUM}; "
                  "installér den med 'apt-get install chromium'.")
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--no-proxy-server"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    cache.clear()
    # Chromium may try ::1 for "localhost" while the live server listens on 127.0.0.1.
    base_url = live_server.url.replace("://localhost:", "://127.0.0.1:")
    context = browser.new_context(base_url=base_url, locale="da-DK",
                                  viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(8000)
    yield page
    context.close()


def login(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
