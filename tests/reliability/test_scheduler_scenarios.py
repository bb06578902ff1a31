"""Reliability scenarios under the real scheduler with LocalExecutor (task processes,
process kills, concurrent runs). Each ends with the clean sequential table, by checksum.

One api-server + scheduler serve the module; each scenario rebuilds the warehouse file
(the services never hold it open).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import time

import pytest

from nba_backfill.checksum import table_checksum
from nba_backfill.local.airflow_services import AirflowServices, airflow_cli
from nba_backfill.local.runner import PASS1_DAG_ID, PASS2_DAG_ID
from nba_backfill.warehouse import duckdb_warehouse

from .conftest import END, PARAMS, START, load_raw
from helpers import scheduler_env, summary_rows

pytestmark = pytest.mark.e2e
DAGS = (PASS1_DAG_ID, PASS2_DAG_ID)


@pytest.fixture(scope="module")
def services(airflow_db, tmp_path_factory):
    home = tmp_path_factory.mktemp("scheduler-scenarios")
    path = home / "warehouse.duckdb"
    env = scheduler_env(
        unpause=DAGS,
        AIRFLOW__CORE__PARALLELISM="8",
        # a killed task / scheduler is noticed after seconds instead of 5 minutes; not
        # fewer than 30: on 2 busy cores a live task's heartbeat can come 10 s late, and
        # the scheduler would fail and retry it (seen in CI as load_day tries 2 and 3)
        AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT="30",
        AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL="3",
        AIRFLOW__SCHEDULER__ORPHANED_TASKS_CHECK_INTERVAL="5",
        AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_THRESHOLD="10",
        AIRFLOW_CONN_NBA_WAREHOUSE=json.dumps(
            {"conn_type": "duckdb", "extra": {"path": str(path)}}
        ),
    )
    airflow_cli("pools", "set", "nba_warehouse_writes", "6", "reliability tests", env=env)
    with AirflowServices(env, home / "logs") as running:
        running.warehouse_path = path
        yield running


def wait_idle(timeout: float = 120) -> None:
    """No run of either DAG queued or running (a scenario's late asset-triggered Pass 2
    must not write into the next scenario's warehouse)."""
    from airflow.models.asset import AssetDagRunQueue
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with create_session() as session:
            active = (
                session.query(DagRun)
                .filter(DagRun.dag_id.in_(DAGS), DagRun.state.in_(["queued", "running"]))
                .count()
            )
            queued_events = session.query(AssetDagRunQueue).count()
        if not active and not queued_events:
            return
        time.sleep(1)
    raise AssertionError("runs still active before the scenario")


@pytest.fixture
def fresh(services, reliability_data):
    """An empty warehouse with the range's raw data, at the path the services use."""
    wait_idle()
    for suffix in ("", ".wal"):
        path = services.warehouse_path.with_name(services.warehouse_path.name + suffix)
        path.unlink(missing_ok=True)
    warehouse = duckdb_warehouse(services.warehouse_path)
    warehouse.apply_schema()
    load_raw(warehouse, reliability_data)
    return warehouse


def runs_since(since: dt.datetime) -> list:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        runs = (
            session.query(DagRun)
            .filter(DagRun.dag_id.in_(DAGS))
            .filter(DagRun.run_type.in_(["manual", "asset_triggered"]))
            .filter(DagRun.queued_at >= since)
            .all()
        )
        return [(r.dag_id, r.run_id, str(r.state), str(r.run_type)) for r in runs]


def task_instances(run_id: str) -> list[tuple]:
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        tis = session.query(TaskInstance).filter(TaskInstance.run_id == run_id).all()
        return [(t.task_id, t.map_index, str(t.state), t.try_number, t.pid) for t in tis]


def run_state(run_id: str) -> str:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        return str(session.query(DagRun).filter(DagRun.run_id == run_id).one().state)


def wait_settled(services, since, expect: dict[str, int], timeout=300, quiet=8) -> list:
    """Until each DAG has at least `expect` runs since `since`, all finished, and nothing
    new has appeared for `quiet` seconds (asset events may still start Pass 2 runs)."""
    deadline = time.monotonic() + timeout
    stable_since, last = None, None
    while time.monotonic() < deadline:
        runs = sorted(runs_since(since))
        counts = {d: sum(1 for r in runs if r[0] == d) for d in DAGS}
        settled = all(r[2] in ("success", "failed") for r in runs) and all(
            counts[d] >= n for d, n in expect.items()
        )
        if settled and runs == last:
            if time.monotonic() - stable_since >= quiet:
                return runs
        else:
            stable_since, last = time.monotonic(), runs
        time.sleep(1)
    raise AssertionError(f"runs not settled: {runs_since(since)}\n{services.tail('scheduler')}")


def trigger(services, dag_id, conf):
    airflow_cli("dags", "trigger", dag_id, "-c", json.dumps(conf), env=services.env)


def now():
    return dt.datetime.now(dt.UTC)


def test_partial_failure_then_clear_one_instance(services, fresh, baseline):
    """One day's statement rejects a raw row: only that mapped instance fails (no retry),
    the other days commit; with the row fixed, clearing that one instance completes it."""
    from helpers import insert, schedule

    bad_day = dt.date(2021, 10, 27)
    bad = schedule("20211027_BKN_MIL")
    bad["away_team_abbr"] = "BOS"  # game_id says BKN: the row contradicts itself
    insert(fresh, "nbac_schedule", [bad])
    since = now()
    trigger(services, PASS1_DAG_ID, PARAMS)
    runs = wait_settled(services, since, {PASS1_DAG_ID: 1})
    (run,) = [r for r in runs if r[0] == PASS1_DAG_ID]
    assert run[2] == "failed"
    tis = task_instances(run[1])
    failed = [t for t in tis if t[2] == "failed"]
    assert len(failed) == 1 and failed[0][0] == "load_day" and failed[0][3] == 1  # no retries
    assert {t[2] for t in tis if t[0] == "load_day" and t != failed[0]} == {"success"}
    assert [t[2] for t in tis if t[0] == "audit_range"] == ["upstream_failed"]
    loaded = {r["game_date"] for r in summary_rows(fresh).values()}
    assert (
        bad_day not in loaded
        and dt.date(2021, 10, 26) in loaded
        and dt.date(2021, 10, 28) in loaded
    )
    assert not [r for r in runs if r[0] == PASS2_DAG_ID]  # no asset event from a failed run

    with fresh.connect() as con:  # the fix: the bad row goes
        con.execute(
            "delete from nba_raw.nbac_schedule where game_id = '20211027_BKN_MIL' and away_team_abbr = 'BOS'"
        )
    token = services.token()
    since = now()
    status, body = services.api(
        "POST",
        f"/api/v2/dags/{PASS1_DAG_ID}/clearTaskInstances",
        {
            "dry_run": False,
            "dag_run_id": run[1],
            "task_ids": [["load_day", failed[0][1]]],
            "only_failed": True,
            "include_downstream": True,
        },
        token,
    )
    assert status == 200, body
    # the failed day and what follows it: the audit, and the chain's next run (none here)
    assert sorted(t["task_id"] for t in body["task_instances"]) == [
        "audit_range",
        "continue_range",
        "load_day",
    ]
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and run_state(run[1]) != "success":
        time.sleep(1)
    assert run_state(run[1]) == "success", services.tail("scheduler")
    wait_settled(services, since, {PASS2_DAG_ID: 1})  # the asset event starts Pass 2
    assert table_checksum(fresh, START, END) == baseline


def test_scheduler_and_a_task_process_killed_mid_run(services, fresh, baseline):
    since = now()
    trigger(services, PASS1_DAG_ID, PARAMS)
    deadline = time.monotonic() + 120
    killed = None
    while time.monotonic() < deadline and killed is None:
        runs = [r for r in runs_since(since) if r[0] == PASS1_DAG_ID]
        tis = task_instances(runs[0][1]) if runs else []
        done = sum(1 for t in tis if t[0] == "load_day" and t[2] == "success")
        for task in (t for t in tis if t[0] == "load_day" and t[2] == "running" and t[4]):
            if done >= 5:
                try:
                    os.kill(task[4], signal.SIGKILL)  # a task process, mid-run
                    killed = task
                    break
                except ProcessLookupError:  # it finished meanwhile: try the next one
                    continue
        time.sleep(0.05)
    assert killed is not None, "no running load_day process to kill"
    services.stop("scheduler", sig=signal.SIGKILL)  # and the scheduler with its executor
    time.sleep(2)
    services.start("scheduler")  # a restart: orphaned tasks time out and are retried
    runs = wait_settled(services, since, {PASS1_DAG_ID: 1, PASS2_DAG_ID: 1}, timeout=420)
    assert {r[2] for r in runs} == {"success"}, runs
    (pass1_run,) = [r[1] for r in runs if r[0] == PASS1_DAG_ID]
    (again,) = [t for t in task_instances(pass1_run) if t[:2] == killed[:2]]
    assert again[2] == "success" and again[3] >= 2  # the killed day was run again
    assert table_checksum(fresh, START, END) == baseline


def test_overlapping_pass1_runs_and_pass2_at_once(services, fresh, baseline):
    since = now()
    trigger(services, PASS1_DAG_ID, {"start_date": "2021-10-19", "end_date": "2021-11-20"})
    trigger(services, PASS1_DAG_ID, {"start_date": "2021-11-05", "end_date": END.isoformat()})
    trigger(services, PASS2_DAG_ID, PARAMS)
    # Pass 2: the manual run, and at least one started by Pass 1's asset events
    runs = wait_settled(services, since, {PASS1_DAG_ID: 2, PASS2_DAG_ID: 2}, timeout=420)
    assert {r[2] for r in runs} == {"success"}, runs
    for _, run_id, _, _ in runs:
        tries = {t[3] for t in task_instances(run_id) if t[2] != "skipped"}
        assert tries == {1}, f"{run_id} retried a task: {task_instances(run_id)}"  # no lock errors
    # the asset-triggered Pass 2 runs finish the ranges both Pass 1 runs loaded
    assert table_checksum(fresh, START, END) == baseline


def test_bad_params_through_the_rest_api_and_cli(services, fresh):
    import urllib.parse

    from .bad_params import CASES, NO_GAMES

    token = services.token()
    created = {}
    for case, dag_id, conf, refused_by, words in CASES:
        status, body = services.api(
            "POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None, "conf": conf}, token
        )
        if refused_by == "schema":
            assert status == 400, (case, status, body)
            detail = body["detail"] if isinstance(body, dict) else str(body)
            for word in words:
                assert word in detail, (case, detail)
        else:
            assert status == 200, (case, status, body)
            created[case] = (dag_id, body["dag_run_id"], words)
    status, body = services.api(
        "POST",
        f"/api/v2/dags/{PASS1_DAG_ID}/dagRuns",
        {"logical_date": None, "conf": NO_GAMES},
        token,
    )
    assert status == 200, body
    no_games_run = body["dag_run_id"]
    # the CLI refuses a schema error too, with the same message
    cli = airflow_cli(
        "dags", "trigger", PASS1_DAG_ID, "-c", '{"start_date": "2021/10/19", "end_date": "2021-10-20"}',
        env=services.env, check=False,
    )  # fmt: skip
    assert cli.returncode != 0
    assert (
        "Invalid input for param start_date: '2021/10/19' is not a 'date'"
        in cli.stdout + cli.stderr
    )

    deadline = time.monotonic() + 300
    pending = set(created)
    while pending and time.monotonic() < deadline:
        pending = {c for c in pending if run_state(created[c][1]) not in ("failed", "success")}
        time.sleep(1)
    assert not pending, services.tail("scheduler")
    for case, (dag_id, run_id, words) in created.items():
        assert run_state(run_id) == "failed", case
        task = "plan_days" if dag_id == PASS1_DAG_ID else "plan_windows"
        quoted = urllib.parse.quote(run_id, safe="")
        path = (
            f"/api/v2/dags/{dag_id}/dagRuns/{quoted}/taskInstances/{task}/logs/1?full_content=true"
        )
        for _ in range(30):  # the log is complete a moment after the state is
            status, log = services.api("GET", path, token=token)
            if status == 200 and all(word in str(log) for word in words):
                break
            time.sleep(1)
        assert status == 200, (case, log)
        for word in words:
            assert word in str(log), (case, str(log)[-1500:])
    while run_state(no_games_run) not in ("failed", "success") and time.monotonic() < deadline:
        time.sleep(1)
    assert run_state(no_games_run) == "success"  # a range without games is not an error
    assert summary_rows(fresh) == {}  # nothing was written by any of them
