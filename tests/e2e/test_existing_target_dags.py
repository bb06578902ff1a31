"""Both DAGs (dag.test()) against an output table of production's shape that lacks the
columns the passes need: each fails in its first task with what to change (the ALTER
script of `apply-schema --check`), and nothing is written, another writer's row kept."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from nba_backfill import demo
from nba_backfill.local.runner import PASS1_DAG_ID, PASS2_DAG_ID, run_dag

from helpers import production_ddl

pytestmark = pytest.mark.e2e

START, END = dt.date(2021, 10, 19), dt.date(2021, 10, 20)
PARAMS = {"start_date": START.isoformat(), "end_date": END.isoformat()}


def test_both_dags_refuse_a_table_they_cannot_serve(warehouse, airflow_db, capfd, caplog):
    for name, table in demo.generate(START, END).tables.items():
        warehouse.load_arrow(name, table)
    con = duckdb.connect(str(warehouse.path))
    try:
        con.execute("drop table nba_analytics.player_game_summary")
        con.execute(production_ddl("nba_analytics.player_game_summary"))
        con.execute(
            "insert into nba_analytics.player_game_summary (game_id, game_date, player_lookup, "
            "team_abbr, opponent_team_abbr, season_year, starter_flag, win_flag, is_active) "
            "values ('20211019_BKN_MIL', '2021-10-19', 'someone_else', 'BKN', 'MIL', 2021, "
            "false, true, true)"
        )
    finally:
        con.close()
    for dag_id, first in ((PASS1_DAG_ID, "plan_days"), (PASS2_DAG_ID, "plan_windows")):
        outcome = run_dag(dag_id, PARAMS)
        assert outcome.state == "failed" and outcome.failed_tasks[0] == first, outcome
        captured = capfd.readouterr()
        message = captured.out + captured.err + caplog.text
        assert "nba_analytics.player_game_summary cannot be served as it is: missing" in message
        assert "add column if not exists pass1_processed_at TIMESTAMP;" in message
        caplog.clear()
    con = duckdb.connect(str(warehouse.path), read_only=True)
    try:
        assert con.execute(
            "select player_lookup from nba_analytics.player_game_summary"
        ).fetchall() == [("someone_else",)]
    finally:
        con.close()
