"""Pass 2 under the real scheduler when asset events are lost or wrong.

- The daily safety net alone: Pass 1 wrote days, every asset event and queue row is
  gone (what apache/airflow#56050 does to some), and Pass 2's time schedule (nothing
  else) leaves no day stale.
- A wrong asset event (a reversed range, one in 2099) fails its Pass 2 run, naming the
  event, before anything is written.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse

import pytest

from nba_backfill import demo, staleness
from nba_backfill.days import DayRange
from nba_backfill.local.airflow_services import AirflowServices, airflow_cli, airflow_env
from nba_backfill.local.runner import PASS1_DAG_ID, PASS2_DAG_ID, run_dag

from helpers import SHOT_ZONE_COLUMNS, forget_earlier_runs, summary_rows, wait_for, zones

pytestmark = pytest.mark.e2e

START, END = dt.date(2021, 10, 19), dt.date(2021, 10, 28)


def pass2_runs(run_type: str, since: dt.datetime) -> list[tuple[str, str]]:
    """This module's Pass 2 runs of a type (the session's DB holds other modules' runs)."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        return [
            (r.run_id, str(r.state))
            for r in session.query(DagRun).filter(
                DagRun.dag_id == PASS2_DAG_ID,
                DagRun.run_type == run_type,
                DagRun.queued_at >= since,
            )
        ]


def forget_safety_net_runs() -> None:
    """Earlier modules' scheduler may have made today's safety-net run already: drop
    Pass 2's scheduled runs so that reserializing the DAG schedules it again."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        for run in session.query(DagRun).filter(
            DagRun.dag_id == PASS2_DAG_ID, DagRun.run_type == "scheduled"
        ):
            session.delete(run)


def test_the_safety_net_heals_lost_events_and_a_wrong_event_fails_loudly(
    warehouse, airflow_db, tmp_path
):
    data = demo.generate(START, END)
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)
    outcome = run_dag(PASS1_DAG_ID, {"start_date": START.isoformat(), "end_date": END.isoformat()})
    assert outcome.ok, outcome
    forget_safety_net_runs()
    env = airflow_env(
        AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        AIRFLOW__CORE__PARALLELISM="4",
        AIRFLOW__API_AUTH__JWT_SECRET="test-secret-not-for-production",
    )
    airflow_cli("dags", "reserialize", env=env)
    forget_earlier_runs((PASS1_DAG_ID, PASS2_DAG_ID))  # Pass 1's event is lost, too
    owed = staleness.not_done(staleness.day_statuses(warehouse, DayRange(START, END, "t")), "pass2")
    assert len(owed) == len({r["game_date"] for r in data.expected.to_pylist()})
    airflow_cli("dags", "pause", PASS1_DAG_ID, env=env)
    airflow_cli("dags", "unpause", PASS2_DAG_ID, env=env)
    since = dt.datetime.now(dt.UTC)

    with AirflowServices(env, tmp_path / "logs") as services:
        # unpaused, Pass 2's time schedule makes its latest run at once: the safety net
        runs = wait_for(
            lambda: [r for r in pass2_runs("scheduled", since) if r[1] in ("success", "failed")],
            what="the safety-net run", services=services,
        )  # fmt: skip
        assert [state for _, state in runs] == ["success"], services.tail("scheduler")
        assert pass2_runs("asset_triggered", since) == []  # no event woke it
        statuses = staleness.day_statuses(warehouse, DayRange(START, END, "t"))
        assert staleness.not_done(statuses, "pass1") == staleness.not_done(statuses, "pass2") == []
        rows = summary_rows(warehouse)
        for want in data.expected.to_pylist():
            got = rows[(want["game_id"], want["player_lookup"])]
            assert zones(got) == {c: want[c] for c in SHOT_ZONE_COLUMNS}

        # a wrong event on the asset (posted through the REST API, as any producer could)
        token = services.token()
        status, assets = services.api(
            "GET", "/api/v2/assets?name_pattern=player_game_summary", token=token
        )
        assert status == 200, assets
        (asset,) = [a for a in assets["assets"] if a["name"] == "nba_analytics.player_game_summary"]
        before = summary_rows(warehouse)
        status, body = services.api(
            "POST",
            "/api/v2/assets/events",
            {
                "asset_id": asset["id"],
                "extra": {
                    "ranges": [
                        {"start_date": "2021-10-25", "end_date": "2021-10-19"},
                    ]
                },
            },  # fmt: skip
            token,
        )
        assert status == 200, body
        (run_id, state), *_ = wait_for(
            lambda: [r for r in pass2_runs("asset_triggered", since) if r[1] in ("success", "failed")],
            what="the asset-triggered run", services=services,
        )  # fmt: skip
        assert state == "failed"
        quoted = urllib.parse.quote(run_id, safe="")
        path = f"/api/v2/dags/{PASS2_DAG_ID}/dagRuns/{quoted}/taskInstances/plan_windows/logs/1?full_content=true"
        log = wait_for(
            lambda: (lambda r: r[0] == 200 and "is before start_date" in str(r[1]) and str(r[1]))(
                services.api("GET", path, token=token)
            ),
            timeout=60, what="the task log",
        )  # fmt: skip
        # (posted through the REST API, the event names no source DAG run)
        assert "asset event external/- (" in log, log[-1500:]
        assert "end_date=2021-10-19 is before start_date=2021-10-25: swap them" in log
        assert summary_rows(warehouse) == before  # nothing was written
    airflow_cli("dags", "pause", PASS2_DAG_ID, env=env)
