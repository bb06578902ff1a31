"""Refresh the README's screenshots (docs/*.png) from a clean demo: `make screenshots`.

The tests never write docs/ (theirs go to build/screenshots/): this is the one deliberate
command that does, and it shows what a user sees after following the README.

1. a temporary AIRFLOW_HOME (`airflow db migrate` and the write pool:
   scripts/airflow-init.sh) and a temporary DuckDB warehouse, so the project's .airflow/
   and data/ are left alone;
2. `python -m nba_backfill.cli demo` over the demo range (what `make demo` runs: the demo
   data, then Pass 1 and Pass 2 through Airflow's `dag.test()`);
3. an api-server on 127.0.0.1 (nba_backfill.local.airflow_services.AirflowServices,
   stopped at the end, whatever happens) and headless Chromium (tests/ui/ui_browser.py):
     trigger-form.png       Pass 1's Trigger dialog, dates filled, nothing triggered
     grid-pass1.png         the demo's Pass 1 run: its mapped load_day instances by date
     grid-pass2.png         the demo's Pass 2 run: its grid, every task green
     backfill-coverage.png  the coverage page ("Coverage" in the navigation) over the range
4. the figures checked first (both runs green, every day complete, no failing audit);
   only then are the pictures copied into docs/ (or --out).

Run with the README's environment: `make screenshots`, or `source scripts/env.sh` and
`python scripts/refresh_screenshots.py [--start ... --end ... --seed ...]`. No pytest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ui"))  # the Playwright helpers the UI tests use

import ui_browser  # noqa: E402

PASS1_DAG_ID = "nba_pass1_box_scores"
PASS2_DAG_ID = "nba_pass2_shot_zones"
PASS2_TASKS = ("wait_for_pass1", "plan_windows", "merge_shot_zones", "audit_shot_zones")
PICTURES = ("trigger-form.png", "grid-pass1.png", "grid-pass2.png", "backfill-coverage.png")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def demo_env(tmp: Path) -> dict[str, str]:
    """The README's environment (scripts/env.sh) with a private Airflow and warehouse."""
    home = tmp / "airflow"
    home.mkdir(parents=True)
    env = os.environ.copy()
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
            "AIRFLOW_CONN_NBA_WAREHOUSE": json.dumps(
                {"conn_type": "duckdb", "extra": {"path": str(tmp / "warehouse.duckdb")}}
            ),
            "NBA_LOCAL_DATA_DIR": str(tmp / "data"),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        }
    )
    return env


def run(args: list[str], env: dict[str, str], what: str) -> None:
    print(f"== {what}: {' '.join(args)}", flush=True)
    result = subprocess.run(args, env=env, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"{what} failed (exit {result.returncode}): docs/ left as it was")


def only_run(services, token: str, dag_id: str) -> dict:
    status, body = services.api("GET", f"/api/v2/dags/{dag_id}/dagRuns?limit=10", token=token)
    if status != 200 or len(body.get("dag_runs", [])) != 1:
        raise SystemExit(f"expected the demo's one run of {dag_id}, got {status}: {body}")
    (dag_run,) = body["dag_runs"]
    if dag_run["state"] != "success":
        raise SystemExit(f"the demo's {dag_id} run is {dag_run['state']}: {dag_run['dag_run_id']}")
    return dag_run


def check_figures(services, token: str, start: dt.date, end: dt.date) -> dict:
    """The coverage page's figures over the range: what the README says after `make demo`."""
    query = f"start={start.isoformat()}&end={end.isoformat()}"
    status, body = services.api("GET", f"/nba-coverage/api/coverage?{query}", token=token)
    if status != 200:
        raise SystemExit(f"coverage API: HTTP {status}: {body}")
    t = body["totals"]
    problems = {
        key: t[key]
        for key in (
            "days_missing",
            "days_partial",
            "days_stale",
            "days_audit_fail",
            "pass2_only_rows",
            "days_pass2_stale",
            "days_pass2_missing",
        )
        if t[key]
    }
    if problems or t["pass2_coverage"] != 1.0 or not t["days_complete"]:
        raise SystemExit(f"the demo's figures are not those of a clean demo: {problems} {t}")
    return t


def mapped_days(services, token: str, run_id: str) -> list[str]:
    """The labels (game days) of the run's mapped load_day instances, all of them green."""
    status, body = services.api(
        "GET",
        f"/api/v2/dags/{PASS1_DAG_ID}/dagRuns/{quote(run_id, safe='')}/taskInstances"
        "?task_id=load_day&limit=1000",
        token=token,
    )
    mapped = [t for t in body.get("task_instances", []) if t["map_index"] >= 0]
    if status != 200 or not mapped or {t["state"] for t in mapped} != {"success"}:
        raise SystemExit(f"the demo's Pass 1 load_day instances: {status} {body}")
    return sorted(t["rendered_map_index"] for t in mapped)


