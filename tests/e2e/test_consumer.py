"""The table's consumers: Pass 2 announces `nba_analytics.player_game_summary.shot_zones`
when a range is enriched and audited (never after a failed audit), Pass 1's announcement
says the shot zones are pending, and the example consumer (dags/example_training_export.py)
exports the seasons of each announced range as Parquet, once per range, under the real
scheduler."""

from __future__ import annotations

import datetime as dt
import json
import time

import pyarrow.parquet as pq
import pytest

from nba_backfill import demo
from nba_backfill.local.airflow_services import AirflowServices, airflow_cli
from nba_backfill.local.runner import PASS1_DAG_ID, PASS2_DAG_ID, run_dag

from helpers import scheduler_env, wait_for

pytestmark = pytest.mark.e2e

CONSUMER = "example_training_export"
START, END = dt.date(2021, 10, 19), dt.date(2021, 10, 28)
R1 = {"start_date": "2021-10-19", "end_date": "2021-10-21"}
R2 = {"start_date": "2021-10-22", "end_date": "2021-10-24"}
R3 = {"start_date": "2021-10-25", "end_date": "2021-10-28"}


def season_rows(warehouse, season: int) -> list[tuple]:
    with warehouse.connect() as con:
        return sorted(
            con.execute(
                "select game_id, player_lookup, points, paint_attempts "
                "from nba_analytics.player_game_summary where season_year = ?",
                [season],
            ).fetchall()
        )


def exported_rows(path: str) -> list[tuple]:
    table = pq.read_table(path, columns=["game_id", "player_lookup", "points", "paint_attempts"])
    return sorted(tuple(r.values()) for r in table.to_pylist())


def test_the_consumer_exports_an_enriched_range_by_dag_test(
    warehouse, airflow_db, tmp_path, nba_env
):
    nba_env(NBA_EXPORT_LOCATION=str(tmp_path / "exports"))
    data = demo.generate(START, END)
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)
    params = {"start_date": START.isoformat(), "end_date": END.isoformat()}
    assert run_dag(PASS1_DAG_ID, params).ok
    assert run_dag(PASS2_DAG_ID, params).ok
    outcome = run_dag(CONSUMER, params, xcom_tasks=("export_seasons",))
    assert outcome.ok, outcome
    written = outcome.xcoms["export_seasons"]["exported"]
    path = tmp_path / "exports" / "player_game_summary" / "season_year=2021" / "part-0.parquet"
    assert written == {"2021": str(path)}
    assert exported_rows(str(path)) == season_rows(warehouse, 2021)
    columns = pq.read_schema(path).names
    assert "paint_attempts" in columns and "pass1_processed_at" not in columns
    assert run_dag(CONSUMER, params).ok  # again: the season rewritten, not added to
    assert exported_rows(str(path)) == season_rows(warehouse, 2021)
    assert [p.name for p in path.parent.iterdir()] == ["part-0.parquet"]


def consumer_runs(since: dt.datetime) -> list[tuple[str, str, dict | None]]:
    """(run type, state, its export_seasons return value) of the consumer's runs."""
    from airflow.models.dagrun import DagRun
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        runs = (
            session.query(DagRun)
            .filter(DagRun.dag_id == CONSUMER, DagRun.queued_at >= since)
            .order_by(DagRun.queued_at)
            .all()
        )
        out = []
        for run in runs:
            value = (
                session.query(XComModel.value)
                .filter(
                    XComModel.dag_id == CONSUMER,
                    XComModel.run_id == run.run_id,
                    XComModel.task_id == "export_seasons",
                    XComModel.key == "return_value",
                )
                .scalar()
            )
            if isinstance(value, str | bytes):
                value = json.loads(value)
            out.append((str(run.run_type), str(run.state), value))
        return out


