"""Both passes through Airflow on two real games: the official box scores come out.

tests/fixtures/real-games holds two real games (NBA.com data, in the contract's layout):
the gamebook file IS the official box score, so every player's line in the output must
equal it, minutes must be the official "MM:SS" in decimal minutes, and the shot zones
computed from the real play-by-play must add up to the official FGA, 3PA, FGM and blocks.
"""

from __future__ import annotations

import csv

import pytest

from nba_backfill.loading import load_directory
from nba_backfill.local.runner import PASS1_DAG_ID, PASS2_DAG_ID, run_dag

from conftest import FIXTURES
from helpers import summary_rows

pytestmark = pytest.mark.e2e

BOX_COLUMNS = {
    "points": "points",
    "fg_makes": "field_goals_made",
    "fg_attempts": "field_goals_attempted",
    "three_pt_makes": "three_pointers_made",
    "three_pt_attempts": "three_pointers_attempted",
    "ft_makes": "free_throws_made",
    "ft_attempts": "free_throws_attempted",
    "offensive_rebounds": "offensive_rebounds",
    "defensive_rebounds": "defensive_rebounds",
    "total_rebounds": "total_rebounds",
    "assists": "assists",
    "steals": "steals",
    "blocks": "blocks",
    "turnovers": "turnovers",
    "personal_fouls": "personal_fouls",
    "plus_minus": "plus_minus",
}


@pytest.fixture
def real_games(warehouse, airflow_db, nba_env):
    # These fixtures list only the players who played: no DNP rows, so the NULL-minutes
    # band of full rosters does not apply to them.
    nba_env(NBA_NULL_MINUTES_MIN_SHARE="0")
    load_directory(warehouse, FIXTURES)  # what `python -m nba_backfill.cli load DIR` does
    for day in ("2016-11-30", "2019-11-08"):
        for dag_id in (PASS1_DAG_ID, PASS2_DAG_ID):
            outcome = run_dag(dag_id, {"start_date": day, "end_date": day})
            assert outcome.ok, outcome
    with open(FIXTURES / "nbac_gamebook_player_stats.csv") as f:
        official = list(csv.DictReader(f))
    return warehouse, official


def test_every_player_gets_the_official_box_score_line(real_games):
    warehouse, official = real_games
    rows = summary_rows(warehouse)
    assert len(official) == 38
    assert set(rows) == {(o["game_id"], o["player_lookup"]) for o in official}
    for o in official:
        row = rows[(o["game_id"], o["player_lookup"])]
        line = {ours: row[ours] for ours in BOX_COLUMNS}
        assert line == {ours: int(o[theirs]) for ours, theirs in BOX_COLUMNS.items()}, o[
            "player_name"
        ]
        assert row["team_abbr"] == o["team_abbr"]
        assert row["is_active"] is True
        assert row["primary_source_used"] == "nbac_gamebook"


def test_real_minutes_strings_are_parsed(real_games):
    warehouse, official = real_games
    rows = summary_rows(warehouse)
    # a few, converted by hand: MM + SS/60, rounded to 2 places
    assert rows[("20161130_WAS_OKC", "markieffmorris")]["minutes_played"] == 36.7  # 36:42
    assert rows[("20161130_WAS_OKC", "ottoporterjr")]["minutes_played"] == 39.33  # 39:20
    assert rows[("20161130_WAS_OKC", "johnwall")]["minutes_played"] == 43.68  # 43:41
    assert rows[("20161130_WAS_OKC", "marcusthornton")]["minutes_played"] == 17.13  # 17:08
    # and all of them: the official string, minutes and seconds
    for o in official:
        minutes, seconds = o["minutes"].split(":")
        expected = round(int(minutes) + int(seconds) / 60, 2)
        assert rows[(o["game_id"], o["player_lookup"])]["minutes_played"] == expected


def test_both_teams_and_home_flags(real_games):
    warehouse, _ = real_games
    rows = summary_rows(warehouse)
    wall = rows[("20161130_WAS_OKC", "johnwall")]
    assert (wall["opponent_team_abbr"], wall["home_game"]) == ("OKC", False)
    teams = {(g, r["team_abbr"]) for (g, _), r in rows.items()}
    assert teams == {
        ("20161130_WAS_OKC", "WAS"),
        ("20161130_WAS_OKC", "OKC"),
        ("20191108_LAK_FWN", "LAK"),
        ("20191108_LAK_FWN", "FWN"),
    }


def test_shot_zones_reproduce_the_official_box_score(real_games):
    warehouse, official = real_games
    rows = summary_rows(warehouse)
    for o in official:
        row = rows[(o["game_id"], o["player_lookup"])]
        name = o["player_name"]
        attempts = row["paint_attempts"] + row["mid_range_attempts"] + row["three_attempts_pbp"]
        makes = row["paint_makes"] + row["mid_range_makes"] + row["three_makes_pbp"]
        blocks = row["paint_blocks"] + row["mid_range_blocks"] + row["three_pt_blocks"]
        assert attempts == int(o["field_goals_attempted"]), name
        assert row["three_attempts_pbp"] == int(o["three_pointers_attempted"]), name
        assert row["three_makes_pbp"] == int(o["three_pointers_made"]), name
        assert makes == int(o["field_goals_made"]), name
        assert row["assisted_fg_makes"] + row["unassisted_fg_makes"] == int(
            o["field_goals_made"]
        ), name
        assert blocks == int(o["blocks"]), name
        # NBA.com data: every shot is a fallback event here
        assert row["pbp_fallback_events"] == row["pbp_shot_events"] == attempts, name


def test_a_few_real_players_by_hand(real_games):
    warehouse, _ = real_games
    rows = summary_rows(warehouse)
    # Bradley Beal, 2016-11-30: 10-21 FG, 4-10 3PT (official box score)
    beal = rows[("20161130_WAS_OKC", "bradleybeal")]
    assert (beal["three_attempts_pbp"], beal["three_makes_pbp"]) == (10, 4)
    assert beal["paint_attempts"] + beal["mid_range_attempts"] == 11
    # John Wall: 15 assists, 1 block
    wall = rows[("20161130_WAS_OKC", "johnwall")]
    assert wall["assists"] == 15
    assert wall["paint_blocks"] + wall["mid_range_blocks"] + wall["three_pt_blocks"] == 1
