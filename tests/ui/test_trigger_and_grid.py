"""The UI as a user sees it: Pass 1 triggered with params through the REST API under a real
scheduler (LocalExecutor), Pass 2 started by Pass 1's asset event (or the daily run that
unpausing it starts merges the range first), then the trigger form
(date pickers) and the grids (mapped load_day instances labelled by date, both passes
green) in headless Chromium, through the same pages as `make screenshots`. The test's
screenshots go to build/screenshots/ (tests/ui/ui_browser.py), never docs/: the session's
metadata DB holds other tests' runs (a backfill's banner on the trigger form, ...); the
README's pictures come from `make screenshots` (scripts/refresh_screenshots.py)."""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import quote

import pytest
from ui_browser import (
    DOCS,
    logged_in_page,
    open_mapped_instances,
    open_run_grid,
    open_trigger_form,
    save_screenshot,
    screenshot_dir,
)

from nba_backfill import demo
from nba_backfill.local.airflow_services import AirflowServices
from nba_backfill.local.runner import PASS1_DAG_ID, PASS2_DAG_ID

from helpers import scheduler_env

pytestmark = pytest.mark.e2e

START, END = dt.date(2021, 10, 19), dt.date(2021, 10, 23)
CONF = {"start_date": START.isoformat(), "end_date": END.isoformat()}
DAYS = [(START + dt.timedelta(days=i)).isoformat() for i in range((END - START).days + 1)]


def run_ids(services, token, dag_id: str) -> set[str]:
    status, body = services.api("GET", f"/api/v2/dags/{dag_id}/dagRuns?limit=100", token=token)
    assert status == 200, body
    return {r["dag_run_id"] for r in body["dag_runs"]}


def wait_for_run(
    services, token, dag_id: str, run_id: str, timeout: float, progress: list | None = None
) -> dict:
    """The run once finished; meanwhile, the coverage page's progress of it in `progress`."""
    deadline = time.monotonic() + timeout
    path = f"/api/v2/dags/{dag_id}/dagRuns/{quote(run_id, safe='')}"
    while time.monotonic() < deadline:
        status, body = services.api("GET", path, token=token)
        if status == 200 and body["state"] in ("success", "failed"):
            return body
        if progress is not None:
            status, runs = services.api("GET", "/nba-coverage/api/runs", token=token)
            assert status == 200, runs
            progress.extend(r for r in runs["runs"] if r["run_id"] == run_id)
        time.sleep(0.5 if progress is not None else 2)
    raise AssertionError(
        f"{dag_id} {run_id} not finished in {timeout} s\n" + services.tail("scheduler")
    )


def wait_for_new_runs(
    services, token, dag_id: str, known: set[str], timeout: float, run_type: str | None = None
) -> list[dict]:
    """The DAG's runs that are not in `known`, once there is one (of `run_type`, if given)
    and all have finished. (The session's metadata DB also holds other tests' runs.)"""
    deadline = time.monotonic() + timeout
    runs: list[dict] = []
    while time.monotonic() < deadline:
        status, body = services.api("GET", f"/api/v2/dags/{dag_id}/dagRuns?limit=100", token=token)
        runs = body.get("dag_runs", []) if status == 200 else []
        runs = [r for r in runs if r["dag_run_id"] not in known]
        wanted = [r for r in runs if run_type is None or r["run_type"] == run_type]
        if wanted and all(r["state"] in ("success", "failed") for r in runs):
            return runs
        time.sleep(2)
    raise AssertionError(
        f"{dag_id} runs not finished in {timeout} s: {runs}\n" + services.tail("scheduler")
    )


