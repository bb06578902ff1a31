"""Pass 1 end to end through Airflow's dag.test() on seeded demo data.

The generator returns, next to the messy raw tables (duplicates, malformed minutes, games
missing from the gamebook, ...), the truth it encoded: the table must equal it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nba_backfill.checksum import table_checksum
from nba_backfill.days import GAME_TZ
from nba_backfill.demo import generate
from nba_backfill.local.runner import PASS1_DAG_ID, run_dag

from helpers import summary_rows

pytestmark = pytest.mark.e2e

START, END = dt.date(2021, 10, 19), dt.date(2021, 11, 8)  # three demo weeks
PASS1_COLUMNS = [
    "game_date", "season_year", "player_full_name", "team_abbr", "opponent_team_abbr",
    "home_game", "is_active", "player_status", "minutes_played", "points", "assists",
    "offensive_rebounds", "defensive_rebounds", "total_rebounds", "steals", "blocks",
    "turnovers", "personal_fouls", "fg_makes", "fg_attempts", "three_pt_makes",
    "three_pt_attempts", "ft_makes", "ft_attempts", "plus_minus", "primary_source_used",
]  # fmt: skip


@pytest.fixture
def demo(warehouse, airflow_db):
    data = generate(START, END)
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)
    expected = {(r["game_id"], r["player_lookup"]): r for r in data.expected.to_pylist()}
    return warehouse, data, expected


def pass1(start, end):
    return run_dag(
        PASS1_DAG_ID,
        {"start_date": start.isoformat(), "end_date": end.isoformat()},
        xcom_tasks=("plan_days", "plan_days:plan", "load_day", "audit_range:figures"),
    )


def test_three_weeks_match_the_generators_truth_and_rerun_is_identical(demo):
    warehouse, data, expected = demo
    outcome = pass1(START, END)
    assert outcome.ok, outcome
    days = outcome.xcoms["plan_days"]
    assert days == sorted(
        {k.isoformat() for k in data.tables["nbac_schedule"].column("game_date").to_pylist()}
    )
    assert len(outcome.xcoms["load_day"]) == len(days) == 21
    assert outcome.task_states == {
        "plan_days:success": 1, "load_day:success": 21, "audit_range:success": 1,
        "continue_range:skipped": 1,  # (no chain: mapped over nothing)
    }  # fmt: skip
    plan = outcome.xcoms["plan_days:plan"]
    assert plan["requested"] == {"start_date": "2021-10-19", "end_date": "2021-11-08"}
    assert plan["stale"] == [] and plan["left_over"] == []

    rows = summary_rows(warehouse)
    assert set(rows) == set(expected)
    for key, want in expected.items():
        got = rows[key]
        assert {c: got[c] for c in PASS1_COLUMNS} == {c: want[c] for c in PASS1_COLUMNS}, key
        # Pass 2 has not run: its columns are untouched
        assert got["paint_attempts"] is None and got["pbp_shot_events"] is None
    # the messes the generator injected were there, and were handled
    assert data.stats["gamebook_stale_duplicates"] > 0 and data.stats["malformed_minutes"] > 0
    assert data.stats["games_missing_gamebook"] > 0
    assert {r["primary_source_used"] for r in rows.values()} == {"nbac_gamebook", "bdl_boxscores"}

    figures = outcome.xcoms["audit_range:figures"]
    assert figures["pass1_rows"] == len(expected)
    assert figures["duplicate_keys"] == 0 and figures["incomplete_games"] == 0
    assert 0.35 <= figures["null_minutes_share"] <= 0.45

    before = table_checksum(warehouse, START, END)
    assert pass1(START, END).ok
    assert pass1(dt.date(2021, 10, 25), dt.date(2021, 10, 27)).ok  # an overlapping re-run
    assert table_checksum(warehouse, START, END) == before


def test_a_run_without_params_loads_its_data_interval_and_the_stale_days_before(demo):
    warehouse, data, expected = demo
    # A run without params made at 2021-10-21 06:00 ET gets the last complete interval,
    # [10-20 06:00, 10-21 06:00) ET, the same as the nightly run stamped 2021-10-20: it
    # loads the games of 2021-10-20, and 2021-10-19, which nothing loaded yet (stale:
    # missing), as it is within the lookback. The days after its interval stay untouched.
    logical = dt.datetime(2021, 10, 21, 6, 0, tzinfo=GAME_TZ)
    outcome = run_dag(PASS1_DAG_ID, {}, logical_date=logical, xcom_tasks=("plan_days:plan",))
    assert outcome.ok, outcome
    plan = outcome.xcoms["plan_days:plan"]
    assert plan["requested"] == {"start_date": "2021-10-20", "end_date": "2021-10-20"}
    assert plan["days"] == ["2021-10-19", "2021-10-20"]
    games = (
        data.tables["nbac_schedule"].column("game_date").to_pylist().count(dt.date(2021, 10, 19))
    )
    assert plan["stale"] == [
        f"2021-10-19 Pass 1 missing: {games} of {games} Final game(s) without Pass 1 rows"
    ]
    rows = summary_rows(warehouse)
    loaded = {dt.date(2021, 10, 19), dt.date(2021, 10, 20)}
    assert {r["game_date"] for r in rows.values()} == loaded
    assert set(rows) == {k for k, r in expected.items() if r["game_date"] in loaded}


def test_a_range_without_games_does_nothing_and_says_so(demo):
    warehouse, _, _ = demo
    outcome = run_dag(
        PASS1_DAG_ID,
        {"start_date": "2021-08-01", "end_date": "2021-08-10"},
        xcom_tasks=("plan_days",),
    )
    assert outcome.ok
    assert outcome.xcoms["plan_days"] == []
    assert outcome.task_states == {
        "plan_days:success": 1, "load_day:skipped": 1, "audit_range:skipped": 1,
        "continue_range:skipped": 1,
    }  # fmt: skip
    assert summary_rows(warehouse) == {}


def test_bad_params_fail_before_anything_is_written(demo):
    warehouse, _, _ = demo
    outcome = run_dag(PASS1_DAG_ID, {"start_date": "2021-10-25", "end_date": "2021-10-19"})
    assert outcome.state == "failed"
    assert outcome.failed_tasks[0] == "plan_days"
    assert "load_day:success" not in " ".join(outcome.task_states)
    assert summary_rows(warehouse) == {}


def test_one_run_maps_at_most_max_map_length_game_days(demo, monkeypatch, capfd, caplog):
    """The limit counts game days, not calendar days; past it the run fails before writing
    anything and says how to proceed; at it, the run loads them all."""
    warehouse, _, _ = demo
    week = (dt.date(2021, 10, 19), dt.date(2021, 10, 25))  # 7 calendar days, 7 game days
    monkeypatch.setenv("AIRFLOW__CORE__MAX_MAP_LENGTH", "6")
    outcome = pass1(*week)
    assert outcome.task_states == {"plan_days:failed": 1, "load_day:upstream_failed": 1,
                                   "audit_range:upstream_failed": 1,
                                   "continue_range:upstream_failed": 1}  # fmt: skip
    assert summary_rows(warehouse) == {}  # nothing written
    captured = capfd.readouterr()
    log = captured.out + captured.err + caplog.text
    for words in (
        "params start_date=2021-10-19 .. end_date=2021-10-25 hold 7 game days, more than one "
        "run maps (Airflow's [core] max_map_length = 6",
        "airflow backfill create --dag-id nba_pass1_box_scores --from-date 2021-10-19 "
        "--to-date 2021-10-25",
        "in 2 runs of at most 6 game days each: 2021-10-19 .. 2021-10-24; 2021-10-25 .. 2021-10-25",
        "one after another by themselves with the param chain_runs",
        "AIRFLOW__CORE__MAX_MAP_LENGTH=7",
    ):
        assert words in log, log[-3000:]
    monkeypatch.setenv("AIRFLOW__CORE__MAX_MAP_LENGTH", "7")
    outcome = pass1(*week)
    assert outcome.ok, outcome
    assert len(outcome.xcoms["plan_days"]) == 7


def test_chained_runs_load_a_range_longer_than_one_run_maps(demo, monkeypatch):
    """chain_runs: with max_map_length 8, the 21 game days of three weeks in three runs
    (8, 8, 5) that start one another; the same table as one run that maps them all."""
    warehouse, _, expected = demo
    monkeypatch.setenv("AIRFLOW__CORE__MAX_MAP_LENGTH", "8")
    outcome = run_dag(
        PASS1_DAG_ID,
        {"start_date": START.isoformat(), "end_date": END.isoformat(), "chain_runs": True},
        xcom_tasks=("plan_days", "audit_range"),
    )
    assert outcome.ok, outcome
    assert [len(run.xcoms["plan_days"]) for run in outcome.runs] == [8, 8, 5]
    assert [run.xcoms["plan_days"][0] for run in outcome.runs] == [
        "2021-10-19", "2021-10-27", "2021-11-04",
    ]  # fmt: skip
    # each run names the rest of the range; the last names none
    assert [run.xcoms["audit_range"] for run in outcome.runs] == [
        [{"start_date": "2021-10-27", "end_date": "2021-11-08", "chain_runs": True}],
        [{"start_date": "2021-11-04", "end_date": "2021-11-08", "chain_runs": True}],
        [],
    ]
    assert [run.task_states.get("continue_range:success", 0) for run in outcome.runs] == [1, 1, 0]
    chained = table_checksum(warehouse, START, END)
    assert set(summary_rows(warehouse)) == set(expected)
    monkeypatch.setenv("AIRFLOW__CORE__MAX_MAP_LENGTH", "1024")
    assert pass1(START, END).ok  # one run, every day again: the same table
    assert table_checksum(warehouse, START, END) == chained
