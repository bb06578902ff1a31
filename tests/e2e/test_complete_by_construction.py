"""Complete by construction: each pass works from what the warehouse says is stale.

Each way a green run could leave the table incomplete, reproduced through real Airflow
(dag.test()) on the real DuckDB warehouse, then healed: a lost asset event, a correction
delivered days late, a killed run holding the write pool, a Final game nothing can load.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest

from nba_backfill import demo, staleness
from nba_backfill.days import GAME_TZ, DayRange
from nba_backfill.local.runner import PASS1_DAG_ID, PASS2_DAG_ID, run_dag

from helpers import SHOT_ZONE_COLUMNS, forget_earlier_runs, insert, schedule, summary_rows, zones

pytestmark = pytest.mark.e2e

START, END = dt.date(2021, 10, 19), dt.date(2021, 11, 20)


@pytest.fixture(scope="module")
def data():
    return demo.generate(START, END)


def load(warehouse, data):
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)


def run(dag_id, conf, **kwargs):
    outcome = run_dag(dag_id, conf, **kwargs)
    assert outcome.ok, outcome
    return outcome


def params(start, end):
    return {"start_date": start.isoformat(), "end_date": end.isoformat()}


def not_complete(warehouse, start=START, end=END):
    statuses = staleness.day_statuses(warehouse, DayRange(start, end, "test"))
    return [s.describe(p) for s in statuses for p in staleness.PASSES if s.status(p) != "complete"]


def stamps(warehouse, column):
    """{game_date: when the pass last wrote it}"""
    with warehouse.connect() as con:
        rows = con.execute(
            f"select game_date, max({column}) from nba_analytics.player_game_summary group by 1"
        ).fetchall()
    return dict(rows)


def assert_truth(warehouse, data, end=END):
    rows = summary_rows(warehouse)
    expected = [r for r in data.expected.to_pylist() if r["game_date"] <= end]
    assert set(rows) == {(r["game_id"], r["player_lookup"]) for r in expected}
    for want in expected:
        got = rows[(want["game_id"], want["player_lookup"])]
        assert zones(got) == {c: want[c] for c in SHOT_ZONE_COLUMNS}, want["game_id"]


def test_a_lost_asset_event_is_healed_by_any_pass2_run(warehouse, airflow_db, data):
    """make demo's Pass 1, its asset event lost (every event and queue row deleted), then
    ONE Pass 2 run for an unrelated day: every day Pass 1 wrote gets its shot zones."""
    load(warehouse, data)
    week = dt.date(2021, 10, 25)
    run(PASS1_DAG_ID, params(START, week))
    forget_earlier_runs((PASS1_DAG_ID, PASS2_DAG_ID))  # the events are gone
    assert [line for line in not_complete(warehouse, START, week) if "Pass 2" in line]
    outcome = run(
        PASS2_DAG_ID, params(START, START), xcom_tasks=("plan_windows", "plan_windows:plan")
    )
    assert outcome.xcoms["plan_windows"] == [params(START, week)]
    assert len(outcome.xcoms["plan_windows:plan"]["stale"]) == week.day - START.day  # 10-20..25
    assert not_complete(warehouse, START, week) == []
    assert_truth(warehouse, data, end=week)


def test_asset_event_ranges_merge_only_their_stale_days(warehouse, airflow_db, data):
    """A run woken by asset events merges the days of their ranges that are stale, not
    again what an earlier run merged: the Pass 2 runs queued behind one that waited
    through a backfill do nothing. A range given by params is merged whatever it holds."""
    from nba_backfill import pass2

    load(warehouse, data)
    week = dt.date(2021, 10, 25)
    run(PASS1_DAG_ID, params(START, week))
    run(PASS2_DAG_ID, params(START, week))
    events = [
        pass2.AssetEventRanges("nba_pass1_box_scores/backfill", {"ranges": [params(START, week)]})
    ]
    today = dt.date.today()

    def windows(only_stale):
        requested = pass2.event_ranges(events, today=today)
        plan = pass2.plan(
            warehouse, requested, today=today, lookback_days=42, only_stale=only_stale
        )
        return [(w.start, w.end) for w in plan.windows]

    assert windows(only_stale=True) == []  # all fresh: nothing to merge
    assert windows(only_stale=False) == [(START, week)]  # params: the range, always
    rewritten = dt.date(2021, 10, 21)
    run(PASS1_DAG_ID, params(rewritten, rewritten))  # Pass 1 wrote it after Pass 2
    assert windows(only_stale=True) == [(rewritten, rewritten)]


def test_late_corrections_are_picked_up_by_the_next_nightly_runs(warehouse, airflow_db, data):
    load(warehouse, data)
    run(PASS1_DAG_ID, params(START, END))
    run(PASS2_DAG_ID, params(START, END))
    assert not_complete(warehouse) == []
    pass1_before, pass2_before = (
        stamps(warehouse, "pass1_processed_at"),
        stamps(warehouse, "shot_zones_processed_at"),
    )

    # ten days before the nightly interval (game day 2021-11-18), the feeds re-deliver: a
    # made two of one player becomes a violation, and the gamebook corrects his line
    nightly, corrected = dt.date(2021, 11, 18), dt.date(2021, 11, 8)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with warehouse.connect() as con:
        event_id, game_id, lookup = con.execute(
            "select event_id, game_id, player_1_lookup from nba_raw.bigdataball_play_by_play "
            "where game_date = ? and event_type = 'shot' and shot_made and shot_type = '2PT' "
            "and player_2_role is null order by event_id limit 1",
            [corrected],
        ).fetchone()
        con.execute(
            "insert into nba_raw.bigdataball_play_by_play select * replace ('violation' as "
            "event_type, 'lane violation' as event_subtype, null as shot_made, ? as processed_at) "
            "from nba_raw.bigdataball_play_by_play where game_date = ? and event_id = ? limit 1",
            [now, corrected, event_id],
        )
        con.execute(
            "insert into nba_raw.nbac_gamebook_player_stats select * replace (points - 2 as "
            "points, field_goals_made - 1 as field_goals_made, field_goals_attempted - 1 as "
            "field_goals_attempted, ? as processed_at) from nba_raw.nbac_gamebook_player_stats "
            "where game_date = ? and game_id = ? and player_lookup = ? order by processed_at desc "
            "limit 1",
            [now, corrected, game_id, lookup],
        )
    before = summary_rows(warehouse)[(game_id, lookup)]
    assert [s.day for s in staleness.not_done(
        staleness.day_statuses(warehouse, DayRange(START, END, "t")), "pass1")] == [corrected]  # fmt: skip

    # the nightly Pass 1 run of game day 2021-11-18 (stamped 06:00 ET the morning after)
    morning = dt.datetime(2021, 11, 19, 6, 0, tzinfo=GAME_TZ)
    outcome = run(PASS1_DAG_ID, {}, logical_date=morning, xcom_tasks=("plan_days",))
    assert outcome.xcoms["plan_days"] == [corrected.isoformat(), nightly.isoformat()]
    # ... then Pass 2 on the range its asset event carries (the nightly day)
    outcome = run(PASS2_DAG_ID, params(nightly, nightly), xcom_tasks=("plan_windows",))
    assert outcome.xcoms["plan_windows"] == [params(corrected, corrected), params(nightly, nightly)]

    pass1_after, pass2_after = (
        stamps(warehouse, "pass1_processed_at"),
        stamps(warehouse, "shot_zones_processed_at"),
    )
    touched = {d for d in pass1_after if pass1_after[d] != pass1_before[d]}
    assert touched == {corrected, nightly}
    assert {d for d in pass2_after if pass2_after[d] != pass2_before[d]} == {corrected, nightly}
    after = summary_rows(warehouse)[(game_id, lookup)]
    assert after["points"] == before["points"] - 2
    assert after["fg_attempts"] == before["fg_attempts"] - 1
    assert (
        after["paint_attempts"] + after["mid_range_attempts"]
        == before["paint_attempts"] + before["mid_range_attempts"] - 1
    )
    assert after["pbp_shot_events"] == before["pbp_shot_events"] - 1
    assert not_complete(warehouse) == []


def test_a_killed_dag_test_run_is_settled_before_the_next_one(warehouse, airflow_db, data):
    """Ctrl-C in `make demo` (here: SIGKILL) leaves a run and its task instances running,
    holding the write pool's slots; the next dag.test() settles them first."""
    from airflow.models.dag import DagModel
    from airflow.models.dagrun import DagRun
    from airflow.models.pool import Pool
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    load(warehouse, data)
    started = dt.datetime.now(dt.UTC)
    child = subprocess.Popen(
        [sys.executable, "-c",
         "from nba_backfill.local.runner import run_dag; "
         f"run_dag('{PASS1_DAG_ID}', {params(START, END)!r})"],
        env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    run_id = None
    while time.monotonic() < deadline and run_id is None:  # kill it in the middle of a day
        with create_session() as session:
            running = (
                session.query(TaskInstance.run_id)
                .join(DagRun, DagRun.run_id == TaskInstance.run_id)
                .filter(DagRun.dag_id == PASS1_DAG_ID, DagRun.start_date >= started,
                        TaskInstance.task_id == "load_day", TaskInstance.state == "running")
                .first()
            )  # fmt: skip
        if running:
            child.send_signal(signal.SIGKILL)
            run_id = running[0]
        time.sleep(0.005)
    assert run_id, "the child never got going"
    child.wait(timeout=30)
    time.sleep(0.5)

    with create_session() as session:
        assert session.query(DagRun).filter_by(run_id=run_id).one().state == "running"
        stuck = (
            session.query(TaskInstance)
            .filter(TaskInstance.run_id == run_id, TaskInstance.state.in_(("running", "scheduled")))
            .count()
        )
        assert stuck  # what held the pool
        # a scheduler that saw the run counted it: Pass 1 at its max_active_runs
        session.query(DagModel).filter_by(dag_id=PASS1_DAG_ID).update(
            {"exceeds_max_non_backfill": True}
        )
        occupied = Pool.get_pool("nba_warehouse_writes", session=session).occupied_slots(
            session=session
        )
    assert occupied >= 1

    outcome = run(PASS1_DAG_ID, params(START, END))  # settles the orphan, then runs
    with create_session() as session:
        assert session.query(DagRun).filter_by(run_id=run_id).one().state == "failed"
        assert (
            session.query(TaskInstance)
            .filter(TaskInstance.run_id == run_id, TaskInstance.state.in_(("running", "scheduled")))
            .count()
            == 0
        )
        assert (
            Pool.get_pool("nba_warehouse_writes", session=session).occupied_slots(session=session)
            == 0
        )
        # ... and no longer does: the scheduler would otherwise never start another run
        assert (
            not session.query(DagModel)
            .filter_by(dag_id=PASS1_DAG_ID)
            .one()
            .exceeds_max_non_backfill
        )
    assert outcome.task_states["load_day:success"] == len(
        {r["game_date"] for r in data.expected.to_pylist()}
    )


def test_a_final_game_nothing_can_load_fails_the_audit_naming_it(
    warehouse, airflow_db, data, capfd, caplog
):
    load(warehouse, data)
    ghost = "20211019_SAS_UTA"
    insert(warehouse, "nbac_schedule", [schedule(ghost)])  # no gamebook, no balldontlie row
    outcome = run_dag(PASS1_DAG_ID, params(START, START))
    assert outcome.state == "failed"
    assert outcome.failed_tasks == ["audit_range", "continue_range"]
    captured = capfd.readouterr()
    log = captured.out + captured.err + caplog.text
    assert "[FAIL] nothing stale left: 1 day(s) not complete in 2021-09-07 .. 2021-10-19" in log
    assert (
        "2021-10-19 Pass 1 stale: 1 of 4 Final game(s) without Pass 1 rows; 1 Final game(s) "
        "with no gamebook or balldontlie row at all: load their box scores" in log
    )
    assert f"{ghost}: no rows" in log  # the classic coverage audit names the game


def test_status_command_lists_what_each_pass_owes(warehouse, airflow_db, data):
    load(warehouse, data)
    run(PASS1_DAG_ID, params(START, dt.date(2021, 10, 20)))
    run(PASS2_DAG_ID, params(START, dt.date(2021, 10, 20)))
    run(PASS1_DAG_ID, params(dt.date(2021, 10, 21), dt.date(2021, 10, 21)))
    status = subprocess.run(
        [sys.executable, "-m", "nba_backfill.cli", "status", "--start", "2021-10-19",
         "--end", "2021-10-22"],
        capture_output=True, text=True, env=os.environ.copy(), timeout=120,
    )  # fmt: skip
    assert status.returncode == 1, status.stdout + status.stderr  # something is owed
    lines = [line.strip() for line in status.stdout.splitlines()]
    assert lines[1:] == [
        "Pass 1: 3 complete, 0 stale, 1 missing",
        "Pass 2: 2 complete, 0 stale, 2 missing",
        "2021-10-21  pass2  missing  Pass 2 has not processed the day ("
        f"{sum(1 for r in data.expected.to_pylist() if r['game_date'] == dt.date(2021, 10, 21))}"
        " row(s))",
        "2021-10-22  pass1  missing  "
        f"{data.tables['nbac_schedule'].column('game_date').to_pylist().count(dt.date(2021, 10, 22))}"
        " of "
        f"{data.tables['nbac_schedule'].column('game_date').to_pylist().count(dt.date(2021, 10, 22))}"
        " Final game(s) without Pass 1 rows",
        "2021-10-22  pass2  missing  no rows yet for its "
        f"{data.tables['nbac_schedule'].column('game_date').to_pylist().count(dt.date(2021, 10, 22))}"
        " Final game(s)",
    ]


def test_a_metadata_db_that_knew_the_old_asset_uri_still_runs_pass1(warehouse, airflow_db, data):
    """Upgrading: the asset's URI was `warehouse://...` before it became `x-warehouse://...`.
    A metadata DB whose active asset is the old definition made every dag.test() Pass 1 run
    fail ("inactive assets in its inlets or outlets"); the runner retires the replaced one."""
    from airflow.models.asset import AssetActive, AssetModel
    from airflow.utils.session import create_session

    from nba_backfill.assets import PLAYER_GAME_SUMMARY

    old_uri = "warehouse://nba_analytics/player_game_summary"
    load(warehouse, data)
    with create_session() as session:
        session.query(AssetActive).filter_by(name=PLAYER_GAME_SUMMARY.name).delete()
        if (
            not session.query(AssetModel)
            .filter_by(name=PLAYER_GAME_SUMMARY.name, uri=old_uri)
            .count()
        ):
            session.add(AssetModel(name=PLAYER_GAME_SUMMARY.name, uri=old_uri, group="nba"))
            session.flush()
        session.add(AssetActive(name=PLAYER_GAME_SUMMARY.name, uri=old_uri))
    week = dt.date(2021, 10, 25)
    outcome = run(PASS1_DAG_ID, params(START, week))  # asserts the run succeeded
    assert outcome.task_states["audit_range:success"] == 1
    with create_session() as session:
        active = {(a.name, a.uri) for a in session.query(AssetActive)}
    assert (PLAYER_GAME_SUMMARY.name, PLAYER_GAME_SUMMARY.uri) in active
    assert (PLAYER_GAME_SUMMARY.name, old_uri) not in active
