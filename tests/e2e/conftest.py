"""Browser tests: a live server on a random port over a fresh seeded SQLite file,
driven by Playwright through Debian's chromium.  Skipped when chromium is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.site import open_page, serve_fresh_site, sign_in

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "/tmp/e2e-artifacts"))


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with serve_fresh_site(tmp_path_factory.mktemp("e2e"), "e2e") as (url, app):
        yield {"url": url, "app": app}


@pytest.fixture(scope="session")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield instance
        instance.close()


@pytest.fixture()
def page(browser, live_server):
    with open_page(browser, live_server["url"]) as page:
        yield page


@pytest.fixture()
def login_page(live_server):
    return sign_in


@pytest.fixture()
def shot():
    """shot(page, name): save a full-page screenshot under E2E_ARTIFACTS for a human to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
