"""Pass 2 SQL (include/sql/pass2/merge_shot_zones.sql) on hand-built play-by-play rows.

One case per rule of the contract; every expected count is written by hand from the
events below.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nba_backfill import pass1, pass2
from nba_backfill.checksum import table_checksum
from nba_backfill.days import DayRange

from helpers import (
    SHOT_ZONE_COLUMNS,
    TS,
    free_throw,
    gamebook,
    insert,
    pbp,
    processed_at,
    schedule,
    shot,
    summary_rows,
    zones,
)

DAY = dt.date(2021, 10, 19)
RANGE = DayRange(DAY, DAY, "test")
G1 = "20211019_BKN_MIL"  # has play-by-play
G2 = "20211019_GSW_LAL"  # no play-by-play at all

ROSTER = [
    gamebook(G1, "BKN", "Kevin Durant", "kevindurant", field_goals_attempted=2, field_goals_made=1),
    gamebook(G1, "BKN", "James Harden", "jamesharden", field_goals_attempted=2, field_goals_made=1),
    gamebook(G1, "BKN", "Blake Griffin", "blakegriffin", player_status="dnp", minutes=None),
    gamebook(G1, "MIL", "Giannis Antetokounmpo", "giannisantetokounmpo"),
    gamebook(G1, "MIL", "Jrue Holiday", "jrueholiday"),
    gamebook(G1, "MIL", "Brook Lopez", "brooklopez"),
    gamebook(G2, "GSW", "Stephen Curry", "stephencurry"),
    gamebook(G2, "LAL", "LeBron James", "lebronjames"),
]

EVENTS = [
    pbp(G1, 1, "start of period", clock="12:00"),
    # a two at exactly 8.0 ft: paint; assisted
    shot(G1, 2, "kevindurant", True, 8.0, clock="11:00", player_2_lookup="jamesharden", player_2_role="assist"),
    # ... re-delivered later (same event_id): counted once
    shot(G1, 2, "kevindurant", True, 8.0, clock="11:00", player_2_lookup="jamesharden",
         player_2_role="assist", processed_at=TS + dt.timedelta(hours=5)),
    # a '2PT' shot at 24 ft: mid_range (the type wins over the distance); blocked by a
    # player who takes no shot himself
    shot(G1, 3, "kevindurant", False, 24.0, clock="10:40", player_2_lookup="brooklopez", player_2_role="block"),
    # an untyped shot at 23.75 ft: three (distance counts only without a type); unassisted
    shot(G1, 4, "jamesharden", True, 23.75, shot_type=None, subtype="pullup jump shot", clock="10:20"),
    # a '3pt' subtype at 22 ft, untyped: three by its subtype
    shot(G1, 5, "jamesharden", False, 22.0, shot_type=None, subtype="3pt jump shot", clock="10:00"),
    # a made shot with player_2_role 'block' (a feed error): neither assisted nor
    # unassisted; the block goes to player_2 by the shot's zone
    shot(G1, 6, "giannisantetokounmpo", True, 2.0, subtype="dunk", clock="09:30",
         player_2_lookup="jrueholiday", player_2_role="block"),
    # a free throw 1/1 at the same period and clock as his made shot: an and-one
    free_throw(G1, 7, "giannisantetokounmpo", clock="09:30"),
    # a lone free throw 1/1 (no made shot of his at that clock): not an and-one
    free_throw(G1, 8, "kevindurant", clock="09:00"),
    # free throws of a two-shot trip are not and-ones either, even at a made shot's clock
    free_throw(G1, 9, "kevindurant", subtype="free throw 1/2", clock="11:00"),
    # a prefixed lookup (2024-25 feeds) and a fallback event
    shot(G1, 10, "1630552jrueholiday", True, 25.0, shot_type="3PT", subtype="3pt jump shot",
         clock="08:00", data_source="nbacom_fallback"),
    pbp(G1, 11, "rebound", clock="07:50", player_1_lookup="giannisantetokounmpo"),
    # not shots: no distance, no result, no shooter
    shot(G1, 12, "kevindurant", True, None, clock="07:00"),
    shot(G1, 13, "kevindurant", None, 5.0, clock="06:00"),
    shot(G1, 14, None, True, 5.0, clock="05:00"),
]  # fmt: skip

ZERO = dict.fromkeys(SHOT_ZONE_COLUMNS, 0)
EXPECTED = {
    "kevindurant": {**ZERO, "paint_attempts": 1, "paint_makes": 1, "mid_range_attempts": 1,
                    "assisted_fg_makes": 1, "pbp_shot_events": 2},
    "jamesharden": {**ZERO, "three_attempts_pbp": 2, "three_makes_pbp": 1,
                    "unassisted_fg_makes": 1, "pbp_shot_events": 2},
    "blakegriffin": ZERO,  # on the roster, no events: zeros, not NULLs
    "giannisantetokounmpo": {**ZERO, "paint_attempts": 1, "paint_makes": 1, "and1_count": 1,
                             "pbp_shot_events": 1},
    "jrueholiday": {**ZERO, "three_attempts_pbp": 1, "three_makes_pbp": 1,
                    "unassisted_fg_makes": 1, "paint_blocks": 1, "pbp_shot_events": 1,
                    "pbp_fallback_events": 1},
    "brooklopez": {**ZERO, "mid_range_blocks": 1},
}  # fmt: skip


@pytest.fixture
def raw(warehouse):
    insert(warehouse, "nbac_schedule", [schedule(G1), schedule(G2)])
    insert(warehouse, "nbac_gamebook_player_stats", ROSTER)
    insert(warehouse, "bigdataball_play_by_play", EVENTS)
    return warehouse


def test_every_rule(raw):
    result = pass2.merge_window(raw, RANGE)
    assert result["rows"] == 8
    rows = summary_rows(raw)
    assert {p: zones(rows[(G1, p)]) for p in EXPECTED} == EXPECTED
    # a game without play-by-play keeps NULLs
    for player in ("stephencurry", "lebronjames"):
        assert set(zones(rows[(G2, player)]).values()) == {None}
        assert processed_at(raw, G2, player)[1] is not None  # Pass 2 did run


def test_pass2_first_writes_rows_of_its_own_that_pass1_completes(raw):
    pass2.merge_window(raw, RANGE)
    rows = summary_rows(raw)
    assert set(rows) == {(g["game_id"], g["player_lookup"]) for g in ROSTER}
    durant = rows[(G1, "kevindurant")]
    assert processed_at(raw, G1, "kevindurant")[0] is None and durant["points"] is None
    assert durant["game_date"] == DAY
    pass1.load_day(raw, DAY)
    durant = summary_rows(raw)[(G1, "kevindurant")]
    assert durant["team_abbr"] == "BKN" and durant["fg_attempts"] == 2
    assert zones(durant) == EXPECTED["kevindurant"]


def test_order_and_repetition_do_not_matter(raw, tmp_path):
    from nba_backfill.warehouse import duckdb_warehouse

    pass2.merge_window(raw, RANGE)
    pass1.load_day(raw, DAY)
    pass2_first = table_checksum(raw, DAY, DAY)

    other = duckdb_warehouse(tmp_path / "other.duckdb")
    other.apply_schema()
    insert(other, "nbac_schedule", [schedule(G1), schedule(G2)])
    insert(other, "nbac_gamebook_player_stats", ROSTER)
    insert(other, "bigdataball_play_by_play", EVENTS)
    pass1.load_day(other, DAY)
    pass2.merge_window(other, RANGE)
    assert table_checksum(other, DAY, DAY) == pass2_first
    pass2.merge_window(other, RANGE)
    pass1.load_day(other, DAY)
    pass2.merge_window(other, RANGE)
    assert table_checksum(other, DAY, DAY) == pass2_first


def test_pbp_players_on_no_roster_are_not_written(raw):
    insert(raw, "bigdataball_play_by_play", [shot(G1, 50, "someonenew", True, 3.0)])
    pass2.merge_window(raw, RANGE)
    assert (G1, "someonenew") not in summary_rows(raw)


def test_a_pass2_only_row_whose_player_left_the_roster_is_removed(raw):
    pass2.merge_window(raw, RANGE)
    con = raw.connect()
    con.execute("delete from nba_raw.nbac_gamebook_player_stats where player_lookup = 'brooklopez'")
    con.close()
    pass2.merge_window(raw, RANGE)
    assert (G1, "brooklopez") not in summary_rows(raw)


def test_other_days_are_untouched(raw):
    insert(raw, "nbac_schedule", [schedule("20211020_BOS_NYK")])
    insert(
        raw,
        "nbac_gamebook_player_stats",
        [gamebook("20211020_BOS_NYK", "BOS", "Jayson Tatum", "jaysontatum")],
    )
    insert(raw, "bigdataball_play_by_play", [shot("20211020_BOS_NYK", 1, "jaysontatum", True, 3.0)])
    pass2.merge_window(raw, RANGE)
    assert not [k for k in summary_rows(raw) if k[0] == "20211020_BOS_NYK"]


def test_the_latest_delivery_decides_whatever_it_became(warehouse):
    """A re-delivery (same event_id, later processed_at) replaces the event whatever it now
    is; the order the copies sit in the table does not matter."""
    later = TS + dt.timedelta(hours=3)
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "nbac_gamebook_player_stats", ROSTER[:6])
    insert(warehouse, "bigdataball_play_by_play", [
        # the newer copies first: insertion order must not matter
        {**pbp(G1, 1, "violation", clock="10:00", player_1_lookup="kevindurant"), "processed_at": later},
        free_throw(G1, 3, "jamesharden", subtype="free throw 1/2", clock="09:00", processed_at=later),
        shot(G1, 4, "jrueholiday", True, 25.0, shot_type="3PT", clock="08:00", processed_at=later),
        # the older copies
        shot(G1, 1, "kevindurant", True, 25.0, shot_type="3PT", clock="10:00"),  # a three, then a violation
        shot(G1, 2, "jamesharden", True, 5.0, clock="09:00"),  # his made shot
        free_throw(G1, 3, "jamesharden", clock="09:00"),  # 1/1 at its clock, then 1/2
        {**pbp(G1, 4, "violation", clock="08:00", player_1_lookup="jrueholiday")},  # then a three
    ])  # fmt: skip
    pass2.merge_window(warehouse, RANGE)
    rows = summary_rows(warehouse)
    assert zones(rows[(G1, "kevindurant")]) == ZERO  # the violation won: no shot at all
    assert zones(rows[(G1, "jamesharden")]) == {
        **ZERO, "paint_attempts": 1, "paint_makes": 1, "unassisted_fg_makes": 1,
        "pbp_shot_events": 1,
    }  # and1_count 0: the 1/1 became a 1/2  # fmt: skip
    assert zones(rows[(G1, "jrueholiday")]) == {
        **ZERO, "three_attempts_pbp": 1, "three_makes_pbp": 1, "unassisted_fg_makes": 1,
        "pbp_shot_events": 1,
    }  # fmt: skip


def test_a_block_needs_a_shooter_and_an_and_one_needs_period_and_clock(warehouse):
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "nbac_gamebook_player_stats", ROSTER[:6])
    insert(warehouse, "bigdataball_play_by_play", [
        # no shooter: no shot, and no block for player_2
        shot(G1, 1, None, False, 3.0, player_2_lookup="brooklopez", player_2_role="block"),
        shot(G1, 2, "", False, 3.0, player_2_lookup="brooklopez", player_2_role="block"),
        # a made shot and a lone 1/1 without period and clock: nothing ties them
        {**shot(G1, 3, "kevindurant", True, 3.0), "period": None, "game_clock": None},
        {**free_throw(G1, 4, "kevindurant"), "period": None, "game_clock": None},
        # the same player with a clock but no period on both: not an and-one either
        {**shot(G1, 5, "jamesharden", True, 3.0, clock="07:00"), "period": None},
        {**free_throw(G1, 6, "jamesharden", clock="07:00"), "period": None},
        # and one with both: an and-one
        shot(G1, 7, "jrueholiday", True, 3.0, clock="06:00"),
        free_throw(G1, 8, "jrueholiday", clock="06:00"),
    ])  # fmt: skip
    pass2.merge_window(warehouse, RANGE)
    rows = summary_rows(warehouse)
    assert zones(rows[(G1, "brooklopez")]) == ZERO
    made = {
        **ZERO,
        "paint_attempts": 1,
        "paint_makes": 1,
        "unassisted_fg_makes": 1,
        "pbp_shot_events": 1,
    }
    assert zones(rows[(G1, "kevindurant")]) == made
    assert zones(rows[(G1, "jamesharden")]) == made
    assert zones(rows[(G1, "jrueholiday")]) == {**made, "and1_count": 1}


def test_raw_strings_are_compared_normalised(warehouse):
    insert(warehouse, "nbac_schedule", [{**schedule(G1), "game_status": " final"}])
    insert(warehouse, "nbac_gamebook_player_stats", ROSTER[:6])
    insert(warehouse, "bigdataball_play_by_play", [
        {**shot(G1, 1, "kevindurant", True, 3.0), "event_type": "Shot "},
        {**shot(G1, 2, "kevindurant", True, 26.0, shot_type=" 3pt"), "event_type": "SHOT"},
        {**free_throw(G1, 3, "kevindurant", subtype=" Free Throw 1/1"), "event_type": "Free Throw"},
        shot(G1, 4, "jamesharden", True, 3.0, player_2_lookup="kevindurant", player_2_role=" Assist",
             data_source="NBACOM_FALLBACK "),
    ])  # fmt: skip
    pass2.merge_window(warehouse, RANGE)
    rows = summary_rows(warehouse)
    assert zones(rows[(G1, "kevindurant")]) == {
        **ZERO, "paint_attempts": 1, "paint_makes": 1, "three_attempts_pbp": 1,
        "three_makes_pbp": 1, "unassisted_fg_makes": 2, "and1_count": 1, "pbp_shot_events": 2,
    }  # fmt: skip
    assert zones(rows[(G1, "jamesharden")]) == {
        **ZERO, "paint_attempts": 1, "paint_makes": 1, "assisted_fg_makes": 1,
        "pbp_shot_events": 1, "pbp_fallback_events": 1,
    }  # fmt: skip


def test_a_row_no_roster_produces_is_stamped_with_null_zones(raw):
    pass1.load_day(raw, DAY)
    pass2.merge_window(raw, RANGE)
    with raw.connect() as con:
        con.execute(
            "delete from nba_raw.nbac_gamebook_player_stats where player_lookup = 'kevindurant'"
        )
    pass2.merge_window(raw, RANGE)
    durant = summary_rows(raw)[(G1, "kevindurant")]  # Pass 1's row: its next run removes it
    assert set(zones(durant).values()) == {None}
    pass1_at, pass2_at = processed_at(raw, G1, "kevindurant")
    assert pass2_at > pass1_at


def test_the_roster_is_pass1s_gamebook_or_balldontlie_never_both(warehouse):
    from helpers import bdl

    insert(warehouse, "nbac_schedule", [schedule(G1), schedule(G2)])
    insert(warehouse, "nbac_gamebook_player_stats", ROSTER[:6])  # G1 only
    insert(warehouse, "bdl_player_boxscores", [
        bdl(G1, "BKN", "Bdl Only", "bdlonly"),  # G1 has gamebook rows: not on its roster
        bdl(G2, "GSW", "Stephen Curry", "stephencurry"),  # G2 has none: its roster
    ])  # fmt: skip
    insert(warehouse, "bigdataball_play_by_play", [
        shot(G1, 1, "bdlonly", True, 3.0), shot(G2, 1, "stephencurry", True, 3.0),
    ])  # fmt: skip
    pass2.merge_window(warehouse, RANGE)
    rows = summary_rows(warehouse)
    assert (G1, "bdlonly") not in rows
    assert zones(rows[(G2, "stephencurry")]) == {
        **ZERO, "paint_attempts": 1, "paint_makes": 1, "unassisted_fg_makes": 1, "pbp_shot_events": 1,
    }  # fmt: skip


def test_rows_outside_the_range_are_left_alone(raw):
    other = "20211020_BOS_NYK"
    insert(raw, "nbac_schedule", [schedule(other)])
    insert(
        raw, "nbac_gamebook_player_stats", [gamebook(other, "BOS", "Jayson Tatum", "jaysontatum")]
    )
    insert(raw, "bigdataball_play_by_play", [shot(other, 1, "jaysontatum", True, 3.0)])
    pass1.load_day(raw, dt.date(2021, 10, 20))
    pass2.merge_window(raw, DayRange(dt.date(2021, 10, 20), dt.date(2021, 10, 20), "test"))
    before = summary_rows(raw)[(other, "jaysontatum")], processed_at(raw, other, "jaysontatum")
    pass2.merge_window(raw, RANGE)  # the day before only
    after = summary_rows(raw)[(other, "jaysontatum")], processed_at(raw, other, "jaysontatum")
    assert after == before
    assert after[0]["paint_makes"] == 1
