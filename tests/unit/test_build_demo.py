"""`make warehouse` (cli build-demo) replaces the raw tables and keeps the output table,
saying so; only --fresh (`make warehouse FRESH=1`) deletes the warehouse, saying how many
output rows went with it."""

import json
import os
import re
import subprocess
import sys

import duckdb


def build(path, *extra):
    env = {
        **os.environ,
        "AIRFLOW_CONN_NBA_WAREHOUSE": json.dumps(
            {"conn_type": "duckdb", "extra": {"path": str(path)}}
        ),
        "NBA_WAREHOUSE_CONN_ID": "nba_warehouse",
    }
    result = subprocess.run(
        [sys.executable, "-m", "nba_backfill.cli", "build-demo", "--start", "2021-10-19",
         "--end", "2021-10-20", "--seed", "20211019", *extra],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def count(path, table):
    with duckdb.connect(str(path)) as con:
        return con.execute(f"select count(*) from {table}").fetchone()[0]


def test_rebuilding_raw_data_keeps_the_output_and_says_so(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    build(path)
    pbp = count(path, "nba_raw.bigdataball_play_by_play")
    with duckdb.connect(str(path)) as con:  # a result of earlier runs
        con.execute(
            "insert into nba_analytics.player_game_summary (game_id, player_lookup, game_date) "
            "values ('0022100001', 'someplayer', date '2021-10-19')"
        )
    out = build(path)
    assert "player_game_summary kept (1 rows)" in out
    assert count(path, "nba_analytics.player_game_summary") == 1
    assert count(path, "nba_raw.bigdataball_play_by_play") == pbp  # replaced, not doubled

    out = build(path, "--fresh")
    assert re.search(r"deleted first, with 1 rows of nba_analytics.player_game_summary", out)
    assert count(path, "nba_analytics.player_game_summary") == 0
    assert count(path, "nba_raw.bigdataball_play_by_play") == pbp
