"""Headless Chromium (the system's /usr/bin/chromium) driven through Playwright, logged in
to the Airflow UI with the JWT cookie that Airflow's own login sets (`_token`); and the
pages of the README's screenshots, opened the same way by the tests (tests/ui) and by
`make screenshots` (scripts/refresh_screenshots.py, which imports this module without
pytest).

Screenshots: the tests write theirs to `screenshot_dir()` (NBA_SCREENSHOT_DIR, default
build/screenshots/, git-ignored), never to docs/: a test's state (damaged days, other
tests' runs in the shared metadata DB) is not what a user sees after the README. Only
`make screenshots` refreshes docs/*.png, from a clean demo.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SCREENSHOT_DIR_VARIABLE = "NBA_SCREENSHOT_DIR"
CHROMIUM = os.environ.get("NBA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
COVERAGE_ROUTE = "/plugin/backfill-coverage"  # the plugin's page inside the UI (an iframe)
COVERAGE_NAV_NAME = "Coverage"  # its entry in the UI's navigation


def screenshot_dir() -> Path:
    """Where the tests write their screenshots: NBA_SCREENSHOT_DIR, else build/screenshots/."""
    value = os.environ.get(SCREENSHOT_DIR_VARIABLE)
    return Path(value).resolve() if value else ROOT / "build" / "screenshots"


def require_browser():
    """The Playwright driver and a Chromium binary, or skip the test with what to install."""
    import pytest

    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set NBA_CHROMIUM)")
    return sync_api


@contextlib.contextmanager
def browser_page(base_url: str, token: str, width: int = 1440, height: int = 900):
    """A page of a fresh headless Chromium whose cookie jar holds the Airflow JWT for
    base_url (no pytest: `make screenshots` uses it too)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM} (scripts/system-deps.sh, or NBA_CHROMIUM)")
    with sync_playwright() as playwright:
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


@contextlib.contextmanager
def logged_in_page(base_url: str, token: str, width: int = 1440, height: int = 900):
    """`browser_page` for a test: skipped when Playwright or Chromium is missing."""
    require_browser()
    with browser_page(base_url, token, width, height) as page:
        yield page


def save_screenshot(page, name: str, directory: Path | None = None, **kwargs) -> Path:
    """A screenshot of the page as `name` in `directory` (default: `screenshot_dir()`)."""
    directory = Path(directory) if directory is not None else screenshot_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    page.screenshot(path=str(path), **kwargs)
    assert path.stat().st_size > 10_000, f"{path} looks empty"
    return path


# The pages of the README's screenshots. Each opens its page and waits until it shows what
# the picture is for; the caller checks the figures and takes the screenshot.


def open_trigger_form(page, base_url: str, dag_id: str, start: str, end: str):
    """The DAG's Trigger dialog with the start_date / end_date pickers filled (nothing is
    triggered). Returns the dialog."""
    page.goto(f"{base_url}/dags/{dag_id}")
    page.get_by_role("button", name="Trigger").first.click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    dates = dialog.locator("input[type='date']")
    dates.first.wait_for()
    dates.nth(0).fill(start)
    dates.nth(1).fill(end)
    dates.nth(1).evaluate("element => element.blur()")  # no highlighted field
    page.mouse.move(0, 0)
    return dialog


def open_mapped_instances(page, base_url: str, dag_id: str, run_id: str, task_id: str, first: str):
    """A run's mapped instances of `task_id`, labelled by their map index template, once
    the label `first` shows. Returns the table."""
    page.goto(f"{base_url}/dags/{dag_id}/runs/{quote(run_id, safe='')}/tasks/{task_id}/mapped")
    table = page.locator("table")
    table.get_by_text(first).wait_for()
    page.mouse.move(0, 0)
    return table


def open_run_grid(page, base_url: str, dag_id: str, run_id: str, task_ids) -> None:
    """A run's page: the grid and its task list, once every task of `task_ids` shows."""
    page.goto(f"{base_url}/dags/{dag_id}/runs/{quote(run_id, safe='')}")
    for task_id in task_ids:
        page.get_by_text(task_id).first.wait_for()
    page.mouse.move(0, 0)
    page.wait_for_timeout(1000)


def open_coverage_page(page, base_url: str, start: str | None = None, end: str | None = None):
    """The coverage page inside the UI (its navigation entry, the page in an iframe), for
    the range start..end (the page's own From / to fields) or its default. Returns the
    iframe's frame locator once the figures are drawn."""
    page.goto(f"{base_url}{COVERAGE_ROUTE}")
    page.locator(f"a[aria-label='{COVERAGE_NAV_NAME}']").wait_for()
    frame = page.frame_locator("iframe")
    frame.locator("body[data-ready='1']").wait_for(timeout=60_000)
    if start and end:
        frame.locator("#start").fill(start)
        frame.locator("#end").fill(end)
        frame.locator("#range button[type='submit']").click()
        frame.locator("#source").get_by_text(f"{start} .. {end}").wait_for(timeout=60_000)
        frame.locator("body[data-ready='1']").wait_for(timeout=60_000)
    return frame
