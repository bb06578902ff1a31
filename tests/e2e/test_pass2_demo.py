"""Pass 2 end to end through Airflow's dag.test() on seeded demo weeks.

The shot zones must equal the generator's truth, whatever the order of the passes and
however often they run.
"""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pytest

from nba_backfill import demo
from nba_backfill.checksum import table_checksum
from nba_backfill.local.runner import PASS1_DAG_ID, PASS2_DAG_ID, run_dag
from nba_backfill.warehouse import duckdb_warehouse

from helpers import SHOT_ZONE_COLUMNS, summary_rows, zones

pytestmark = pytest.mark.e2e

START, END = dt.date(2021, 10, 19), dt.date(2021, 11, 1)
PARAMS = {"start_date": START.isoformat(), "end_date": END.isoformat()}


@pytest.fixture(scope="module")
def data():
    return demo.generate(START, END)


def load(warehouse, data):
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)


def use(monkeypatch, warehouse):
    """Point the DAGs' connection at this warehouse."""
    connection = {"conn_type": "duckdb", "extra": {"path": str(warehouse.path)}}
    monkeypatch.setenv("AIRFLOW_CONN_NBA_WAREHOUSE", json.dumps(connection))


def run(dag_id, conf=PARAMS, **kwargs):
    outcome = run_dag(dag_id, conf, **kwargs)
    assert outcome.ok, outcome
    return outcome


def test_pass1_then_pass2_match_the_truth(warehouse, airflow_db, data):
    load(warehouse, data)
    run(PASS1_DAG_ID)
    outcome = run(PASS2_DAG_ID, xcom_tasks=("plan_windows", "merge_shot_zones", "audit_shot_zones"))
    assert outcome.task_states == {
        "wait_for_pass1:success": 1, "plan_windows:success": 1,
        "merge_shot_zones:success": 1, "audit_shot_zones:success": 1,
    }  # fmt: skip
    assert outcome.xcoms["plan_windows"] == [PARAMS]
    rows = summary_rows(warehouse)
    expected = {(r["game_id"], r["player_lookup"]): r for r in data.expected.to_pylist()}
    assert set(rows) == set(expected)
    for key, want in expected.items():
        assert zones(rows[key]) == {c: want[c] for c in SHOT_ZONE_COLUMNS}, key
    assert data.stats["games_without_pbp"] > 0 and data.stats["pbp_duplicate_events"] > 0
    figures = outcome.xcoms["audit_shot_zones"][f"{START}..{END}"]
    assert (
        figures["zones_match_rate"]
        == figures["threes_match_rate"]
        == figures["makes_match_rate"]
        == 1.0
    )
    assert figures["games_without_pbp"] == data.stats["games_without_pbp"]


def test_order_repetition_and_windows_give_the_same_table(
    warehouse, airflow_db, data, tmp_path, monkeypatch
):
    load(warehouse, data)
    run(PASS1_DAG_ID)
    run(PASS2_DAG_ID)
    reference = table_checksum(warehouse, START, END)
    run(PASS2_DAG_ID)  # Pass 2 twice
    assert table_checksum(warehouse, START, END) == reference
    outcome = run(PASS2_DAG_ID, {**PARAMS, "windows": 3}, xcom_tasks=("merge_shot_zones",))
    assert [m["start_date"] for m in outcome.xcoms["merge_shot_zones"]] == [
        "2021-10-19",
        "2021-10-24",
        "2021-10-29",
    ]
    assert table_checksum(warehouse, START, END) == reference

    reversed_order = duckdb_warehouse(tmp_path / "reversed.duckdb")
    reversed_order.apply_schema()
    load(reversed_order, data)
    use(monkeypatch, reversed_order)
    run(PASS2_DAG_ID)  # Pass 2 before Pass 1
    run(PASS1_DAG_ID)
    assert table_checksum(reversed_order, START, END) == reference


