"""Pass 1 SQL (include/sql/pass1/load_day.sql) on hand-built raw rows.

Every expected value below was worked out by hand from the rows in the test, following
the data contract; the SQL file runs on the real DuckDB backend.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nba_backfill import pass1, staleness
from nba_backfill.audits import audit_pass1
from nba_backfill.config import settings
from nba_backfill.days import DayRange

from helpers import TS, bdl, gamebook, insert, processed_at, schedule, summary_rows

DAY = dt.date(2021, 10, 19)
G1 = "20211019_BKN_MIL"  # gamebook and balldontlie: gamebook wins
G2 = "20211019_GSW_LAL"  # balldontlie only
G3 = "20211019_PHI_NOP"  # postponed
G4 = "20211020_BOS_NYK"  # the next day

NULL_STATS = dict.fromkeys(
    [
        "points", "field_goals_made", "field_goals_attempted", "three_pointers_made",
        "three_pointers_attempted", "free_throws_made", "free_throws_attempted",
        "offensive_rebounds", "defensive_rebounds", "total_rebounds", "assists", "steals",
        "blocks", "turnovers", "personal_fouls", "plus_minus",
    ]
)  # fmt: skip


def line(pts, fgm, fga, tpm, tpa, ftm, fta, oreb=0, dreb=0, ast=0, stl=0, blk=0, tov=0, pf=0, pm=0):
    return {
        "points": pts, "field_goals_made": fgm, "field_goals_attempted": fga,
        "three_pointers_made": tpm, "three_pointers_attempted": tpa,
        "free_throws_made": ftm, "free_throws_attempted": fta, "offensive_rebounds": oreb,
        "defensive_rebounds": dreb, "total_rebounds": oreb + dreb, "assists": ast,
        "steals": stl, "blocks": blk, "turnovers": tov, "personal_fouls": pf, "plus_minus": pm,
    }  # fmt: skip


def bdl_line(pts, fgm, fga, tpm, tpa, ftm, fta, oreb=0, dreb=0, ast=0):
    values = line(pts, fgm, fga, tpm, tpa, ftm, fta, oreb, dreb, ast)
    values["rebounds"] = values.pop("total_rebounds")
    values.pop("plus_minus")
    return values


@pytest.fixture
def day_loaded(warehouse):
    insert(warehouse, "nbac_schedule", [
        schedule(G1), schedule(G2), schedule(G3, status="Postponed"), schedule(G4),
    ])  # fmt: skip
    older = TS - dt.timedelta(days=1)
    insert(warehouse, "nbac_gamebook_player_stats", [
        gamebook(G1, "BKN", "Kevin Durant", "kevindurant", minutes="34:12",
                 **line(32, 11, 20, 2, 5, 8, 9, oreb=1, dreb=10, ast=5, stl=1, blk=2, tov=3, pf=2, pm=-7)),
        # an older delivery of the same player with a stale line: ignored
        gamebook(G1, "BKN", "Kevin Durant", "kevindurant", minutes="34:12", processed_at=older,
                 **line(30, 10, 20, 2, 5, 8, 9)),
        # no lookup delivered: derived from the name
        gamebook(G1, "BKN", "James Harden", None, minutes="05:07", **line(2, 0, 0, 0, 0, 2, 2)),
        gamebook(G1, "BKN", "Blake Griffin", "blakegriffin", player_status="dnp",
                 dnp_reason="DNP - Coach's Decision", minutes=None, **NULL_STATS),
        gamebook(G1, "BKN", "Paul Millsap", "paulmillsap", player_status="inactive",
                 dnp_reason="Inactive - Injury/Illness", minutes="-", **NULL_STATS),
        gamebook(G1, "MIL", "Giannis Antetokounmpo", "giannisantetokounmpo", minutes="3O:12",
                 **line(0, 0, 0, 0, 0, 0, 0)),
        gamebook(G1, "MIL", "Jrue Holiday", "jrueholiday", minutes="12:7", **line(4, 2, 5, 0, 1, 0, 0)),
        gamebook(G1, "MIL", "Khris Middleton", "khrismiddleton", minutes="41:75", **line(4, 2, 5, 0, 1, 0, 0)),
        gamebook(G1, "MIL", "Bobby Portis", "bobbyportis", minutes="", **line(4, 2, 5, 0, 1, 0, 0)),
        gamebook(G1, "MIL", "Pat Connaughton", "patconnaughton", minutes="12:30:00", **line(4, 2, 5, 0, 1, 0, 0)),
        gamebook(G1, "MIL", "Brook Lopez", "brooklopez", minutes="0:30", **line(0, 0, 1, 0, 0, 0, 0)),
        # impossible values: a negative count, more makes than attempts
        gamebook(G1, "MIL", "Grayson Allen", "graysonallen", minutes="20:00",
                 **{**line(7, 5, 3, 1, 2, 0, 0), "steals": -1}),
        # a play-by-play style id prefix on the lookup
        gamebook(G1, "MIL", "Thanasis Antetokounmpo", "1630552thanasisantetokounmpo",
                 minutes="02:00", **line(0, 0, 1, 0, 0, 0, 0)),
        gamebook(G3, "PHI", "Joel Embiid", "joelembiid", minutes="30:00", **line(20, 8, 16, 0, 1, 4, 5)),
        gamebook(G4, "BOS", "Jayson Tatum", "jaysontatum", minutes="38:00", **line(30, 11, 22, 4, 9, 4, 4)),
    ])  # fmt: skip
    insert(warehouse, "bdl_player_boxscores", [
        # G1 has gamebook rows: all of balldontlie's rows for it are ignored
        bdl(G1, "BKN", "Kevin Durant", "kevindurant", minutes="34", **bdl_line(99, 30, 40, 0, 0, 0, 0)),
        bdl(G1, "BKN", "Ghost Player", "ghostplayer", minutes="10", **bdl_line(2, 1, 2, 0, 0, 0, 0)),
        bdl(G2, "GSW", "Stephen Curry", "stephencurry", minutes="34",
            **bdl_line(30, 10, 21, 5, 14, 5, 5, oreb=1, dreb=4, ast=7)),
        bdl(G2, "LAL", "LeBron James", "lebronjames", minutes="36:30",
            **bdl_line(34, 13, 25, 2, 6, 6, 8, oreb=2, dreb=8, ast=9)),
        bdl(G2, "LAL", "LeBron James", "lebronjames", minutes="36:30", processed_at=older,
            **bdl_line(10, 4, 25, 2, 6, 0, 8)),
    ])  # fmt: skip
    result = pass1.load_day(warehouse, DAY)
    return warehouse, result


def test_one_row_per_player_of_final_games_only(day_loaded):
    warehouse, result = day_loaded
    rows = summary_rows(warehouse)
    assert sorted(rows) == sorted(
        [(G1, p) for p in [
            "kevindurant", "jamesharden", "blakegriffin", "paulmillsap",
            "giannisantetokounmpo", "jrueholiday", "khrismiddleton", "bobbyportis",
            "patconnaughton", "brooklopez", "graysonallen", "thanasisantetokounmpo",
        ]]
        + [(G2, "stephencurry"), (G2, "lebronjames")]
    )  # fmt: skip
    assert result["rows"] == 14
    assert all(r["game_date"] == DAY for r in rows.values())


def test_gamebook_line_latest_delivery_and_derived_columns(day_loaded):
    warehouse, _ = day_loaded
    kd = summary_rows(warehouse)[(G1, "kevindurant")]
    assert kd["player_full_name"] == "Kevin Durant"
    assert (kd["team_abbr"], kd["opponent_team_abbr"], kd["home_game"]) == ("BKN", "MIL", False)
    assert (kd["is_active"], kd["player_status"]) == (True, "active")
    assert kd["minutes_played"] == 34.2
    assert (kd["points"], kd["fg_makes"], kd["fg_attempts"]) == (32, 11, 20)
    assert (kd["three_pt_makes"], kd["three_pt_attempts"], kd["ft_makes"], kd["ft_attempts"]) == (
        2,
        5,
        8,
        9,
    )
    assert (kd["offensive_rebounds"], kd["defensive_rebounds"], kd["total_rebounds"]) == (1, 10, 11)
    assert (kd["assists"], kd["steals"], kd["blocks"], kd["turnovers"], kd["personal_fouls"]) == (
        5,
        1,
        2,
        3,
        2,
    )
    assert kd["plus_minus"] == -7
    # ts = 32 / (2 * (20 + 0.44 * 9)) = 32 / 47.92; efg = (11 + 0.5 * 2) / 20
    assert kd["ts_pct"] == pytest.approx(0.6677796327)
    assert kd["efg_pct"] == pytest.approx(0.6)
    assert kd["primary_source_used"] == "nbac_gamebook"
    giannis = summary_rows(warehouse)[(G1, "giannisantetokounmpo")]
    assert (giannis["team_abbr"], giannis["opponent_team_abbr"], giannis["home_game"]) == (
        "MIL",
        "BKN",
        True,
    )


def test_minutes_parsing(day_loaded):
    warehouse, _ = day_loaded
    rows = summary_rows(warehouse)
    minutes = {k[1]: r["minutes_played"] for k, r in rows.items()}
    assert minutes == {
        "kevindurant": 34.2,  # "34:12"
        "jamesharden": 5.12,  # "05:07" = 5.1166.. -> 5.12
        "blakegriffin": None,  # DNP, NULL
        "paulmillsap": None,  # inactive, "-"
        "giannisantetokounmpo": None,  # "3O:12" (letter O)
        "jrueholiday": None,  # "12:7" (one-digit seconds)
        "khrismiddleton": None,  # "41:75" (seconds >= 60)
        "bobbyportis": None,  # ""
        "patconnaughton": None,  # "12:30:00" (a third field)
        "brooklopez": 0.5,  # "0:30"
        "graysonallen": 20.0,  # "20:00"
        "thanasisantetokounmpo": 2.0,  # "02:00"
        "stephencurry": 34.0,  # balldontlie "34"
        "lebronjames": 36.5,  # balldontlie "36:30"
    }
    # a malformed minutes string voids only the minutes: the player stays active
    jrue = rows[(G1, "jrueholiday")]
    assert (jrue["is_active"], jrue["points"], jrue["fg_attempts"]) == (True, 4, 5)


def test_players_who_did_not_play(day_loaded):
    warehouse, _ = day_loaded
    rows = summary_rows(warehouse)
    for lookup, status in [("blakegriffin", "dnp"), ("paulmillsap", "inactive")]:
        row = rows[(G1, lookup)]
        assert (row["is_active"], row["player_status"], row["minutes_played"]) == (
            False,
            status,
            None,
        )
        assert row["points"] is None and row["ts_pct"] is None and row["efg_pct"] is None
        assert row["team_abbr"] == "BKN" and row["primary_source_used"] == "nbac_gamebook"


def test_zero_denominators(day_loaded):
    warehouse, _ = day_loaded
    rows = summary_rows(warehouse)
    harden = rows[(G1, "jamesharden")]  # 0 FGA, 2 FTA, 2 points
    assert harden["ts_pct"] == pytest.approx(2 / 1.76)
    assert harden["efg_pct"] is None
    giannis = rows[(G1, "giannisantetokounmpo")]  # 0 FGA, 0 FTA
    assert giannis["ts_pct"] is None and giannis["efg_pct"] is None


def test_impossible_values_become_null(day_loaded):
    warehouse, _ = day_loaded
    allen = summary_rows(warehouse)[(G1, "graysonallen")]
    assert allen["steals"] is None  # -1
    assert (allen["fg_makes"], allen["fg_attempts"]) == (None, None)  # 5 made of 3
    assert (allen["three_pt_makes"], allen["three_pt_attempts"]) == (1, 2)
    assert allen["ts_pct"] is None and allen["efg_pct"] is None
    assert allen["points"] == 7


def test_lookups_are_normalised(day_loaded):
    warehouse, _ = day_loaded
    rows = summary_rows(warehouse)
    assert rows[(G1, "jamesharden")]["player_full_name"] == "James Harden"
    assert rows[(G1, "thanasisantetokounmpo")]["minutes_played"] == 2.0


def test_game_only_in_balldontlie(day_loaded):
    warehouse, _ = day_loaded
    rows = summary_rows(warehouse)
    curry = rows[(G2, "stephencurry")]
    assert curry["primary_source_used"] == "bdl_boxscores"
    assert (curry["team_abbr"], curry["opponent_team_abbr"], curry["home_game"]) == (
        "GSW",
        "LAL",
        False,
    )
    assert (curry["points"], curry["fg_makes"], curry["fg_attempts"]) == (30, 10, 21)
    assert (curry["offensive_rebounds"], curry["defensive_rebounds"], curry["total_rebounds"]) == (
        1,
        4,
        5,
    )
    assert curry["assists"] == 7 and curry["plus_minus"] is None
    assert (curry["is_active"], curry["player_status"]) == (True, "active")
    lebron = rows[(G2, "lebronjames")]  # the latest of two deliveries
    assert (lebron["points"], lebron["fg_makes"], lebron["ft_makes"]) == (34, 13, 6)
    # ts = 34 / (2 * (25 + 0.44 * 8)) = 34 / 57.04
    assert lebron["ts_pct"] == pytest.approx(34 / 57.04)


def test_rerun_is_identical_and_keeps_pass2_columns(day_loaded):
    warehouse, _ = day_loaded
    con = warehouse.connect()
    con.execute(
        "update nba_analytics.player_game_summary set paint_attempts = 7, "
        "shot_zones_processed_at = now() where player_lookup = 'kevindurant'"
    )
    con.close()
    before = summary_rows(warehouse)
    again = pass1.load_day(warehouse, DAY)
    assert again["rows"] == 14
    after = summary_rows(warehouse)
    assert after == before
    assert after[(G1, "kevindurant")]["paint_attempts"] == 7


def test_only_the_day_is_touched_and_dropped_players_go(day_loaded):
    warehouse, _ = day_loaded
    pass1.load_day(warehouse, "2021-10-20")
    assert (G4, "jaysontatum") in summary_rows(warehouse)
    con = warehouse.connect()
    con.execute("delete from nba_raw.bdl_player_boxscores where player_lookup = 'stephencurry'")
    con.close()
    pass1.load_day(warehouse, DAY)
    rows = summary_rows(warehouse)
    assert (G2, "stephencurry") not in rows
    assert (G2, "lebronjames") in rows
    assert (G4, "jaysontatum") in rows  # another day's rows are never touched


def test_unknown_team_is_kept_and_audited(warehouse):
    from nba_backfill.audits import audit_pass1
    from nba_backfill.config import settings
    from nba_backfill.days import DayRange

    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "nbac_gamebook_player_stats", [
        gamebook(G1, "BKN", "Kevin Durant", "kevindurant", **line(30, 10, 20, 2, 5, 8, 9)),
        gamebook(G1, "MIL", "Brook Lopez", "brooklopez", **line(4, 2, 5, 0, 1, 0, 0)),
        gamebook(G1, "XXX", "Mystery Man", "mysteryman", **line(4, 2, 5, 0, 1, 0, 0)),
    ])  # fmt: skip
    pass1.load_day(warehouse, DAY)
    mystery = summary_rows(warehouse)[(G1, "mysteryman")]
    assert (mystery["team_abbr"], mystery["opponent_team_abbr"], mystery["home_game"]) == (
        "XXX",
        None,
        None,
    )
    report = audit_pass1(warehouse, DayRange(DAY, DAY, "test"), settings())
    coverage, handled = report.checks[1], report.checks[4]
    assert coverage.passed  # both of the game's teams are there
    assert report.figures["nbac_gamebook_unknown_team_rows"] == 1
    assert handled.info and "1 nbac_gamebook rows for a team not in the game" in handled.summary


def test_null_or_unknown_status_is_decided_by_the_minutes(warehouse):
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "nbac_gamebook_player_stats", [
        gamebook(G1, "BKN", "Kevin Durant", "kevindurant", player_status=None, minutes="30:35",
                 **line(20, 8, 15, 1, 4, 3, 3)),
        gamebook(G1, "BKN", "James Harden", "jamesharden", player_status="played", minutes="12:00",
                 **line(4, 2, 5, 0, 1, 0, 0)),
        gamebook(G1, "BKN", "Blake Griffin", "blakegriffin", player_status="Bench", minutes=None,
                 **NULL_STATS),
        gamebook(G1, "MIL", "Brook Lopez", "brooklopez", player_status=None, minutes="0:00",
                 **line(0, 0, 0, 0, 0, 0, 0)),
        # a known status wins over its minutes, both ways
        gamebook(G1, "MIL", "Jrue Holiday", "jrueholiday", player_status="dnp", minutes="10:00",
                 **NULL_STATS),
        gamebook(G1, "MIL", "Bobby Portis", "bobbyportis", player_status=" Active ", minutes="22:30",
                 **line(9, 4, 8, 1, 2, 0, 0)),
    ])  # fmt: skip
    pass1.load_day(warehouse, DAY)
    rows = summary_rows(warehouse)
    got = {k[1]: (r["is_active"], r["player_status"], r["minutes_played"]) for k, r in rows.items()}
    assert got == {
        "kevindurant": (True, "active", 30.58),  # 30:35 = 30.583.. -> 30.58
        "jamesharden": (True, "active", 12.0),
        "blakegriffin": (False, None, None),  # unknown and no minutes: did not play
        "brooklopez": (False, None, None),  # 0:00 is not playing
        "jrueholiday": (False, "dnp", None),
        "bobbyportis": (True, "active", 22.5),
    }

    from nba_backfill.audits import audit_pass1
    from nba_backfill.config import settings
    from nba_backfill.days import DayRange

    figures = audit_pass1(warehouse, DayRange(DAY, DAY, "test"), settings()).figures
    assert figures["nbac_gamebook_unknown_status_rows"] == 4


def players(game_id, team, minutes, prefix, count=5):
    return [
        gamebook(game_id, team, f"{prefix} {'abcde'[i]}", f"{prefix}{'abcde'[i]}", minutes=minutes,
                 **line(2, 1, 2, 0, 0, 0, 0))
        for i in range(count)
    ]  # fmt: skip


def test_minutes_above_the_games_length_are_void(warehouse):
    """A game lasts 48 minutes plus 5 per overtime: read from the teams' minute totals."""
    overtime = "20211019_GSW_LAL"
    insert(warehouse, "nbac_schedule", [schedule(G1), schedule(overtime)])
    insert(warehouse, "nbac_gamebook_player_stats", [
        # regulation: the five players of each team on the floor for 48:00 (240 minutes);
        # a sixth BKN row says 999:00 (left out of the total: above 98 minutes)
        *players(G1, "BKN", "48:00", "brooklyn"), *players(G1, "MIL", "48:00", "milwaukee", 4),
        gamebook(G1, "MIL", "Iron Man", "ironman", minutes="48:01", **line(0, 0, 0, 0, 0, 0, 0)),
        gamebook(G1, "BKN", "Typo Man", "typoman", minutes="999:00", **line(0, 0, 0, 0, 0, 0, 0)),
        # one overtime: 5 x 53:00 = 265 minutes for GSW; most LAL rows are missing (its total
        # is short), so the longer of the two totals tells the game's length
        *players(overtime, "GSW", "53:00", "golden"),
        gamebook(overtime, "LAL", "Long Man", "longman", minutes="53:00", **line(0, 0, 0, 0, 0, 0, 0)),
        gamebook(overtime, "LAL", "Longer Man", "longerman", minutes="53:01", **line(0, 0, 0, 0, 0, 0, 0)),
    ])  # fmt: skip
    pass1.load_day(warehouse, DAY)
    rows = summary_rows(warehouse)
    assert rows[(G1, "brooklyna")]["minutes_played"] == 48.0
    assert rows[(G1, "ironman")]["minutes_played"] is None  # 48:01 in a 48-minute game
    assert rows[(G1, "typoman")]["minutes_played"] is None  # 999:00
    assert rows[(G1, "typoman")]["is_active"] is True  # only the minutes are void
    assert rows[(overtime, "golden" + "a")]["minutes_played"] == 53.0
    assert rows[(overtime, "longman")]["minutes_played"] == 53.0
    assert rows[(overtime, "longerman")]["minutes_played"] is None  # 53:01 in 53 minutes

    from nba_backfill.audits import audit_pass1
    from nba_backfill.config import settings
    from nba_backfill.days import DayRange

    figures = audit_pass1(warehouse, DayRange(DAY, DAY, "test"), settings()).figures
    assert figures["nbac_gamebook_minutes_over_game_length"] == 3