def test_trigger_with_params_then_both_passes_green_in_the_grid(warehouse, airflow_db, tmp_path):
    data = demo.generate(START, END)
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)
    env = scheduler_env(
        AIRFLOW__CORE__PARALLELISM="4", AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="1"
    )
    with AirflowServices(env, tmp_path / "logs") as services:
        token = services.token()
        pass2_before = run_ids(services, token, PASS2_DAG_ID)
        for dag_id in (PASS1_DAG_ID, PASS2_DAG_ID):
            status, body = services.api(
                "PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False}, token=token
            )
            assert status == 200 and body["is_paused"] is False, body
        status, run = services.api(
            "POST",
            f"/api/v2/dags/{PASS1_DAG_ID}/dagRuns",
            {"logical_date": None, "conf": CONF},
            token=token,
        )
        assert status == 200, run
        assert run["conf"] == CONF and run["run_type"] == "manual"

        progress: list[dict] = []
        pass1 = wait_for_run(
            services, token, PASS1_DAG_ID, run["dag_run_id"], timeout=150, progress=progress
        )
        assert pass1["state"] == "success", services.tail("scheduler")
        # the coverage page followed the run while it ran (the Pass 1 runs panel)
        assert progress and progress[0]["state"] in ("queued", "running")
        # the map takes a few seconds (a task process per day): seen with days left
        assert any(p["mapped_instances"] == len(DAYS) and p["remaining"] for p in progress)
        for seen in progress:
            counts = seen["done"] + seen["running"] + seen["queued"] + seen["failed"]
            assert counts == seen["mapped_instances"] and seen["failed"] == 0, seen
            if seen["mapped_instances"] and seen["done"] and seen["remaining"]:
                assert seen["projected_finish"] and seen["median_duration_s"] > 0, seen
        status, runs = services.api("GET", "/nba-coverage/api/runs", token=token)
        final = next(r for r in runs["runs"] if r["run_id"] == run["dag_run_id"])
        assert (final["state"], final["done"], final["remaining"]) == ("success", len(DAYS), 0)
        # Pass 2: one run started by Pass 1's asset event. Unpausing Pass 2 may also have
        # started its daily safety-net run (README: "Unpausing starts a run of each"),
        # which waits for Pass 1 like any Pass 2 run; then one of the two merges the range
        # and the other finds nothing stale (the batching rule: its merge is skipped).
        new_pass2 = wait_for_new_runs(
            services, token, PASS2_DAG_ID, pass2_before, timeout=90, run_type="asset_triggered"
        )
        seen = sorted((r["run_type"], r["state"]) for r in new_pass2)
        assert seen in (
            [("asset_triggered", "success")],
            [("asset_triggered", "success"), ("scheduled", "success")],
        ), seen
        merged = {}
        for pass2_run in new_pass2:
            status, tis = services.api(
                "GET",
                f"/api/v2/dags/{PASS2_DAG_ID}/dagRuns/"
                f"{quote(pass2_run['dag_run_id'], safe='')}/taskInstances",
                token=token,
            )
            states = {(t["task_id"], t["state"]) for t in tis["task_instances"]}
            if ("merge_shot_zones", "success") in states:
                merged[pass2_run["dag_run_id"]] = (pass2_run, tis["task_instances"])
        # exactly one Pass 2 run merged the range, every task of it green
        ((pass2, pass2_tis),) = merged.values()
        assert {(t["task_id"], t["state"]) for t in pass2_tis} == {
            ("wait_for_pass1", "success"),
            ("plan_windows", "success"),
            ("merge_shot_zones", "success"),
            ("audit_shot_zones", "success"),
        }
        assert [
            t["rendered_map_index"] for t in pass2_tis if t["task_id"] == "merge_shot_zones"
        ] == [f"{START} .. {END}"]

        pass1_run = quote(pass1["dag_run_id"], safe="")
        status, body = services.api(
            "GET",
            f"/api/v2/dags/{PASS1_DAG_ID}/dagRuns/{pass1_run}/taskInstances"
            "?task_id=load_day&limit=100",
            token=token,
        )
        mapped = sorted(
            (t["rendered_map_index"], t["state"])
            for t in body["task_instances"]
            if t["map_index"] >= 0
        )
        assert mapped == [(day, "success") for day in DAYS]

        saved = []
        with logged_in_page(services.base_url, token) as page:
            # the trigger form: the DAG's date params as date pickers
            dialog = open_trigger_form(
                page, services.base_url, PASS1_DAG_ID, START.isoformat(), END.isoformat()
            )
            dates = dialog.locator("input[type='date']")
            assert dates.count() == 2
            for label in ("First game day", "Last game day"):
                assert dialog.get_by_text(label).count() == 1
            assert dates.nth(0).input_value() == START.isoformat()
            assert dates.nth(1).input_value() == END.isoformat()
            saved.append(save_screenshot(page, "trigger-form.png"))

            # Pass 1's grid: the run's mapped load_day instances, labelled by date
            table = open_mapped_instances(
                page, services.base_url, PASS1_DAG_ID, pass1["dag_run_id"], "load_day", DAYS[0]
            )
            for day in DAYS:
                row = table.locator("tr", has=page.get_by_text(day, exact=True))
                assert row.count() == 1 and "Success" in row.inner_text(), day
            assert page.get_by_text(f"{len(DAYS)} Task Instances").count() == 1
            saved.append(save_screenshot(page, "grid-pass1.png"))

            # Pass 2's grid: the run that merged the range, every task green
            open_run_grid(
                page,
                services.base_url,
                PASS2_DAG_ID,
                pass2["dag_run_id"],
                ("wait_for_pass1", "plan_windows", "merge_shot_zones", "audit_shot_zones"),
            )
            saved.append(save_screenshot(page, "grid-pass2.png"))
        # the test's pictures are its own: never the README's
        assert {path.parent for path in saved} == {screenshot_dir()}
        assert not any(path.is_relative_to(DOCS) for path in saved)