def test_pass2_without_a_range_processes_what_is_stale(warehouse, airflow_db, data):
    outcome = run(PASS2_DAG_ID, {}, xcom_tasks=("plan_windows",))  # an empty warehouse
    assert outcome.xcoms["plan_windows"] == []
    assert outcome.task_states == {
        "wait_for_pass1:success": 1, "plan_windows:success": 1,
        "merge_shot_zones:skipped": 1, "audit_shot_zones:skipped": 1,
    }  # fmt: skip
    assert summary_rows(warehouse) == {}

    load(warehouse, data)
    run(PASS1_DAG_ID, {"start_date": "2021-10-19", "end_date": "2021-10-25"})
    outcome = run(PASS2_DAG_ID, {}, xcom_tasks=("plan_windows",))
    # the days Pass 1 wrote, found in the table, not in any asset event or param
    assert outcome.xcoms["plan_windows"] == [{"start_date": "2021-10-19", "end_date": "2021-10-25"}]
    rows = summary_rows(warehouse)
    week = [r for r in data.expected.to_pylist() if r["game_date"] <= dt.date(2021, 10, 25)]
    assert set(rows) == {(r["game_id"], r["player_lookup"]) for r in week}
    for want in week:
        got = rows[(want["game_id"], want["player_lookup"])]
        assert zones(got) == {c: want[c] for c in SHOT_ZONE_COLUMNS}


def test_an_alias_left_out_is_suggested_and_once_loaded_heals_the_range(
    warehouse, airflow_db, data, tmp_path
):
    """The demo's players spelled apart by nickname, middle name or surname are resolved by
    its aliases. With one of them left out, his shots are credited to nobody, and Pass 2's
    guard prints exactly that alias row as a suggestion (never applying it). Loaded with
    `cli load`, the alias makes his games stale, and the next run (sweeping history, the
    range being years back) gives the generator's truth."""
    from nba_backfill.audits import alias_row, audit_pass2
    from nba_backfill.config import settings
    from nba_backfill.days import DayRange
    from nba_backfill.loading import load_directory

    aliases = data.tables["player_aliases"].to_pylist()
    left_out = next(a for a in aliases if a["source"] == "play_by_play")
    for name, table in data.tables.items():
        if name == "player_aliases":
            table = table.filter(pa.array([a is not left_out for a in aliases]))
        warehouse.load_arrow(name, table)
    run(PASS1_DAG_ID)
    run(PASS2_DAG_ID)
    rows = summary_rows(warehouse)
    his = [k for k in rows if k[1] == left_out["player_lookup"]]
    assert his and {rows[k]["pbp_shot_events"] for k in his} <= {0, None}  # credited nothing
    truth = {(r["game_id"], r["player_lookup"]): r for r in data.expected.to_pylist()}
    assert sum(truth[k]["pbp_shot_events"] or 0 for k in his) > 0  # though he shot

    report = audit_pass2(warehouse, DayRange(START, END, "t"), settings())
    (guard,) = [c for c in report.checks if c.name.startswith("play-by-play shots credited")]
    assert guard.passed  # (a few shots of one player: under the limit, but named)
    (line,) = [d for d in guard.details if d.startswith(repr(left_out["alias"]))]
    suggested = line.rsplit("add to player_aliases.csv: ", 1)[1]
    shipped = [left_out[c] for c in ("source", "alias", "team_abbr", "first_season",
                                     "last_season", "player_lookup")]  # fmt: skip
    assert suggested == ",".join(str(v) for v in shipped)

    folder = tmp_path / "aliases"
    folder.mkdir()
    columns = ["source", "alias", "team_abbr", "first_season", "last_season", "player_lookup",
               "note"]  # fmt: skip
    kept = [  # the demo's other aliases as they are, and the suggestion (without a note)
        alias_row([a[c] for c in columns]) for a in aliases if a is not left_out
    ]
    (folder / "player_aliases.csv").write_text(
        "\n".join([",".join(columns), *kept, suggested + ","]) + "\n"
    )
    (load,) = load_directory(warehouse, folder, out=lambda _: None)
    assert load.aliases == {"kept": len(aliases) - 1, "added": 1, "retired": 0}
    outcome = run(PASS2_DAG_ID, {"sweep_history": True}, xcom_tasks=("plan_windows",))
    assert outcome.xcoms["plan_windows"]  # his stale days, found in the warehouse
    rows = summary_rows(warehouse)
    expected = {(r["game_id"], r["player_lookup"]): r for r in data.expected.to_pylist()}
    for key, want in expected.items():
        assert zones(rows[key]) == {c: want[c] for c in SHOT_ZONE_COLUMNS}, key
