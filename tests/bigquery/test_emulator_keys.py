"""The same player keys, and the same resolution of play-by-play players to rosters, on
BigQuery (the emulator) as on DuckDB: BigQuery runs NORMALIZE(x, NFKD), DuckDB the
connection's nba_nfkd (pyarrow's NFKD), from the same SQL files."""

from __future__ import annotations

import datetime as dt

from nba_backfill import pass1, pass2
from nba_backfill.days import DayRange
from nba_backfill.warehouse import duckdb_warehouse

from helpers import HARD_NAMES, gamebook, insert, schedule, shot, summary_rows, zones

DAY = dt.date(2021, 10, 19)
G1 = "20211019_BKN_MIL"


def build(warehouse) -> dict:
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "nbac_gamebook_player_stats", [
        gamebook(G1, "BKN", name, lookup) for name, lookup, _ in HARD_NAMES
    ] + [gamebook(G1, "MIL", "Reggie Bullock Jr.", "reggiebullockjr")])  # fmt: skip
    insert(warehouse, "bigdataball_play_by_play", [
        shot(G1, 1, "nikolajokic", True, 3.0, player_1_name="Nikola Jokic", player_1_team_abbr="BKN"),
        shot(G1, 2, "1629008reggiebullock", True, 25.0, shot_type="3PT", player_1_team_abbr="MIL"),
        shot(G1, 3, "jimmybutler", False, 12.0, player_1_name="Jimmy Butler", player_1_team_abbr="BKN"),
        shot(G1, 4, "omerasik", True, 3.0, player_1_name="Omer Asik", player_1_team_abbr="BKN"),
        shot(G1, 5, "jorgensen", False, 25.0, shot_type="3PT", player_1_name="Kristian Jorgensen",
             player_1_team_abbr="BKN"),
    ])  # fmt: skip
    pass1.load_day(warehouse, DAY)
    pass2.merge_window(warehouse, DayRange(DAY, DAY, "test"))
    return {key: zones(row) for key, row in summary_rows(warehouse).items()}


def test_keys_and_resolution_are_the_same_on_bigquery(bq_warehouse, tmp_path):
    duck = duckdb_warehouse(tmp_path / "duck.duckdb")
    duck.apply_schema()
    on_duckdb, on_bigquery = build(duck), build(bq_warehouse)
    assert on_bigquery == on_duckdb
    assert {k[1] for k in on_bigquery} == {key for _, _, key in HARD_NAMES if key} | {
        "reggiebullockjr"
    }
    assert on_bigquery[(G1, "nikolajokic")]["paint_makes"] == 1  # Jokic -> Jokić
    assert on_bigquery[(G1, "reggiebullockjr")]["three_makes_pbp"] == 1  # prefix, suffix
    assert on_bigquery[(G1, "jimmybutleriii")]["mid_range_attempts"] == 1  # Butler -> Butler III
    assert on_bigquery[(G1, "omerasik")]["paint_makes"] == 1  # Omer Asik -> Ömer Aşık (ı)
    assert on_bigquery[(G1, "kristianjorgensen")]["three_attempts_pbp"] == 1  # ø


def test_aliases_and_the_guards_suggestion_are_the_same_on_bigquery(bq_warehouse, tmp_path):
    """tests/sql/test_player_aliases.py's nickname game on both engines: an alias of the
    play-by-play resolves one nickname, the guard suggests the alias of another."""
    from nba_backfill.audits import audit_pass2
    from nba_backfill.config import settings

    from helpers import alias

    def guard(warehouse) -> tuple[dict, list[str]]:
        insert(warehouse, "nbac_schedule", [schedule(G1)])
        insert(warehouse, "nbac_gamebook_player_stats", [
            gamebook(G1, "BKN", "Maurice Harkless", "mauriceharkless",
                     field_goals_made=0, field_goals_attempted=2),
            gamebook(G1, "BKN", "Nicolas Claxton", "nicolasclaxton",
                     field_goals_made=1, field_goals_attempted=1),
            gamebook(G1, "MIL", "Giannis Antetokounmpo", "giannisantetokounmpo",
                     field_goals_made=0, field_goals_attempted=1),
        ])  # fmt: skip
        insert(warehouse, "bigdataball_play_by_play", [
            shot(G1, 1, "moeharkless", False, 3.0, player_1_name="Moe Harkless", player_1_team_abbr="BKN"),
            shot(G1, 2, "nicclaxton", True, 3.0, player_1_name="Nic Claxton", player_1_team_abbr="BKN"),
            shot(G1, 3, "giannisantetokounmpo", False, 3.0, player_1_name="Giannis Antetokounmpo",
                 player_1_team_abbr="MIL"),
        ])  # fmt: skip
        insert(
            warehouse, "player_aliases", [alias("play_by_play", "Nic Claxton", "nicolasclaxton")]
        )
        pass1.load_day(warehouse, DAY)
        pass2.merge_window(warehouse, DayRange(DAY, DAY, "test"))
        report = audit_pass2(warehouse, DayRange(DAY, DAY, "test"), settings())
        (check,) = [c for c in report.checks if c.name.startswith("play-by-play shots credited")]
        return {k: zones(r) for k, r in summary_rows(warehouse).items()}, check.details

    duck = duckdb_warehouse(tmp_path / "duck.duckdb")
    duck.apply_schema()
    on_duckdb, on_bigquery = guard(duck), guard(bq_warehouse)
    assert on_bigquery == on_duckdb
    assert on_bigquery[0][(G1, "nicolasclaxton")]["paint_makes"] == 1  # the alias applied
    assert on_bigquery[1][0].endswith(
        "add to player_aliases.csv: play_by_play,Moe Harkless,BKN,2021,2021,mauriceharkless"
    )