def capture(
    base_url: str, token: str, out: Path, args, pass1: dict, pass2: dict, days: list[str]
) -> None:
    start, end = args.start.isoformat(), args.end.isoformat()
    with ui_browser.browser_page(base_url, token) as page:
        dialog = ui_browser.open_trigger_form(page, base_url, PASS1_DAG_ID, start, end)
        dates = dialog.locator("input[type='date']")
        assert (dates.nth(0).input_value(), dates.nth(1).input_value()) == (start, end)
        ui_browser.save_screenshot(page, "trigger-form.png", out)

        table = ui_browser.open_mapped_instances(
            page, base_url, PASS1_DAG_ID, pass1["dag_run_id"], "load_day", days[0]
        )
        page.get_by_text(f"{len(days)} Task Instances").wait_for()
        first_rows = table.locator("tr", has=page.get_by_text(days[0], exact=True))
        assert "Success" in first_rows.inner_text(), first_rows.inner_text()
        ui_browser.save_screenshot(page, "grid-pass1.png", out)

        ui_browser.open_run_grid(page, base_url, PASS2_DAG_ID, pass2["dag_run_id"], PASS2_TASKS)
        ui_browser.save_screenshot(page, "grid-pass2.png", out)

    # the coverage page over the range: every day complete, both passes
    with ui_browser.browser_page(base_url, token, height=820) as page:
        frame = ui_browser.open_coverage_page(page, base_url, start, end)
        complete = frame.locator("rect.cell[data-pass1='complete'][data-pass2='complete']")
        if complete.count() != len(days):
            raise SystemExit(f"the coverage page shows {complete.count()} of {len(days)} days done")
        page.mouse.move(0, 0)
        ui_browser.save_screenshot(page, "backfill-coverage.png", out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--start", type=_date, default=_date("2021-10-19"))
    parser.add_argument("--end", type=_date, default=_date("2021-11-18"))
    parser.add_argument("--seed", type=int, default=20211019)
    parser.add_argument("--out", type=Path, default=ui_browser.DOCS, help="default: docs/")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if not os.environ.get("NBA_PROJECT_ROOT"):
        raise SystemExit("run it with the README's environment: `make screenshots`, or "
                         "`source scripts/env.sh` first")  # fmt: skip
    from nba_backfill.local.airflow_services import AirflowServices

    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="nba-screenshots-"))
    try:
        env = demo_env(tmp)
        run(["bash", str(ROOT / "scripts" / "airflow-init.sh")], env, "a temporary Airflow")
        demo = [sys.executable, "-m", "nba_backfill.cli", "demo"]
        demo += ["--start", args.start.isoformat(), "--end", args.end.isoformat()]
        run([*demo, "--seed", str(args.seed)], env, "the demo (make demo)")
        print("== an api-server on 127.0.0.1 and headless Chromium", flush=True)
        with AirflowServices(env, tmp / "logs", components=("api-server",)) as services:
            token = services.token()
            pass1 = only_run(services, token, PASS1_DAG_ID)
            pass2 = only_run(services, token, PASS2_DAG_ID)
            status, tis = services.api(
                "GET",
                f"/api/v2/dags/{PASS2_DAG_ID}/dagRuns/{quote(pass2['dag_run_id'], safe='')}"
                "/taskInstances",
                token=token,
            )
            states = {t["task_id"]: t["state"] for t in tis["task_instances"]}
            if states != dict.fromkeys(PASS2_TASKS, "success"):
                raise SystemExit(f"the demo's Pass 2 run: {states}")
            totals = check_figures(services, token, args.start, args.end)
            days = mapped_days(services, token, pass1["dag_run_id"])
            shots = tmp / "screenshots"
            capture(services.base_url, token, shots, args, pass1, pass2, days)
        args.out.mkdir(parents=True, exist_ok=True)
        for name in PICTURES:
            shutil.copyfile(shots / name, args.out / name)
            print(f"   {args.out / name} ({(args.out / name).stat().st_size:,} bytes)")
        print(
            f"refreshed {len(PICTURES)} screenshots of {args.start} .. {args.end} "
            f"({totals['game_days']} game days, {totals['pass1_rows']:,} rows) in "
            f"{time.monotonic() - started:.0f} s"
        )
        return 0
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
