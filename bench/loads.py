"""Bench L: loading files with `cli load` (nba_backfill.loading), on this machine's DuckDB.

  L1  one season's files (2022-23: schedule, gamebook, balldontlie, play-by-play as CSV)
      into empty tables;
  L2  the same files again, into the warehouse that holds them (every game replaced);
  L3  one day's files into a copy of the seed-range warehouse (944 days), with what each
      statement read of the raw tables in DuckDB's own figures (row groups scanned of the
      table's total).

Each a median of repeated runs; rows per second over all files.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

SEASON = (dt.date(2022, 10, 1), dt.date(2023, 6, 30))
RAW = ("nbac_schedule", "nbac_gamebook_player_stats", "bdl_player_boxscores",
       "bigdataball_play_by_play")  # fmt: skip


def _season_files(folder: Path, season: tuple[dt.date, dt.date]) -> int:
    import pyarrow.csv as pacsv

    from nba_backfill import demo

    folder.mkdir(parents=True, exist_ok=True)
    data = demo.generate(*season)
    for name in RAW:
        pacsv.write_csv(data.tables[name], folder / f"{name}.csv")
    return sum(data.tables[name].num_rows for name in RAW)


def _day_files(warehouse, day: dt.date, folder: Path) -> int:
    """The day's rows of every raw table of the warehouse, as CSV files."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = 0
    with warehouse.connect() as con:
        for name in RAW:
            path = folder / f"{name}.csv"
            con.execute(
                f"copy (select * from nba_raw.{name} where game_date = $day) to '{path}' "  # noqa: S608
                "(header true)",
                {"day": day},
            )
            rows += con.execute(
                f"select count(*) from nba_raw.{name} where game_date = $day",  # noqa: S608
                {"day": day},
            ).fetchone()[0]
    return rows


def measure_loads(seed_warehouse, work: Path, repeat: int, day: dt.date, season=SEASON) -> dict:
    from bench.measures import repeat as timed
    from nba_backfill.loading import load_directory
    from nba_backfill.warehouse import duckdb_warehouse

    season_dir = work / "load-season"
    rows = _season_files(season_dir, season)
    path = work / "load.duckdb"

    def empty():
        path.unlink(missing_ok=True)
        duckdb_warehouse(path).apply_schema()

    def load(folder, warehouse=None) -> None:
        load_directory(warehouse or duckdb_warehouse(path), folder, out=lambda _: None)

    first = timed("L1: one season's files into empty tables", repeat, lambda: load(season_dir),
                  before=empty)  # fmt: skip
    again = timed("L2: the same files again", repeat, lambda: load(season_dir))

    copy = work / "load-seed.duckdb"
    shutil.copy(seed_warehouse.path, copy)
    seed = duckdb_warehouse(copy)
    day_dir = work / "load-day"
    day_rows = _day_files(seed, day, day_dir)
    one_day = timed("L3: one day's files into the seed range", repeat, lambda: load(day_dir, seed))
    profiled = duckdb_warehouse(copy)
    profiled.profile = True
    started = time.perf_counter()
    loads = load_directory(profiled, day_dir, out=lambda _: None)
    profiled_s = time.perf_counter() - started
    scans = [
        {
            "table": scan.table,
            "statement": statement.sql_name,
            "row_groups_scanned": scan.row_groups_scanned,
            "row_groups_total": scan.row_groups_total,
            "rows_scanned": scan.rows_scanned,
        }
        for x in loads
        for statement in x.statements
        for scan in statement.scans
        if scan.table.split(".")[-1] in RAW
    ]
    pbp = [s for s in scans if s["table"].endswith("bigdataball_play_by_play")]
    copy.unlink(missing_ok=True)
    return {
        "season": [str(season[0]), str(season[1])],
        "season_rows": rows,
        "day": str(day),
        "day_rows": day_rows,
        "L1_empty": first.as_dict(),
        "L2_again": again.as_dict(),
        "L3_one_day": one_day.as_dict(),
        "L1_rows_per_s": round(rows / first.median),
        "L2_rows_per_s": round(rows / again.median),
        "L2_over_L1": round(again.median / first.median, 2),
        "L3_profiled_s": round(profiled_s, 3),
        "L3_scans": scans,
        # the largest table, the one a statement confined to its dates shows best
        "L3_pbp_row_groups_scanned": max((s["row_groups_scanned"] for s in pbp), default=0),
        "L3_pbp_row_groups_total": max((s["row_groups_total"] for s in pbp), default=0),
    }
