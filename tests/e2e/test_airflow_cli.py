"""The README's Airflow commands, run as written: `airflow dags list` and the local
`airflow backfill create` recipe under a real scheduler (LocalExecutor)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time

import pytest

from nba_backfill import demo
from nba_backfill.local.airflow_services import AirflowServices, airflow_cli

from helpers import SHOT_ZONE_COLUMNS, scheduler_env, summary_rows, zones

pytestmark = pytest.mark.e2e

DAG_ID = "nba_pass1_box_scores"
PASS2_DAG_ID = "nba_pass2_shot_zones"


def test_dags_list_shows_the_dags_without_import_errors(airflow_db):
    airflow_cli("dags", "reserialize")
    listed = airflow_cli("dags", "list", "-o", "plain")
    assert DAG_ID in listed.stdout
    assert "graphviz" not in listed.stdout + listed.stderr  # a fresh install's warning
    errors = airflow_cli("dags", "list-import-errors", "-o", "plain").stdout
    assert "nba_" not in errors


def backfill_runs(since: dt.datetime) -> dict[str, tuple[str, str, dt.datetime | None]]:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        runs = session.query(DagRun).filter(
            DagRun.dag_id == DAG_ID, DagRun.run_type == "backfill", DagRun.queued_at >= since
        )
        return {r.run_id: (r.logical_date.isoformat(), str(r.state), r.end_date) for r in runs}


def pass2_merges(since: dt.datetime) -> tuple[list[str], list[tuple[str, dt.datetime]]]:
    """Pass 2's runs queued since `since`, and the merge_shot_zones instances they ran."""
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        runs = session.query(DagRun).filter(
            DagRun.dag_id == PASS2_DAG_ID, DagRun.queued_at >= since
        )
        run_ids = [r.run_id for r in runs]
        merges = session.query(TaskInstance).filter(
            TaskInstance.dag_id == PASS2_DAG_ID,
            TaskInstance.run_id.in_(run_ids),
            TaskInstance.task_id == "merge_shot_zones",
            TaskInstance.state == "success",
        )
        return run_ids, [(ti.rendered_map_index, ti.start_date) for ti in merges]