def test_a_malformed_final_schedule_row_rejects_the_day_and_writes_nothing(warehouse):
    from nba_backfill.warehouse import DataRejected

    bad = {**schedule(G1), "away_team_abbr": "BOS"}  # the game_id says BKN
    insert(warehouse, "nbac_schedule", [bad, schedule(G2)])
    insert(
        warehouse,
        "nbac_gamebook_player_stats",
        [gamebook(G2, "GSW", "Stephen Curry", "stephencurry")],
    )
    with pytest.raises(DataRejected) as error:
        pass1.load_day(warehouse, DAY)
    assert "REJECTED nbac_schedule row for 2021-10-19: game_id 20211019_BKN_MIL is not" in str(
        error.value
    )
    assert summary_rows(warehouse) == {}
    # the same row Postponed is no game to load: the day loads
    with warehouse.connect() as con:
        con.execute(
            "update nba_raw.nbac_schedule set game_status = 'Postponed' where away_team_abbr = 'BOS'"
        )
    pass1.load_day(warehouse, DAY)
    assert set(summary_rows(warehouse)) == {(G2, "stephencurry")}


def test_schedule_status_and_teams_are_compared_normalised(warehouse):
    insert(warehouse, "nbac_schedule", [
        {**schedule(G1), "game_status": " final ", "home_team_abbr": " mil", "away_team_abbr": "bkn "},
    ])  # fmt: skip
    insert(
        warehouse, "nbac_gamebook_player_stats", [gamebook(G1, "MIL", "Brook Lopez", "brooklopez")]
    )
    pass1.load_day(warehouse, DAY)
    lopez = summary_rows(warehouse)[(G1, "brooklopez")]
    assert (lopez["opponent_team_abbr"], lopez["home_game"]) == ("BKN", True)


