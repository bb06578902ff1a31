"""Bad raw data: each mess gets the contract's behaviour, is counted in the audit output,
and crashes nothing (both passes through dag.test() on a demo week of the 2024-25
season, whose play-by-play carries id-prefixed lookups)."""

from __future__ import annotations

import datetime as dt

import pytest

from nba_backfill import demo
from nba_backfill.audits import audit_pass1, audit_pass2
from nba_backfill.config import settings
from nba_backfill.days import DayRange
from nba_backfill.local.runner import PASS1_DAG_ID, PASS2_DAG_ID, run_dag

from helpers import SHOT_ZONE_COLUMNS, processed_at, summary_rows, zones

pytestmark = pytest.mark.e2e

START, END = dt.date(2024, 10, 22), dt.date(2024, 10, 28)
PARAMS = {"start_date": START.isoformat(), "end_date": END.isoformat()}


def figures(warehouse):
    day_range = DayRange(START, END, "test")
    return {
        **audit_pass1(warehouse, day_range, settings()).figures,
        **audit_pass2(warehouse, day_range, settings()).figures,
    }


def test_each_mess_is_handled_and_counted(warehouse, airflow_db):
    data = demo.generate(START, END)
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)
    run_dag(PASS1_DAG_ID, PARAMS)  # so that the figures below compare like with like
    before = figures(warehouse)
    assert before["prefixed_lookups"] > 0 and before["duplicate_events"] > 0

    actives = [
        r for r in data.tables["nbac_gamebook_player_stats"].to_pylist()
        if r["player_status"] == "active" and r["field_goals_attempted"]
    ]  # fmt: skip
    malformed, negative, too_many, unknown, duplicated = actives[:5]
    gone_pbp = data.tables["nbac_schedule"].to_pylist()[0]["game_id"]
    with warehouse.connect() as con:
        table = "nba_raw.nbac_gamebook_player_stats"
        key = "game_id = ? and player_lookup = ?"
        con.execute(
            f"update {table} set minutes = '3O:12' where {key}",
            [malformed["game_id"], malformed["player_lookup"]],
        )
        con.execute(
            f"update {table} set steals = -2 where {key}",
            [negative["game_id"], negative["player_lookup"]],
        )
        con.execute(
            f"update {table} set field_goals_made = field_goals_attempted + 3 where {key}",
            [too_many["game_id"], too_many["player_lookup"]],
        )
        con.execute(
            f"update {table} set team_abbr = 'XXX' where {key}",
            [unknown["game_id"], unknown["player_lookup"]],
        )
        con.execute(
            f"insert into {table} select * replace (points + 10 as points, "
            f"processed_at - interval 2 day as processed_at) from {table} where {key}",
            [duplicated["game_id"], duplicated["player_lookup"]],
        )
        con.execute(
            "delete from nba_raw.bigdataball_play_by_play where game_date between ? and ? and game_id = ?",
            [START, END, gone_pbp],
        )

    for dag_id in (PASS1_DAG_ID, PASS2_DAG_ID):
        outcome = run_dag(dag_id, PARAMS)
        assert outcome.ok, outcome  # nothing crashes, every audit passes

    rows = summary_rows(warehouse)
    row = lambda r: rows[(r["game_id"], r["player_lookup"])]  # noqa: E731
    assert row(malformed)["minutes_played"] is None and row(malformed)["is_active"] is True
    assert row(negative)["steals"] is None and row(negative)["points"] == negative["points"]
    assert row(too_many)["fg_makes"] is None and row(too_many)["fg_attempts"] is None
    assert (row(unknown)["team_abbr"], row(unknown)["opponent_team_abbr"]) == ("XXX", None)
    assert (
        row(duplicated)["points"] == duplicated["points"]
    )  # the latest delivery, not the stale copy
    gone = [r for k, r in rows.items() if k[0] == gone_pbp]
    assert gone and all(r["pbp_shot_events"] is None for r in gone)
    assert all(processed_at(warehouse, k[0], k[1])[1] for k in list(rows)[:3])
    # every player whose play-by-play lookups carry an id prefix got his own shots: each
    # row's zones are the generator's truth (but the game whose play-by-play was deleted)
    with warehouse.connect() as con:
        prefixed = {
            (g, "".join(c for c in lookup.lower() if c.isalpha()))
            for g, lookup in con.execute(
                "select distinct game_id, player_1_lookup from nba_raw.bigdataball_play_by_play "
                "where game_date between ? and ? and regexp_matches(player_1_lookup, '^[0-9]')",
                [START, END],
            ).fetchall()
        }
    assert len(prefixed) > 100
    truth = {(r["game_id"], r["player_lookup"]): r for r in data.expected.to_pylist()}
    for key in prefixed:
        if key[0] != gone_pbp and key in truth:
            assert zones(rows[key]) == {c: truth[key][c] for c in SHOT_ZONE_COLUMNS}, key
    assert sum(1 for key in prefixed if key in truth and rows[key]["pbp_shot_events"]) > 100

    after = figures(warehouse)
    delta = {k: after[k] - before[k] for k in after if isinstance(after[k], int) and k in before}
    assert delta["nbac_gamebook_malformed_minutes"] == 1
    assert delta["nbac_gamebook_negative_counts"] == 1
    assert delta["nbac_gamebook_makes_over_attempts"] == 1
    assert delta["nbac_gamebook_unknown_team_rows"] == 1
    assert delta["nbac_gamebook_duplicate_rows"] == 1
    assert after["games_without_pbp"] == data.stats["games_without_pbp"] + 1
    assert after["prefixed_lookups"] > 0
