"""`cli load` on BigQuery (the emulator): each file goes up with a load job into a staging
table, is checked by SQL, planned per game, and written with the other files in ONE
multi-statement transaction (per raw table a DELETE of the games it replaces and an
INSERT), on the production DDL (require_partition_filter included), like on DuckDB: the
same tables, a second load changing nothing, a one-game correction leaving the other games
of its date as they were, --replace-dates, the aliases file, a bad value stopping all.

Where the emulator stops: it reports no bytes and no child jobs for a script, so the
partition pruning of a load is proven on DuckDB's own figures only
(tests/sql/test_loading_by_game.py); on BigQuery the DELETE's filter on game_date is the
one its partition pruning takes."""

from __future__ import annotations

import csv
import datetime as dt
import shutil

import pytest

from nba_backfill.loading import LoadError, load_directory
from nba_backfill.warehouse import duckdb_warehouse

from conftest import FIXTURES

TABLES = ("nbac_schedule", "nbac_gamebook_player_stats", "bigdataball_play_by_play")


def rows_of(warehouse, table):
    dataset = "reference" if table == "player_aliases" else "raw"
    name = getattr(warehouse.identifiers, f"{dataset}_dataset")
    where = "" if table == "player_aliases" else " where game_date >= '2000-01-01'"
    columns = "* except (updated_at, retired_at)" if table == "player_aliases" else "*"
    if warehouse.backend == "duckdb":
        columns = columns.replace("except", "exclude")
        with warehouse.connect() as con:
            return sorted(
                map(tuple, con.execute(f"select {columns} from {name}.{table}{where}").fetchall())  # noqa: S608
            )
    client = warehouse.hook.get_client(project_id=warehouse.project)
    query = f"select {columns} from `{warehouse.project}`.{name}.{table}{where}"  # noqa: S608
    return sorted(tuple(r.values()) for r in client.query(query).result())


def write(path, rows):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_load_on_bigquery_gives_the_duckdb_tables_by_game(bq_warehouse, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    for table in TABLES:
        shutil.copy(FIXTURES / f"{table}.csv", folder / f"{table}.csv")
    write(folder / "player_aliases.csv", [
        {"source": "play_by_play", "alias": "Russ Westbrook", "team_abbr": "OKC",
         "first_season": "2016", "last_season": "2016", "player_lookup": "russellwestbrook"},
    ])  # fmt: skip
    duck = duckdb_warehouse(tmp_path / "duck.duckdb")
    duck.apply_schema()
    for warehouse in (duck, bq_warehouse):
        loads = load_directory(warehouse, folder, out=lambda _: None)
        assert {x.table: x.rows for x in loads} == {
            "bigdataball_play_by_play": 979, "nbac_gamebook_player_stats": 38,
            "nbac_schedule": 2, "player_aliases": 1,
        }  # fmt: skip
        assert {x.table: x.games_added for x in loads if x.table != "player_aliases"} == {
            "bigdataball_play_by_play": 2, "nbac_gamebook_player_stats": 2, "nbac_schedule": 2,
        }  # fmt: skip
    every = TABLES + ("player_aliases",)
    first = {t: rows_of(bq_warehouse, t) for t in every}
    assert first == {t: rows_of(duck, t) for t in every}
    assert len(first["player_aliases"]) == 1
    loads = load_directory(bq_warehouse, folder, out=lambda _: None)  # again: nothing changes
    assert {t: rows_of(bq_warehouse, t) for t in every} == first
    assert {x.table: x.games_replaced for x in loads if x.table != "player_aliases"} == {
        "bigdataball_play_by_play": 2, "nbac_gamebook_player_stats": 2, "nbac_schedule": 2,
    }  # fmt: skip

    # a correction of one game: that game's rows replaced, the other game untouched; both
    # engines alike
    fix = tmp_path / "fix"
    fix.mkdir()
    gamebook = [r for r in read(FIXTURES / "nbac_gamebook_player_stats.csv")
                if r["game_date"] == "2016-11-30"]  # fmt: skip
    write(fix / "nbac_gamebook_player_stats.csv", [{**gamebook[0], "points": "99"}])
    for warehouse in (duck, bq_warehouse):
        (load,) = load_directory(warehouse, fix, out=lambda _: None)
        assert (load.games_replaced, load.games_added, load.games_removed) == (1, 0, [])
    after = rows_of(bq_warehouse, "nbac_gamebook_player_stats")
    assert after == rows_of(duck, "nbac_gamebook_player_stats")
    assert len(after) == 38 - len(gamebook) + 1
    other_game = [r for r in first["nbac_gamebook_player_stats"] if r[1] != dt.date(2016, 11, 30)]
    assert [r for r in after if r[1] != dt.date(2016, 11, 30)] == other_game

    # a bad value stops every file: nothing written
    rows = read(folder / "nbac_gamebook_player_stats.csv")
    rows[5]["points"] = "twelve"
    write(folder / "nbac_gamebook_player_stats.csv", rows)
    with pytest.raises(
        LoadError,
        match="column points \\(INT64\\): 1 value\\(s\\) that are not whole numbers, the first 'twelve'",
    ):
        load_directory(bq_warehouse, folder, out=lambda _: None)
    assert rows_of(bq_warehouse, "nbac_gamebook_player_stats") == after


def test_replace_dates_on_bigquery(bq_warehouse, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    for table in TABLES:
        shutil.copy(FIXTURES / f"{table}.csv", folder / f"{table}.csv")
    load_directory(bq_warehouse, folder, out=lambda _: None)
    # a schedule file with another game on the first game's date
    other = tmp_path / "other"
    other.mkdir()
    write(other / "nbac_schedule.csv", [{
        "game_id": "20161130_BOS_CHA", "game_date": "2016-11-30", "season_year": "2016",
        "home_team_abbr": "CHA", "away_team_abbr": "BOS", "game_status": "Final",
        "is_playoffs": "false",
    }])  # fmt: skip
    (load,) = load_directory(bq_warehouse, other, out=lambda _: None, replace_dates=True)
    assert [g.split()[1] for g in load.games_removed] == ["20161130_WAS_OKC"]
    assert [r[0] for r in rows_of(bq_warehouse, "nbac_schedule")] == [
        "20161130_BOS_CHA", "20191108_LAK_FWN",
    ]  # fmt: skip
