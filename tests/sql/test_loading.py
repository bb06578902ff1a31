"""`python -m nba_backfill.cli load DIR` on the real DuckDB warehouse: every file checked
before anything is written, each table's game dates replaced by one statement, the same
files loaded twice give the same tables, and errors name the file, the column and the fix."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import os
import shutil
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nba_backfill.loading import LoadError, load_directory

from conftest import FIXTURES, ROOT

TABLES = ("nbac_schedule", "nbac_gamebook_player_stats", "bigdataball_play_by_play")


def raw_rows(warehouse) -> dict[str, list[tuple]]:
    with warehouse.connect() as con:
        return {
            t: con.execute(f"select * from nba_raw.{t} order by all").fetchall()  # noqa: S608
            for t in TABLES + ("bdl_player_boxscores",)
        }


def copy_fixtures(into):
    into = into / "files"
    into.mkdir()
    for table in TABLES:
        shutil.copy(FIXTURES / f"{table}.csv", into / f"{table}.csv")
    return into


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def write(path, rows, columns=None):
    columns = columns or list(rows[0])
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def test_loading_the_same_files_twice_gives_the_same_tables(warehouse, tmp_path):
    folder = copy_fixtures(tmp_path)
    (folder / "README.md").write_text("not a table")
    lines = []
    loads = load_directory(warehouse, folder, out=lines.append)
    first = raw_rows(warehouse)
    assert {x.table: x.rows for x in loads} == {
        "bigdataball_play_by_play": 979, "nbac_gamebook_player_stats": 38, "nbac_schedule": 2,
    }  # fmt: skip
    assert {len(v) for k, v in first.items() if k != "bdl_player_boxscores"} == {979, 38, 2}
    assert lines[0] == "  skipped README.md: not named after a table"
    assert lines[1].split() == [
        "nba_raw.bigdataball_play_by_play", "979", "rows", "from", "bigdataball_play_by_play.csv,",
        "game", "dates", "2016-11-30", "..", "2019-11-08", "(2):", "0", "game(s)", "replaced,",
        "2", "added",
    ]  # fmt: skip
    again = []
    load_directory(warehouse, folder, out=again.append)
    assert raw_rows(warehouse) == first  # replaced, not appended
    assert again[1].endswith("(2): 2 game(s) replaced, 0 added")


def test_a_shorter_delivery_of_a_game_replaces_that_game(warehouse, tmp_path):
    load_directory(warehouse, copy_fixtures(tmp_path), out=lambda _: None)
    again = tmp_path / "again"  # (copy_fixtures wrote tmp_path / "files")
    again.mkdir()
    rows = [
        r
        for r in read(FIXTURES / "nbac_gamebook_player_stats.csv")
        if r["game_date"] == "2016-11-30"
    ]
    write(again / "nbac_gamebook_player_stats.csv", rows[:3])  # a corrected, shorter delivery
    load_directory(warehouse, again, out=lambda _: None)
    with warehouse.connect() as con:
        counts = dict(con.execute(
            "select game_date, count(*) from nba_raw.nbac_gamebook_player_stats group by 1"
        ).fetchall())  # fmt: skip
    assert counts == {dt.date(2016, 11, 30): 3, dt.date(2019, 11, 8): 38 - len(rows)}


def test_gzipped_csv_and_parquet_load_the_same_rows(warehouse, tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    load_directory(warehouse, copy_fixtures(plain), out=lambda _: None)
    expected = raw_rows(warehouse)
    packed = tmp_path / "packed"
    packed.mkdir()
    with (
        open(FIXTURES / "nbac_schedule.csv", "rb") as src,
        gzip.open(packed / "nbac_schedule.csv.gz", "wb") as dst,
    ):
        dst.write(src.read())
    shutil.copy(
        FIXTURES / "nbac_gamebook_player_stats.csv", packed / "nbac_gamebook_player_stats.csv"
    )
    # Parquet with its own types, as pandas or Spark write it: integers with gaps as
    # doubles, timestamps as timestamps, booleans as booleans
    pbp = read(FIXTURES / "bigdataball_play_by_play.csv")
    columns = {k: [r[k] or None for r in pbp] for k in pbp[0]}
    columns["period"] = [float(x) if x else None for x in columns["period"]]
    columns["shot_made"] = [
        None if x is None else x.lower() == "true" for x in columns["shot_made"]
    ]
    columns["shot_distance"] = [float(x) if x else None for x in columns["shot_distance"]]
    columns["processed_at"] = [dt.datetime(2024, 1, 1, tzinfo=dt.UTC) for _ in pbp]
    pq.write_table(pa.table(columns), packed / "bigdataball_play_by_play.parquet")
    load_directory(warehouse, packed, out=lambda _: None)
    assert raw_rows(warehouse) == expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: {**r, "points": "12.5"} if r["player_lookup"] == "russellwestbrook" else r,
         "column points (INT64): 1 value(s) that are not whole numbers, the first '12.5'"),
        (lambda r: {**r, "game_date": "11/30/2016"},
         "column game_date (DATE): 38 value(s) that are not dates YYYY-MM-DD, the first '11/30/2016'"),
        (lambda r: {**r, "minutes": r["minutes"], "processed_at": "yesterday"},
         "column processed_at (TIMESTAMP): 38 value(s) that are not timestamps"),
        (lambda r: {**r, "game_id": ""} if r["player_lookup"] == "russellwestbrook" else r,
         "column game_id: 1 empty value(s), but every row needs one"),
    ],
    ids=["a decimal count", "a US date", "a word for a timestamp", "a row without game_id"],
)  # fmt: skip
def test_a_value_of_the_wrong_type_fails_before_any_write_naming_the_column(
    warehouse, tmp_path, change, message
):
    folder = copy_fixtures(tmp_path)
    rows = [change(r) for r in read(folder / "nbac_gamebook_player_stats.csv")]
    write(folder / "nbac_gamebook_player_stats.csv", rows)
    before = raw_rows(warehouse)
    with pytest.raises(LoadError) as error:
        load_directory(warehouse, folder, out=lambda _: None)
    text = str(error.value)
    assert "nbac_gamebook_player_stats.csv does not fit nba_raw.nbac_gamebook_player_stats" in text
    assert message in text and "fix the file" in text
    assert raw_rows(warehouse) == before  # not even the other, good files were written
    with warehouse.connect() as con:  # and no staging table is left behind
        assert (
            con.execute(
                "select count(*) from information_schema.tables where table_name like '_load_%'"
            ).fetchone()[0]
            == 0
        )


def test_unknown_and_missing_columns_are_named(warehouse, tmp_path):
    folder = copy_fixtures(tmp_path)
    rows = read(folder / "nbac_schedule.csv")
    write(folder / "nbac_schedule.csv", [{**r, "Arena": "x", "Game_Status": r["game_status"]} for r in rows],
          [c for c in rows[0] if c != "game_status"] + ["Arena", "Game_Status"])  # fmt: skip
    with pytest.raises(LoadError) as error:
        load_directory(warehouse, folder, out=lambda _: None)
    assert (
        "column(s) 'Arena', 'Game_Status' (did you mean 'game_status'?) are not columns of nba_raw.nbac_schedule"
        in str(error.value)
    )
    write(folder / "nbac_schedule.csv", rows, [c for c in rows[0] if c != "game_status"])
    with pytest.raises(
        LoadError, match="required column\\(s\\) game_status of nba_raw.nbac_schedule missing"
    ):
        load_directory(warehouse, folder, out=lambda _: None)


def test_a_folder_without_raw_files_and_two_files_for_a_table(warehouse, tmp_path):
    with pytest.raises(LoadError, match="no table file in"):
        load_directory(warehouse, tmp_path, out=lambda _: None)
    folder = copy_fixtures(tmp_path)
    shutil.copy(folder / "nbac_schedule.csv", folder / "nbac_schedule.csv.gz")
    with pytest.raises(LoadError, match="two files for nba_raw.nbac_schedule"):
        load_directory(warehouse, folder, out=lambda _: None)


def test_the_command_line(warehouse, tmp_path):
    folder = copy_fixtures(tmp_path)
    command = [sys.executable, "-m", "nba_backfill.cli", "load", str(folder)]
    done = subprocess.run(
        command, capture_output=True, text=True, env=os.environ.copy(), cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "nba_raw.nbac_schedule" in done.stdout and "2 rows from nbac_schedule.csv" in done.stdout
    assert "replacing by game" in done.stdout
    assert "(2): 0 game(s) replaced, 2 added" in done.stdout
    assert "1,019 rows into 3 table(s)" in done.stdout
    (folder / "nbac_schedule.csv").write_text("game_id,game_date\nx,2021-13-01\n")
    failed = subprocess.run(
        command, capture_output=True, text=True, env=os.environ.copy(), cwd=ROOT, timeout=120
    )
    assert failed.returncode == 2
    assert "load failed:" in failed.stderr and "required column(s)" in failed.stderr
