"""The passes against an output table that already exists in production's shape
(najicham/nba-stats-scraper, schemas/bigquery/analytics/player_game_summary_tables.sql,
hand-copied in tests/fixtures/production-ddl): 79 columns, REQUIRED `starter_flag`,
`win_flag`, `season_year`, `team_abbr`, `opponent_team_abbr`, `is_active`, NUMERIC
minutes and shooting percentages, and none of our bookkeeping columns.

- `apply-schema --check` (the real CLI) says what is missing and prints the ALTER script;
  the passes refuse the table until it is run, writing nothing;
- after it, both passes over demo days write the same values as into our own table (the
  NUMERIC columns rounded to their scale), `starter_flag` and `win_flag` from the box
  score, no key-only row from Pass 2, and their audits pass;
- rows of another writer survive both passes, whatever their game or day.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys

import duckdb
import pytest
import sqlglot

from nba_backfill import demo, pass1, pass2
from nba_backfill.config import settings
from nba_backfill.days import DayRange
from nba_backfill.target import TargetError
from nba_backfill.warehouse.duckdb_backend import DuckDBWarehouse

from conftest import ROOT
from helpers import production_ddl

START, END = dt.date(2021, 10, 19), dt.date(2021, 10, 24)
WHOLE = DayRange(START, END, "test")
OURS = [  # the columns compared with our own table (rounded as the target holds them)
    "game_id", "game_date", "season_year", "player_lookup", "player_full_name", "team_abbr",
    "opponent_team_abbr", "is_active", "player_status", "round(cast(minutes_played as decimal(18, 3)), 1)",
    "points", "assists", "offensive_rebounds", "defensive_rebounds", "steals", "blocks",
    "turnovers", "personal_fouls", "fg_makes", "fg_attempts", "three_pt_makes",
    "three_pt_attempts", "ft_makes", "ft_attempts", "plus_minus", "round(cast(ts_pct as decimal(18, 3)), 3)",
    "round(cast(efg_pct as decimal(18, 3)), 3)", "primary_source_used", "paint_attempts", "paint_makes",
    "mid_range_attempts", "mid_range_makes", "assisted_fg_makes", "unassisted_fg_makes",
    "and1_count", "paint_blocks", "mid_range_blocks", "three_pt_blocks", "pbp_shot_events",
]  # fmt: skip
FOREIGN = [  # another writer's rows: a player we never key, a game we never load
    ("20211019_BKN_MIL", dt.date(2021, 10, 19), "someone_else", "BKN", "MIL", 2021, 12.5),
    ("20211020_XXX_YYY", dt.date(2021, 10, 20), "ghost", "XXX", "YYY", 2021, 30.0),
]


def rows(path, where: str = "true") -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        cols = ", ".join(OURS)
        return con.execute(
            f"select {cols} from nba_analytics.player_game_summary where {where} "  # noqa: S608
            "order by game_id, player_lookup"
        ).fetchall()
    finally:
        con.close()


def run_both_passes(warehouse) -> None:
    for day in pass1.plan(warehouse, WHOLE, sweep=[], max_days=1024).days:
        pass1.load_day(warehouse, day)
    pass2.merge_window(warehouse, WHOLE)


def check_schema(path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "AIRFLOW_CONN_NBA_WAREHOUSE": json.dumps(
            {"conn_type": "duckdb", "extra": {"path": str(path)}}
        ),
    }
    return subprocess.run(
        [sys.executable, "-m", "nba_backfill.cli", "apply-schema", "--check"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def data():
    return demo.generate(START, END)


@pytest.fixture(scope="module")
def native(tmp_path_factory, empty_warehouse_file, data):
    """Both passes into our own table: the file."""
    path = tmp_path_factory.mktemp("native") / "native.duckdb"
    shutil.copyfile(empty_warehouse_file, path)
    warehouse = DuckDBWarehouse(path)
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)
    run_both_passes(warehouse)
    return path


@pytest.fixture
def production(tmp_path, empty_warehouse_file, data):
    """The same raw data; the output table in production's shape, with two foreign rows."""
    path = tmp_path / "production.duckdb"
    shutil.copyfile(empty_warehouse_file, path)
    warehouse = DuckDBWarehouse(path)
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)
    con = duckdb.connect(str(path))
    try:
        con.execute("drop table nba_analytics.player_game_summary")
        con.execute(production_ddl("nba_analytics.player_game_summary"))
        for game_id, day, lookup, team, opponent, season, minutes in FOREIGN:
            con.execute(
                "insert into nba_analytics.player_game_summary (game_id, game_date, "
                "player_lookup, team_abbr, opponent_team_abbr, season_year, starter_flag, "
                "win_flag, is_active, minutes_played, points, universal_player_id) "
                "values (?, ?, ?, ?, ?, ?, false, true, true, ?, 7, 'their_id')",
                [game_id, day, lookup, team, opponent, season, minutes],
            )
    finally:
        con.close()
    return warehouse