# ---- a game whose primary source vanished after it was loaded from it ------------------------


def delete_gamebook(warehouse, game_id):
    with warehouse.connect() as con:
        con.execute(
            "delete from nba_raw.nbac_gamebook_player_stats where game_date = ? and game_id = ?",
            [DAY, game_id],
        )


def sources(warehouse) -> dict:
    return {
        key: (row["primary_source_used"], row["points"])
        for key, row in summary_rows(warehouse).items()
    }


@pytest.fixture
def two_games_loaded(warehouse):
    """G1 from the gamebook and G2 from balldontlie (it has no gamebook), both Final."""
    insert(warehouse, "nbac_schedule", [schedule(G1), schedule(G2)])
    insert(warehouse, "nbac_gamebook_player_stats", [
        gamebook(G1, "BKN", "Kevin Durant", "kevindurant", **line(30, 10, 20, 2, 5, 8, 9)),
    ])  # fmt: skip
    insert(warehouse, "bdl_player_boxscores", [
        bdl(G1, "BKN", "Kevin Durant", "kevindurant", **bdl_line(12, 5, 9, 0, 1, 2, 2)),
        bdl(G1, "BKN", "Kyrie Irving", "kyrieirving", **bdl_line(8, 4, 9, 0, 1, 0, 0)),
        bdl(G2, "GSW", "Stephen Curry", "stephencurry", **bdl_line(25, 9, 20, 5, 11, 2, 2)),
    ])  # fmt: skip
    pass1.load_day(warehouse, DAY)
    assert sources(warehouse) == {
        (G1, "kevindurant"): ("nbac_gamebook", 30),
        (G2, "stephencurry"): ("bdl_boxscores", 25),
    }
    return warehouse


