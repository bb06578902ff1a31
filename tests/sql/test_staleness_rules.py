"""The staleness statements (include/sql/state/) on hand-built rows: each rule that makes
a day stale or missing for a pass, on both sides of its boundary.

A day is loaded by the passes themselves (pass1.load_day, pass2.merge_window), then one
thing changes; the expected verdict is written by hand next to each change.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nba_backfill import pass1, pass2, staleness
from nba_backfill.days import DayRange

from helpers import TS, bdl, gamebook, insert, pbp, schedule, shot

DAY = dt.date(2021, 10, 19)
NEXT = dt.date(2021, 10, 20)
RANGE = DayRange(DAY, NEXT, "test")
G1 = "20211019_BKN_MIL"
G2 = "20211020_BOS_NYK"


def verdicts(warehouse) -> dict[dt.date, tuple]:
    return {s.day: (s.pass1, s.pass2) for s in staleness.day_statuses(warehouse, RANGE)}


def reasons(warehouse, day, pass_name) -> list[str]:
    (status,) = [s for s in staleness.day_statuses(warehouse, RANGE) if s.day == day]
    return status.reasons(pass_name)


def execute(warehouse, sql, params=()):
    with warehouse.connect() as con:
        return con.execute(sql, list(params)).fetchall()


def pass_time(warehouse, column: str, day=DAY) -> dt.datetime:
    (value,) = execute(
        warehouse,
        f"select min({column}) from nba_analytics.player_game_summary where game_date = ?",
        [day],
    )[0]
    return value


@pytest.fixture
def loaded(warehouse):
    """Day 1: one Final game, its gamebook and play-by-play, both passes run."""
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "nbac_gamebook_player_stats", [
        gamebook(G1, "BKN", "Kevin Durant", "kevindurant", field_goals_attempted=1, field_goals_made=1),
        gamebook(G1, "MIL", "Brook Lopez", "brooklopez"),
    ])  # fmt: skip
    insert(warehouse, "bigdataball_play_by_play", [shot(G1, 1, "kevindurant", True, 3.0)])
    pass1.load_day(warehouse, DAY)
    pass2.merge_window(warehouse, RANGE)
    assert verdicts(warehouse) == {DAY: ("complete", "complete")}
    return warehouse


def test_nothing_loaded_is_missing_for_both_passes(warehouse):
    insert(warehouse, "nbac_schedule", [schedule(G1), schedule(G2, status="Postponed")])
    insert(
        warehouse,
        "nbac_gamebook_player_stats",
        [gamebook(G1, "BKN", "Kevin Durant", "kevindurant")],
    )
    # a postponed game is nothing to do: its day does not appear
    assert verdicts(warehouse) == {DAY: ("missing", "missing")}
    assert reasons(warehouse, DAY, "pass1") == ["1 of 1 Final game(s) without Pass 1 rows"]
    assert reasons(warehouse, DAY, "pass2") == ["no rows yet for its 1 Final game(s)"]


def test_pass1_alone_leaves_pass2_missing_then_pass2_completes(warehouse):
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(
        warehouse,
        "nbac_gamebook_player_stats",
        [gamebook(G1, "BKN", "Kevin Durant", "kevindurant")],
    )
    pass1.load_day(warehouse, DAY)
    assert verdicts(warehouse) == {DAY: ("complete", "missing")}
    assert reasons(warehouse, DAY, "pass2") == ["Pass 2 has not processed the day (1 row(s))"]
    pass2.merge_window(warehouse, RANGE)
    assert verdicts(warehouse) == {DAY: ("complete", "complete")}


def test_pass2_first_leaves_pass1_stale_for_its_rows(warehouse):
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(
        warehouse,
        "nbac_gamebook_player_stats",
        [gamebook(G1, "BKN", "Kevin Durant", "kevindurant")],
    )
    pass2.merge_window(warehouse, RANGE)
    # Pass 2 wrote a row of its own: Pass 1 has no row yet
    assert verdicts(warehouse) == {DAY: ("missing", "complete")}
    pass1.load_day(warehouse, DAY)
    # Pass 1 wrote the day after Pass 2: Pass 2 owes it a run
    assert verdicts(warehouse) == {DAY: ("complete", "stale")}
    assert reasons(warehouse, DAY, "pass2")[0].startswith("Pass 1 rewrote the day ")


@pytest.mark.parametrize("table", ["nbac_gamebook_player_stats", "bdl_player_boxscores"])
def test_a_stats_row_delivered_after_pass1_makes_both_stale(loaded, table):
    pass1_at = pass_time(loaded, "pass1_processed_at")
    row = (gamebook if table.startswith("nbac") else bdl)(G1, "BKN", "Kevin Durant", "kevindurant")
    # delivered just before Pass 1 ran: nothing to do
    insert(loaded, table, [{**row, "processed_at": pass1_at - dt.timedelta(microseconds=1)}])
    assert verdicts(loaded) == {DAY: ("complete", "complete")}
    # delivered just after Pass 1 and Pass 2 ran (a stat correction)
    pass2_at = pass_time(loaded, "shot_zones_processed_at")
    insert(loaded, table, [{**row, "processed_at": pass2_at + dt.timedelta(microseconds=1)}])
    assert verdicts(loaded) == {DAY: ("stale", "stale")}
    assert reasons(loaded, DAY, "pass1")[0].startswith("gamebook/balldontlie rows delivered ")
    assert reasons(loaded, DAY, "pass2")[0].startswith("roster rows delivered ")
    pass1.load_day(loaded, DAY)
    assert verdicts(loaded) == {DAY: ("complete", "stale")}
    pass2.merge_window(loaded, RANGE)
    assert verdicts(loaded) == {DAY: ("complete", "complete")}


def test_play_by_play_delivered_after_pass2_makes_pass2_stale(loaded):
    pass2_at = pass_time(loaded, "shot_zones_processed_at")
    late = shot(G1, 1, "kevindurant", False, 3.0)  # a correction: the shot was missed
    insert(loaded, "bigdataball_play_by_play", [{**late, "processed_at": pass2_at}])
    assert verdicts(loaded) == {DAY: ("complete", "complete")}  # not after: nothing to do
    insert(
        loaded,
        "bigdataball_play_by_play",
        [{**late, "processed_at": pass2_at + dt.timedelta(microseconds=1)}],
    )
    assert verdicts(loaded) == {DAY: ("complete", "stale")}
    assert reasons(loaded, DAY, "pass2")[0].startswith("play-by-play delivered ")
    pass2.merge_window(loaded, RANGE)
    assert verdicts(loaded) == {DAY: ("complete", "complete")}


def test_timestamps_in_the_future_or_null_are_not_compared(loaded):
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    insert(
        loaded,
        "bigdataball_play_by_play",
        [{**shot(G1, 2, "kevindurant", True, 3.0), "processed_at": soon}],
    )
    insert(loaded, "nbac_gamebook_player_stats", [
        {**gamebook(G1, "BKN", "Kevin Durant", "kevindurant"), "processed_at": soon},
        {**gamebook(G1, "BKN", "Kevin Durant", "kevindurant"), "processed_at": None},
    ])  # fmt: skip
    assert verdicts(loaded) == {DAY: ("complete", "complete")}


def test_a_final_game_without_rows_and_one_without_any_source(loaded):
    g3, g4 = "20211019_GSW_LAL", "20211019_PHI_NOP"
    insert(loaded, "nbac_schedule", [schedule(g3), schedule(g4)])
    insert(
        loaded, "nbac_gamebook_player_stats", [gamebook(g3, "GSW", "Stephen Curry", "stephencurry")]
    )
    assert verdicts(loaded) == {DAY: ("stale", "stale")}
    assert reasons(loaded, DAY, "pass1") == [
        "2 of 3 Final game(s) without Pass 1 rows",
        "1 Final game(s) with no gamebook or balldontlie row at all: load their box scores",
    ]
    # Pass 2 answers for games with a roster only (g3); g4 is Pass 1's to report
    assert reasons(loaded, DAY, "pass2") == ["1 Final game(s) with a roster but no rows"]
    pass1.load_day(loaded, DAY)
    pass2.merge_window(loaded, RANGE)
    assert verdicts(loaded) == {DAY: ("stale", "complete")}
    assert reasons(loaded, DAY, "pass1") == [
        "1 of 3 Final game(s) without Pass 1 rows",
        "1 Final game(s) with no gamebook or balldontlie row at all: load their box scores",
    ]


def test_rows_of_a_game_no_longer_final(loaded):
    execute(loaded, "update nba_raw.nbac_schedule set game_status = 'Postponed'")
    # the day has no Final game any more, but rows: Pass 1 must remove them
    assert verdicts(loaded) == {DAY: ("stale", None)}
    assert reasons(loaded, DAY, "pass1") == ["2 row(s) of games that are not Final"]
    assert pass1.plan_days(loaded, RANGE) == ["2021-10-19"]  # so it gets a load_day
    pass1.load_day(loaded, DAY)
    assert verdicts(loaded) == {}


def test_schedule_status_is_compared_normalised(loaded):
    execute(loaded, "update nba_raw.nbac_schedule set game_status = ' FINAL '")
    assert verdicts(loaded) == {DAY: ("complete", "complete")}


def test_a_game_whose_play_by_play_arrived_but_zones_are_null(loaded):
    g3 = "20211019_GSW_LAL"
    insert(loaded, "nbac_schedule", [schedule(g3)])
    insert(
        loaded, "nbac_gamebook_player_stats", [gamebook(g3, "GSW", "Stephen Curry", "stephencurry")]
    )
    pass1.load_day(loaded, DAY)
    pass2.merge_window(loaded, RANGE)  # g3 has no play-by-play: NULL zones
    assert verdicts(loaded) == {DAY: ("complete", "complete")}
    pass2_at = pass_time(loaded, "shot_zones_processed_at")
    # its play-by-play is delivered late, and stamped as scraped earlier
    insert(
        loaded,
        "bigdataball_play_by_play",
        [{**pbp(g3, 1, "rebound"), "processed_at": pass2_at - dt.timedelta(days=1)}],
    )
    assert verdicts(loaded) == {DAY: ("complete", "stale")}
    assert reasons(loaded, DAY, "pass2") == ["1 game(s) with play-by-play but NULL shot zones"]


def test_pass2_pending_reads_the_output_table_only(loaded):
    insert(loaded, "nbac_schedule", [schedule(G2)])
    insert(
        loaded, "nbac_gamebook_player_stats", [gamebook(G2, "BOS", "Jayson Tatum", "jaysontatum")]
    )
    assert staleness.pass2_pending(loaded, NEXT) == {DAY: False}
    pass1.load_day(loaded, NEXT)  # a day Pass 2 has not seen
    assert staleness.pass2_pending(loaded, NEXT) == {DAY: False, NEXT: True}
    assert staleness.pass2_pending(loaded, DAY) == {DAY: False}  # up to @end_date
    pass1.load_day(loaded, DAY)  # Pass 1 again, after Pass 2
    assert staleness.pass2_pending(loaded, NEXT) == {DAY: True, NEXT: True}
    pass2.merge_window(loaded, RANGE)
    assert staleness.pass2_pending(loaded, NEXT) == {DAY: False, NEXT: False}


def test_old_deliveries_do_not_count(warehouse):
    """Raw rows delivered long before the passes ran (the demo's case) leave days complete."""
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "nbac_gamebook_player_stats", [
        {**gamebook(G1, "BKN", "Kevin Durant", "kevindurant"), "processed_at": TS},
    ])  # fmt: skip
    pass1.load_day(warehouse, DAY)
    pass2.merge_window(warehouse, RANGE)
    assert verdicts(warehouse) == {DAY: ("complete", "complete")}


def test_a_day_whose_only_final_game_has_no_source_owes_pass2_nothing(warehouse):
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    assert verdicts(warehouse) == {DAY: ("missing", None)}
    assert reasons(warehouse, DAY, "pass1") == [
        "1 of 1 Final game(s) without Pass 1 rows",
        "1 Final game(s) with no gamebook or balldontlie row at all: load their box scores",
    ]
