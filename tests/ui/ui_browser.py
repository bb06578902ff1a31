"""Headless Chromium (the system's /usr/bin/chromium) driven through Playwright, logged in
to the Airflow UI with the JWT cookie that Airflow's own login sets (`_token`)."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CHROMIUM = os.environ.get("NBA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_browser():
    """The Playwright driver and a Chromium binary, or skip with what to install."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set NBA_CHROMIUM)")
    return sync_api


@contextlib.contextmanager
def logged_in_page(base_url: str, token: str, width: int = 1440, height: int = 900):
    """A page of a fresh browser whose cookie jar holds the Airflow JWT for base_url."""
    sync_api = require_browser()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale="en-US", timezone_id="UTC"
            )
            context.add_cookies([{"name": "_token", "value": token, "url": base_url}])
            page = context.new_page()
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def save_screenshot(page, name: str, **kwargs) -> Path:
    DOCS.mkdir(exist_ok=True)
    path = DOCS / name
    page.screenshot(path=str(path), **kwargs)
    assert path.stat().st_size > 10_000, f"{path} looks empty"
    return path