def test_a_game_whose_gamebook_vanished_is_kept_not_switched_to_balldontlie(two_games_loaded):
    before = summary_rows(two_games_loaded)
    stamped = processed_at(two_games_loaded, G1, "kevindurant")
    delete_gamebook(two_games_loaded, G1)
    pass1.load_day(two_games_loaded, DAY)
    # G1's row kept as it was, not even re-stamped
    assert summary_rows(two_games_loaded) == before
    assert processed_at(two_games_loaded, G1, "kevindurant") == stamped
    (status,) = staleness.day_statuses(two_games_loaded, DayRange(DAY, DAY, "t"))
    assert status.pass1 == "stale"
    assert "1 game(s) loaded from the gamebook, which has no row of them now" in status.describe(
        "pass1"
    )
    report = audit_pass1(two_games_loaded, DayRange(DAY, DAY, "t"), settings())
    (failed,) = [
        c for c in report.checks if c.name == "games keep the source they were loaded from"
    ]
    assert not failed.passed and not report.passed
    assert failed.details[0].startswith(
        f"{DAY} {G1}: 1 row(s) loaded from nbac_gamebook, which has none of it now "
        "(balldontlie has 2)"
    )
    assert f"accept-fallback --game-id {G1}" in failed.details[0]


def test_the_other_games_of_the_day_load_as_always(two_games_loaded):
    delete_gamebook(two_games_loaded, G1)
    insert(two_games_loaded, "bdl_player_boxscores", [  # a corrected balldontlie G2
        bdl(G2, "GSW", "Stephen Curry", "stephencurry", processed_at=dt.datetime.now(dt.UTC),
            **bdl_line(27, 10, 20, 5, 11, 2, 2)),
    ])  # fmt: skip
    pass1.load_day(two_games_loaded, DAY)
    assert sources(two_games_loaded) == {
        (G1, "kevindurant"): ("nbac_gamebook", 30),  # (balldontlie's G1 players not added)
        (G2, "stephencurry"): ("bdl_boxscores", 27),
    }