def foreign_rows(path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            "select game_id, game_date, player_lookup, team_abbr, opponent_team_abbr, "
            "season_year, cast(minutes_played as double), points, universal_player_id, "
            "starter_flag, win_flag from nba_analytics.player_game_summary "
            "where universal_player_id = 'their_id' order by game_id"
        ).fetchall()
    finally:
        con.close()


def test_check_names_what_is_missing_and_the_passes_refuse_the_table(production):
    result = check_schema(production.path)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    for name in (
        "pass1_processed_at",
        "shot_zones_processed_at",
        "pbp_shot_events",
        "pbp_fallback_events",
        "home_game",
        "total_rebounds",
        "three_attempts_pbp",
    ):
        assert f"add column if not exists {name} " in out, (name, out)  # fmt: skip
    assert "CANNOT SERVE: missing column(s)" in out
    assert "Pass 1 also writes starter_flag, win_flag" in out
    assert "minutes_played: NUMERIC here, our FLOAT64 value rounded to 1 place(s)" in out
    assert "Pass 2 never inserts a row of its own" in out
    before = foreign_rows(production.path)
    with pytest.raises(TargetError, match="cannot be served as it is: missing column"):
        pass1.plan(production, WHOLE, sweep=[], max_days=1024)
    with pytest.raises(TargetError, match="alter table nba_analytics.player_game_summary add"):
        pass2.plan(production, [WHOLE], today=END, lookback_days=0)
    assert foreign_rows(production.path) == before
    # a raw table without a column the statements read (production's play-by-play has no
    # data_source) is named too
    assert "RAW:" not in out
    con = duckdb.connect(str(production.path))
    con.execute("alter table nba_raw.bigdataball_play_by_play drop column data_source")
    con.close()
    out = check_schema(production.path).stdout
    assert (
        "RAW: nba_raw.bigdataball_play_by_play has no column(s) data_source (the statements" in out
    )


def apply_alter_script(warehouse) -> None:
    out = check_schema(warehouse.path).stdout
    script = [line.strip() for line in out.splitlines() if line.strip().startswith("alter table")]
    assert len(script) == 8, out
    con = duckdb.connect(str(warehouse.path))
    try:
        for line in script:
            con.execute(sqlglot.transpile(line, read="bigquery", write="duckdb")[0])
    finally:
        con.close()
    result = check_schema(warehouse.path)
    assert result.returncode == 0 and "serves both passes as it is" in result.stdout, result.stdout


def test_after_the_script_both_passes_write_our_values_and_keep_foreign_rows(production, native):
    before = foreign_rows(production.path)
    apply_alter_script(production)
    # Pass 2 first: a table with REQUIRED columns gets no key-only row from it
    pass2.merge_window(production, WHOLE)
    assert rows(production.path, "universal_player_id is null") == []
    run_both_passes(production)
    assert foreign_rows(production.path) == before  # untouched by both passes
    mine = rows(production.path, "pass1_processed_at is not null")
    assert len(mine) > 200
    assert mine == rows(native, "true")
    # the REQUIRED flags from the box score
    con = duckdb.connect(str(production.path), read_only=True)
    try:
        # more than 20 minutes as Pass 1 computes them (20:02 is 20.03 in our table, 20.0
        # in a NUMERIC(5,1) one, and a start)
        con.execute(f"attach '{native}' as native (read_only)")
        starters = con.execute(
            "select count(*), countif(t.starter_flag = coalesce(n.minutes_played > 20, false)) "
            "from nba_analytics.player_game_summary as t "
            "join native.nba_analytics.player_game_summary as n using (game_id, player_lookup) "
            "where t.pass1_processed_at is not null"
        ).fetchone()
        wins = con.execute(
            "select game_id, team_abbr, bool_and(win_flag), bool_or(win_flag), sum(points) "
            "from nba_analytics.player_game_summary where pass1_processed_at is not null "
            "group by game_id, team_abbr order by game_id, team_abbr"
        ).fetchall()
    finally:
        con.close()
    assert starters[0] == starters[1] and starters[0] == len(mine)
    by_game: dict[str, list] = {}
    for game_id, team, all_won, any_won, points in wins:
        assert all_won == any_won, (game_id, team)  # one flag per team
        by_game.setdefault(game_id, []).append((points, all_won))
    for game_id, teams in by_game.items():
        (p1, w1), (p2, w2) = teams
        assert (w1, w2) == (p1 > p2, p2 > p1), (game_id, teams)
    # and their audits pass on it, the foreign rows not counted
    pass1.audit(production, WHOLE, settings(), covered=[WHOLE], left_over=[]).raise_for_failures()
    pass2.audit(production, WHOLE, settings()).raise_for_failures()
