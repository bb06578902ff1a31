"""The docker-compose topology without Docker: CeleryExecutor, Redis broker, PostgreSQL
metadata DB and result backend, api-server, scheduler, dag-processor, triggerer and one
`airflow celery worker`, all real processes on 127.0.0.1 with a fresh AIRFLOW_HOME.

Pass 1 is triggered with params over a week of demo data (DuckDB warehouse in tmp, behind
AIRFLOW_CONN_NBA_WAREHOUSE), Pass 2 follows through the asset event, both run on the Celery
worker; the table must equal the one the default setup (dag.test, in this process) builds
from the same data.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import subprocess
import sys
import time

import pytest

from nba_backfill import demo
from nba_backfill.checksum import table_checksum, table_rows
from nba_backfill.local.airflow_services import AirflowServices, airflow_cli, airflow_env
from nba_backfill.local.runner import PASS1_DAG_ID, PASS2_DAG_ID, run_dag
from nba_backfill.warehouse import duckdb_warehouse

from .local_services import LocalPostgres, LocalRedis

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]

START, END = dt.date(2021, 10, 19), dt.date(2021, 10, 25)
PARAMS = {"start_date": START.isoformat(), "end_date": END.isoformat()}
WORKER_CONCURRENCY = 4


class CeleryServices(AirflowServices):
    """AirflowServices plus one Celery worker (no log server: the logs are local files)."""

    def start(self, component: str):
        if component != "celery-worker":
            return super().start(component)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{component}.log", "ab")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "airflow", "celery", "worker",
                "--concurrency", str(WORKER_CONCURRENCY), "--skip-serve-logs",
                "--without-mingle", "--without-gossip",
                "--celery-hostname", f"nba-topology-{self.port}@%h",
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.procs[component] = proc
        return proc

    def tails(self) -> str:
        return "\n".join(f"--- {c} ---\n{self.tail(c, 40)}" for c in self.components)


def load(warehouse, data) -> None:
    warehouse.apply_schema()
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)


@pytest.fixture(scope="module")
def data():
    return demo.generate(START, END)


@pytest.fixture(scope="module")
def baseline(data, airflow_db, tmp_path_factory):
    """The default setup: both passes through dag.test() (this process, SQLite)."""
    path = tmp_path_factory.mktemp("baseline") / "warehouse.duckdb"
    warehouse = duckdb_warehouse(path)
    load(warehouse, data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(
            "AIRFLOW_CONN_NBA_WAREHOUSE",
            json.dumps({"conn_type": "duckdb", "extra": {"path": str(path)}}),
        )
        for dag_id in (PASS1_DAG_ID, PASS2_DAG_ID):
            outcome = run_dag(dag_id, PARAMS)
            assert outcome.ok, outcome
    return warehouse


def celery_env(home, postgres, redis, warehouse_path) -> dict[str, str]:
    """What docker-compose.yaml sets, pointed at the local processes."""
    env = airflow_env(
        AIRFLOW_HOME=str(home),
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=postgres.url,
        AIRFLOW__CORE__EXECUTOR="CeleryExecutor",
        AIRFLOW__CELERY__BROKER_URL=redis.url,
        AIRFLOW__CELERY__RESULT_BACKEND=postgres.celery_result_backend,
        AIRFLOW__CELERY__WORKER_CONCURRENCY=str(WORKER_CONCURRENCY),
        AIRFLOW__CORE__FERNET_KEY=_fernet_key(),
        AIRFLOW__API_AUTH__JWT_SECRET=secrets.token_urlsafe(32),
        AIRFLOW__API__SECRET_KEY=secrets.token_urlsafe(32),
        AIRFLOW__CORE__LOAD_EXAMPLES="false",
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="admin:admin",
        AIRFLOW__CORE__PARALLELISM="8",
        AIRFLOW_CONN_NBA_WAREHOUSE=json.dumps(
            {"conn_type": "duckdb", "extra": {"path": str(warehouse_path)}}
        ),
        # the embedded warehouse serialises its writers itself (scripts/env.sh)
        NBA_WRITE_POOL_SLOTS="6",
    )
    # the suite's SQLite connect args (a busy timeout) are not psycopg2's
    env.pop("AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS", None)
    env.pop("AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC", None)
    return env


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def dag_runs(services, token, dag_id) -> list[dict]:
    status, body = services.api("GET", f"/api/v2/dags/{dag_id}/dagRuns", token=token)
    assert status == 200, body
    return body["dag_runs"]


def wait_for_both(services, token, timeout=240) -> dict[str, list[dict]]:
    """Until Pass 2 has a run started by Pass 1's asset event and every run of both DAGs
    has finished. (Unpausing starts each DAG's latest scheduled interval, as in a
    deployment: Pass 1's is a day without games, which loads nothing; Pass 2's is its
    daily safety net.)"""
    deadline = time.monotonic() + timeout
    runs: dict[str, list[dict]] = {}
    while time.monotonic() < deadline:
        runs = {d: dag_runs(services, token, d) for d in (PASS1_DAG_ID, PASS2_DAG_ID)}
        states = [r["state"] for rs in runs.values() for r in rs]
        woken = [r for r in runs[PASS2_DAG_ID] if r["run_type"] == "asset_triggered"]
        if "failed" in states or (woken and all(s in ("success", "failed") for s in states)):
            break
        time.sleep(2)
    return runs


def test_pass1_then_pass2_on_the_celery_executor(data, baseline, tmp_path):
    warehouse_path = tmp_path / "warehouse.duckdb"
    load(duckdb_warehouse(warehouse_path), data)
    home = tmp_path / "airflow-home"
    home.mkdir()
    started = time.monotonic()
    with LocalPostgres() as postgres, LocalRedis() as redis:
        env = celery_env(home, postgres, redis, warehouse_path)
        # what the compose file's airflow-init does
        print(f"\n  postgres + redis up: {time.monotonic() - started:.0f} s")
        airflow_cli("db", "migrate", env=env, timeout=300)
        print(f"  db migrate done: {time.monotonic() - started:.0f} s")
        init = subprocess.run(
            [sys.executable, "-m", "nba_backfill.cli", "ensure-pool"],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert init.returncode == 0, init.stdout + init.stderr
        airflow_cli("dags", "reserialize", env=env, timeout=300)
        for dag_id in (PASS1_DAG_ID, PASS2_DAG_ID):
            airflow_cli("dags", "unpause", dag_id, env=env)
        components = ("api-server", "scheduler", "dag-processor", "triggerer", "celery-worker")
        with CeleryServices(env, tmp_path / "logs", components) as services:
            print(f"  services up: {time.monotonic() - started:.0f} s")
            token = services.token()
            status, body = services.api(
                "POST",
                f"/api/v2/dags/{PASS1_DAG_ID}/dagRuns",
                {"logical_date": None, "conf": PARAMS},
                token,
            )
            assert status == 200, body
            runs = wait_for_both(services, token)
            states = {
                dag_id: sorted((r["run_type"], r["state"]) for r in rs)
                for dag_id, rs in runs.items()
            }
            assert ("manual", "success") in states[PASS1_DAG_ID], services.tails()
            assert {state for _, state in states[PASS1_DAG_ID]} == {"success"}, states
            assert ("asset_triggered", "success") in states[PASS2_DAG_ID], services.tails()
            assert {state for _, state in states[PASS2_DAG_ID]} == {"success"}, states
            assert {kind for kind, _ in states[PASS2_DAG_ID]} <= {"asset_triggered", "scheduled"}
            print(f"  runs finished: {time.monotonic() - started:.0f} s")
            ran = task_instances(services, token, runs)
        celery_results = celery_task_results(postgres)
        reschedules = reschedule_count(postgres)
    elapsed = time.monotonic() - started

    # every task instance went through Celery: one result per execution (a sensor that
    # waited, in reschedule mode, ran once more per reschedule), each a success, and the
    # metadata DB says the CeleryExecutor queued them
    assert sum(celery_results.values()) == len(ran) + reschedules, (celery_results, ran)
    assert celery_results == {"SUCCESS": len(ran) + reschedules}
    assert {t["executor"] for t in ran} <= {None, "CeleryExecutor"}
    assert {t["queue"] for t in ran} == {"default"}
    assert all(t["try_number"] == 1 for t in ran)
    (manual,) = [r["dag_run_id"] for r in runs[PASS1_DAG_ID] if r["run_type"] == "manual"]
    load_days = [t for t in ran if t["task_id"] == "load_day" and t["dag_run_id"] == manual]
    assert len(load_days) == len({r["game_date"] for r in data.expected.to_pylist()})

    # the table: the same as the default setup builds, and the generator's truth
    warehouse = duckdb_warehouse(warehouse_path)
    assert table_rows(warehouse, START, END) == table_rows(baseline, START, END)
    checksum = table_checksum(warehouse, START, END)
    assert checksum == table_checksum(baseline, START, END)
    assert checksum.startswith(f"{data.expected.num_rows} rows")
    print(f"celery topology: {len(ran)} task instances, {checksum}, {elapsed:.0f} s")


def task_instances(services, token, runs) -> list[dict]:
    """The task instances a worker ran (it records its hostname), across both DAGs; some
    end `skipped` by their own decision (e.g. a range without games)."""
    ran = []
    for dag_id, dag_runs_ in runs.items():
        for run in dag_runs_:
            status, body = services.api(
                "GET",
                f"/api/v2/dags/{dag_id}/dagRuns/{run['dag_run_id']}/taskInstances?limit=1000",
                token=token,
            )
            assert status == 200, body
            for ti in body["task_instances"]:
                assert ti["state"] in ("success", "skipped"), ti
                if ti["hostname"]:
                    ran.append(ti)
    return ran


def reschedule_count(postgres) -> int:
    """How many times a task in reschedule mode (Pass 2's wait_for_pass1) gave its slot back."""
    con = postgres.connect()
    try:
        with con.cursor() as cursor:
            cursor.execute("select count(*) from task_reschedule")
            return cursor.fetchone()[0]
    finally:
        con.close()


def celery_task_results(postgres) -> dict[str, int]:
    """Celery's result backend table in PostgreSQL: how many tasks ended in which state."""
    con = postgres.connect()
    try:
        with con.cursor() as cursor:
            cursor.execute("select status, count(*) from celery_taskmeta group by status")
            return dict(cursor.fetchall())
    finally:
        con.close()
