"""The README's Airflow commands, run as written: `airflow dags list` and the local
`airflow backfill create` recipe under a real scheduler (LocalExecutor)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time

import pytest

from nba_backfill import demo_data
from nba_backfill.local_airflow import AirflowServices, airflow_cli

from helpers import scheduler_env, summary_rows

pytestmark = pytest.mark.e2e

DAG_ID = "nba_pass1_box_scores"


def test_dags_list_shows_the_dags_without_import_errors(airflow_db):
    airflow_cli("dags", "reserialize")
    listed = airflow_cli("dags", "list", "-o", "plain").stdout
    assert DAG_ID in listed
    errors = airflow_cli("dags", "list-import-errors", "-o", "plain").stdout
    assert "nba_" not in errors


def run_states(run_type: str) -> dict[str, str]:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        runs = session.query(DagRun).filter(DagRun.dag_id == DAG_ID, DagRun.run_type == run_type)
        return {r.logical_date.isoformat(): str(r.state) for r in runs}


def test_backfill_create_recipe_loads_each_game_day(warehouse, airflow_db, tmp_path):
    data = demo_data.generate(dt.date(2021, 10, 19), dt.date(2021, 10, 22))
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)
    env = scheduler_env(
        unpause=(DAG_ID,),
        AIRFLOW__CORE__PARALLELISM="4",
        AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="1",
    )
    # the README's recipe: game days 2021-10-19 .. 2021-10-21, two runs at a time. It only
    # writes the backfill's DagRun rows, which the scheduler then runs; it is created before
    # the services start because SQLite refuses a second writer mid-transaction ("database
    # is locked") where PostgreSQL would wait.
    airflow_cli(
        "backfill", "create", "--dag-id", DAG_ID,
        "--from-date", "2021-10-19", "--to-date", "2021-10-21T23:59",
        "--max-active-runs", "2", env=env,
    )  # fmt: skip
    with AirflowServices(env, tmp_path / "logs") as services:
        # the README's way to follow it: prints progress lines until the backfill completes
        progress = subprocess.run(
            [sys.executable, "-m", "nba_backfill.cli", "progress", "--dag-id", DAG_ID,
             "--every", "1"],
            capture_output=True, text=True, env=env, timeout=240,
        )  # fmt: skip
        assert progress.returncode == 0, progress.stdout + progress.stderr
        lines = progress.stdout.splitlines()
        assert re.fullmatch(
            rf"backfill \d+ of {DAG_ID}: 3/3 days done, runs 3/3, elapsed \S+, ~0s left",
            lines[-1],
        ), lines
        assert run_states("backfill") == {
            "2021-10-19T10:00:00+00:00": "success",
            "2021-10-20T10:00:00+00:00": "success",
            "2021-10-21T10:00:00+00:00": "success",
        }, services.tail("scheduler")
    rows = summary_rows(warehouse)
    expected = {
        (r["game_id"], r["player_lookup"])
        for r in data.expected.to_pylist()
        if r["game_date"] <= dt.date(2021, 10, 21)
    }
    assert set(rows) == expected
    assert {r["game_date"] for r in rows.values()} == {
        dt.date(2021, 10, 19), dt.date(2021, 10, 20), dt.date(2021, 10, 21),
    }  # fmt: skip


def test_pass1_asset_event_schedules_pass2_on_the_same_range(warehouse, airflow_db, tmp_path):
    from airflow.models.dagrun import DagRun
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import func

    from helpers import SHOT_ZONE_COLUMNS, zones

    data = demo_data.generate(dt.date(2021, 10, 19), dt.date(2021, 10, 21))
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)
    env = scheduler_env(unpause=(DAG_ID, "nba_pass2_shot_zones"), AIRFLOW__CORE__PARALLELISM="4")
    conf = '{"start_date": "2021-10-19", "end_date": "2021-10-21"}'
    with AirflowServices(env, tmp_path / "logs") as services:
        since = dt.datetime.now(dt.UTC)  # the session's DB holds other modules' runs
        airflow_cli("dags", "trigger", DAG_ID, "-c", conf, env=env)
        deadline = time.monotonic() + 240
        pass2_runs = []
        while time.monotonic() < deadline:
            with create_session() as session:
                pass2_runs = [
                    (r.run_id, str(r.state), str(r.run_type))
                    for r in session.query(DagRun).filter(
                        DagRun.dag_id == "nba_pass2_shot_zones",
                        DagRun.run_type == "asset_triggered",  # (not the daily safety net)
                        func.coalesce(DagRun.queued_at, DagRun.start_date) >= since,
                    )
                ]
            if pass2_runs and all(s in ("success", "failed") for _, s, _ in pass2_runs):
                break
            time.sleep(2)
        assert [(s, t) for _, s, t in pass2_runs] == [("success", "asset_triggered")], (
            services.tail("scheduler")
        )
    with create_session() as session:
        windows = (
            session.query(XComModel)
            .filter_by(
                dag_id="nba_pass2_shot_zones",
                run_id=pass2_runs[0][0],
                task_id="plan_windows",
                key="return_value",
            )
            .one()
        )
        assert XComModel.deserialize_value(windows) == [
            {"start_date": "2021-10-19", "end_date": "2021-10-21"}
        ]
    rows = summary_rows(warehouse)
    expected = {(r["game_id"], r["player_lookup"]): r for r in data.expected.to_pylist()}
    assert set(rows) == set(expected)
    for key, want in expected.items():
        assert zones(rows[key]) == {c: want[c] for c in SHOT_ZONE_COLUMNS}, key