def event_extras(asset_name: str, since: dt.datetime) -> list[dict]:
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session

    with create_session() as session:
        return [
            e.extra
            for e in session.query(AssetEvent)
            .join(AssetModel, AssetModel.id == AssetEvent.asset_id)
            .filter(AssetModel.name == asset_name, AssetEvent.timestamp >= since)
            .order_by(AssetEvent.timestamp)
        ]


def test_the_consumer_runs_once_per_enriched_range_and_never_after_a_failed_audit(
    warehouse, airflow_db, tmp_path
):
    data = demo.generate(START, END)
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)
    params = {"start_date": START.isoformat(), "end_date": END.isoformat()}
    since = dt.datetime.now(dt.UTC)
    assert run_dag(PASS1_DAG_ID, params).ok
    assert run_dag(PASS2_DAG_ID, params).ok  # nothing is stale: the safety net does nothing
    (pass1_extra,) = event_extras("nba_analytics.player_game_summary", since)
    assert pass1_extra["shot_zones"] == "pending" and pass1_extra["ranges"] == [params]
    env = scheduler_env(
        unpause=(PASS2_DAG_ID, CONSUMER),
        AIRFLOW__CORE__PARALLELISM="4",
        NBA_EXPORT_LOCATION=str(tmp_path / "exports"),
    )
    airflow_cli("dags", "pause", PASS1_DAG_ID, env=env)
    since = dt.datetime.now(dt.UTC)
    path = tmp_path / "exports" / "player_game_summary" / "season_year=2021" / "part-0.parquet"

    with AirflowServices(env, tmp_path / "logs") as services:
        token = services.token()

        def trigger_pass2(conf: dict) -> str:
            status, body = services.api(
                "POST", f"/api/v2/dags/{PASS2_DAG_ID}/dagRuns",
                {"logical_date": None, "conf": conf}, token,
            )  # fmt: skip
            assert status == 200, body
            return body["dag_run_id"]

        def pass2_state(run_id: str) -> str | None:
            status, body = services.api(
                "GET", f"/api/v2/dags/{PASS2_DAG_ID}/dagRuns/{run_id}", token=token
            )
            return body.get("state") if status == 200 else None

        def finished(n: int):
            runs = [r for r in consumer_runs(since) if r[0] == "asset_triggered"]
            return (
                runs
                if len(runs) == n and all(r[1] in ("success", "failed") for r in runs)
                else None
            )

        for n, conf in enumerate((R1, R2), start=1):
            trigger_pass2(conf)
            runs = wait_for(lambda n=n: finished(n), what=f"consumer run {n}", services=services)
            assert runs[-1][1] == "success", services.tail("scheduler")
            assert runs[-1][2]["ranges"] == [conf]  # its range, from the event
            assert runs[-1][2]["exported"] == {"2021": str(path)}
            assert exported_rows(str(path)) == season_rows(warehouse, 2021)

        # a failed audit: R3's box scores no longer add up to its shot zones
        with warehouse.connect() as con:
            con.execute(
                "update nba_analytics.player_game_summary set fg_attempts = fg_attempts + 3 "
                "where game_date between ? and ? and fg_attempts > 0",
                [R3["start_date"], R3["end_date"]],
            )
        run_id = trigger_pass2(R3)
        state = wait_for(
            lambda: (lambda s: s if s in ("success", "failed") else None)(pass2_state(run_id)),
            what="the failing Pass 2 run", services=services,
        )  # fmt: skip
        assert state == "failed"
        time.sleep(15)  # what a consumer run would have needed to be queued
        assert len([r for r in consumer_runs(since) if r[0] == "asset_triggered"]) == 2
    extras = event_extras("nba_analytics.player_game_summary.shot_zones", since)
    assert [e["ranges"] for e in extras] == [[R1], [R2]]
    assert all(e["shot_zones"] == "complete" and e["rows"] > 0 for e in extras)
    for dag_id in (PASS2_DAG_ID, CONSUMER):
        airflow_cli("dags", "pause", dag_id, env=env)