def test_the_gamebook_back_loads_the_game_again(two_games_loaded):
    delete_gamebook(two_games_loaded, G1)
    pass1.load_day(two_games_loaded, DAY)
    insert(two_games_loaded, "nbac_gamebook_player_stats", [
        gamebook(G1, "BKN", "Kevin Durant", "kevindurant", processed_at=dt.datetime.now(dt.UTC),
                 **line(31, 10, 20, 2, 5, 9, 9)),
    ])  # fmt: skip
    pass1.load_day(two_games_loaded, DAY)
    assert sources(two_games_loaded)[(G1, "kevindurant")] == ("nbac_gamebook", 31)
    report = audit_pass1(two_games_loaded, DayRange(DAY, DAY, "t"), settings())
    (check,) = [c for c in report.checks if c.name == "games keep the source they were loaded from"]
    assert check.passed and check.summary == "no game lost its gamebook rows"


def test_a_game_no_longer_final_is_not_held(two_games_loaded):
    delete_gamebook(two_games_loaded, G1)
    with two_games_loaded.connect() as con:
        con.execute(
            "update nba_raw.nbac_schedule set game_status = 'Postponed' where game_id = ?", [G1]
        )
    pass1.load_day(two_games_loaded, DAY)
    assert sources(two_games_loaded) == {(G2, "stephencurry"): ("bdl_boxscores", 25)}


def test_accepting_the_fallback_loads_the_game_from_balldontlie(two_games_loaded):
    delete_gamebook(two_games_loaded, G1)
    pass1.load_day(two_games_loaded, DAY)
    two_games_loaded.run("pass1/accept_fallback", {"dates": [DAY], "game_ids": [G1]})
    pass1.load_day(two_games_loaded, DAY)
    assert sources(two_games_loaded) == {
        (G1, "kevindurant"): ("bdl_boxscores", 12),
        (G1, "kyrieirving"): ("bdl_boxscores", 8),
        (G2, "stephencurry"): ("bdl_boxscores", 25),
    }
