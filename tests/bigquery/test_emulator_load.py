"""`cli load` on BigQuery (the emulator): each file goes up with a load job into a staging
table, is checked by SQL, and replaces its game dates with ONE MERGE, like on DuckDB.

Where the emulator stops: it refuses any MERGE into a table with require_partition_filter
(it does not see the WHEN clause's filter on game_date that BigQuery prunes with; its
message is below). So the test shows that refusal, then lifts the option on its own raw
tables (ALTER TABLE ... SET OPTIONS) and proves the rest: load jobs, checks, the MERGE's
replacement of game dates, a second load changing nothing, a bad value stopping all."""

from __future__ import annotations

import csv
import shutil

import pytest

from nba_backfill.loading import LoadError, load_directory
from nba_backfill.warehouse import duckdb_warehouse

from conftest import FIXTURES

TABLES = ("nbac_schedule", "nbac_gamebook_player_stats", "bigdataball_play_by_play")


def rows_of(warehouse, table):
    import datetime as dt

    result = warehouse.run(
        "audit/table_rows",  # (any statement would do; the raw rows are read below)
        {"start_date": dt.date(2000, 1, 1), "end_date": dt.date(2000, 1, 1)},
    )
    assert result.rows == []
    if warehouse.backend == "duckdb":
        with warehouse.connect() as con:
            raw = warehouse.identifiers.raw_dataset
            return sorted(map(tuple, con.execute(f"select * from {raw}.{table}").fetchall()))  # noqa: S608
    client = warehouse.hook.get_client(project_id=warehouse.project)
    query = (  # (the filter on game_date: the table requires one)
        f"select * from `{warehouse.project}`.{warehouse.identifiers.raw_dataset}.{table} "  # noqa: S608
        "where game_date >= '2000-01-01'"
    )
    return sorted(tuple(r.values()) for r in client.query(query).result())


def lift_partition_filter(warehouse):
    client = warehouse.hook.get_client(project_id=warehouse.project)
    for table in TABLES + ("bdl_player_boxscores",):
        client.query(
            f"alter table `{warehouse.project}`.{warehouse.identifiers.raw_dataset}.{table} "
            "set options (require_partition_filter = false)"
        ).result()


def test_load_on_bigquery_gives_the_duckdb_tables_and_is_idempotent(bq_warehouse, tmp_path):
    from nba_backfill.warehouse import QueryError

    folder = tmp_path / "files"
    folder.mkdir()
    for table in TABLES:
        shutil.copy(FIXTURES / f"{table}.csv", folder / f"{table}.csv")
    duck = duckdb_warehouse(tmp_path / "duck.duckdb")
    load_directory(duck, folder, out=lambda _: None)
    # where the emulator stops: the MERGE into a require_partition_filter table. If this
    # starts passing, a newer emulator understands it and the ALTER below can go.
    with pytest.raises(QueryError, match="without a filter over column\\(s\\) 'game_date'"):
        load_directory(bq_warehouse, folder, out=lambda _: None)
    assert rows_of(bq_warehouse, "nbac_schedule") == []  # (nothing was written)
    lift_partition_filter(bq_warehouse)
    loads = load_directory(bq_warehouse, folder, out=lambda _: None)
    assert {x.table: x.rows for x in loads} == {
        "bigdataball_play_by_play": 979, "nbac_gamebook_player_stats": 38, "nbac_schedule": 2,
    }  # fmt: skip
    first = {t: rows_of(bq_warehouse, t) for t in TABLES}
    assert first == {t: rows_of(duck, t) for t in TABLES}
    load_directory(bq_warehouse, folder, out=lambda _: None)  # again: replaced, not appended
    assert {t: rows_of(bq_warehouse, t) for t in TABLES} == first

    with open(folder / "nbac_gamebook_player_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[5]["points"] = "twelve"
    with open(folder / "nbac_gamebook_player_stats.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(
        LoadError,
        match="column points \\(INT64\\): 1 value\\(s\\) that are not whole numbers, the first 'twelve'",
    ):
        load_directory(bq_warehouse, folder, out=lambda _: None)
    assert {t: rows_of(bq_warehouse, t) for t in TABLES} == first