def test_backfill_create_recipe_loads_each_game_day(warehouse, airflow_db, tmp_path):
    """The README's recipe, as written, with both DAGs unpaused and the services running:
    `airflow backfill create` works on the first try, makes one run per game day named
    after it, `cli progress` counts the days from the start, and Pass 2 waits for the
    backfill, then merges every day at once. Then the same days as chained params runs
    (chain_runs, two game days a run: three runs that start one another under the
    scheduler) leave the same table."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    from nba_backfill import staleness
    from nba_backfill.checksum import table_checksum
    from nba_backfill.days import DayRange

    first, last = dt.date(2021, 10, 19), dt.date(2021, 10, 23)
    data = demo.generate(first, dt.date(2021, 10, 25))
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)
    env = scheduler_env(
        unpause=(DAG_ID, PASS2_DAG_ID),
        AIRFLOW__CORE__PARALLELISM="4",
        AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="1",
        AIRFLOW__CORE__MAX_MAP_LENGTH="2",  # (a backfill run maps one day)
    )

    def all_done() -> None:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            statuses = staleness.day_statuses(warehouse, DayRange(first, last, "test"))
            if not staleness.not_done(statuses, "pass1") + staleness.not_done(statuses, "pass2"):
                return
            time.sleep(2)
        raise AssertionError(services.tail("scheduler"))

    with AirflowServices(env, tmp_path / "logs") as services:
        # the UI's backfill dialog (its dry run): dates picked in the UI's default time zone,
        # UTC, give the same game days, each at midnight US Eastern
        status, dry = services.api(
            "POST", "/api/v2/backfills/dry_run",
            {"dag_id": DAG_ID, "from_date": f"{first}T00:00:00Z", "to_date": f"{last}T00:00:00Z"},
            token=services.token(),
        )  # fmt: skip
        assert status == 200, dry
        assert [b["logical_date"] for b in dry["backfills"]] == [
            f"2021-10-{d}T00:00:00-04:00" for d in range(19, 24)
        ], dry
        since = dt.datetime.now(dt.UTC)
        # as written in the README: no retry
        created = subprocess.run(
            [sys.executable, "-m", "airflow", "backfill", "create", "--dag-id", DAG_ID,
             "--from-date", first.isoformat(), "--to-date", last.isoformat(),
             "--max-active-runs", "2"],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
        assert created.returncode == 0, created.stderr[-3000:]
        # the README's way to follow it: a line per change until the backfill completes
        progress = subprocess.run(
            [sys.executable, "-m", "nba_backfill.cli", "progress", "--dag-id", DAG_ID,
             "--every", "1"],
            capture_output=True, text=True, env=env, timeout=240,
        )  # fmt: skip
        assert progress.returncode == 0, progress.stdout + progress.stderr
        lines = progress.stdout.splitlines()
        totals = {re.search(r"/(\d+) days done", line)[1] for line in lines}
        assert totals == {"5"}, lines  # every line knows the 5 days, from the first on
        done = [int(re.search(r": (\d+)/5 days done", line)[1]) for line in lines]
        assert done == sorted(done) and done[-1] == 5, lines
        assert re.fullmatch(
            rf"backfill \d+ of {DAG_ID}: 5/5 days done \(5 with games loaded\), "
            r"elapsed \S+, ~0s left",
            lines[-1],
        ), lines
        # one run per game day, its id and logical date naming it (midnight US Eastern)
        runs = backfill_runs(since)
        assert {run_id: (logical, state) for run_id, (logical, state, _) in runs.items()} == {
            f"backfill__2021-10-{d}T00:00:00-04:00": (f"2021-10-{d}T04:00:00+00:00", "success")
            for d in range(19, 24)
        }, services.tail("scheduler")
        backfill_end = max(end for _, _, end in runs.values())
        # Pass 2: its runs wait while Pass 1's runs are queued or running, then merge
        # every stale day at once
        all_done()
        pass2_runs, merges = pass2_merges(since)
        assert len(pass2_runs) <= 3, pass2_runs
        assert merges and all(started >= backfill_end for _, started in merges), (
            merges, backfill_end,
        )  # fmt: skip
        assert [window for window, _ in merges] == ["2021-10-19 .. 2021-10-23"]
        by_backfill = table_checksum(warehouse, first, last)

        # the same days again from an empty table, as ONE trigger of chained params runs
        with warehouse.connect() as con:
            con.execute("delete from nba_analytics.player_game_summary")
        since = dt.datetime.now(dt.UTC)
        conf = f'{{"start_date": "{first}", "end_date": "{last}", "chain_runs": true}}'
        airflow_cli("dags", "trigger", DAG_ID, "-c", conf, env=env)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            with create_session() as session:
                chain = [
                    (r.conf.get("start_date"), str(r.state))
                    for r in session.query(DagRun)
                    .filter(DagRun.dag_id == DAG_ID, DagRun.queued_at >= since)
                    .order_by(DagRun.queued_at)
                ]
            if len(chain) == 3 and all(state == "success" for _, state in chain):
                break
            time.sleep(2)
        else:
            raise AssertionError((chain, services.tail("scheduler")))
        # 19-20, 21-22, 23: each run started by the one before it
        assert [start for start, _ in chain] == ["2021-10-19", "2021-10-21", "2021-10-23"]
        all_done()
        assert table_checksum(warehouse, first, last) == by_backfill
    rows = summary_rows(warehouse)
    expected = {
        (r["game_id"], r["player_lookup"]): r
        for r in data.expected.to_pylist()
        if first <= r["game_date"] <= last
    }
    assert set(rows) == set(expected)  # 10-24 and 10-25 untouched
    for key, want in expected.items():
        assert zones(rows[key]) == {c: want[c] for c in SHOT_ZONE_COLUMNS}, key


def test_pass1_asset_event_schedules_pass2_on_the_same_range(warehouse, airflow_db, tmp_path):
    from airflow.models.dagrun import DagRun
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import func

    data = demo.generate(dt.date(2021, 10, 19), dt.date(2021, 10, 21))
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
