"""Pass 2 splits a window by season when the warehouse cannot take it as one statement.

On DuckDB the limit is real: NBA_DUCKDB_MEMORY_LIMIT is DuckDB's memory_limit, and a
statement above it fails with an out-of-memory error (nothing written). The demo span
below holds the end of 2020-21 and the start of 2021-22: as one statement it needs
110-120 MB, each season 80-90 MB (DuckDB's two threads, measured here), so at about
100 MB only the split can succeed. The test picks such a limit on a copy first (DuckDB's
figures move a little between runs), then runs the DAG at it.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

import pytest

from nba_backfill import demo, pass1, pass2
from nba_backfill.checksum import table_checksum
from nba_backfill.days import DayRange
from nba_backfill.local.runner import PASS2_DAG_ID, run_dag
from nba_backfill.warehouse import duckdb_warehouse
from nba_backfill.warehouse.base import CapacityExceeded
from nba_backfill.warehouse.duckdb_backend import DuckDBWarehouse

from helpers import summary_rows, zones

pytestmark = pytest.mark.e2e

START, END = dt.date(2021, 3, 1), dt.date(2021, 12, 31)
WHOLE = DayRange(START, END, "test")
PARAMS = {"start_date": START.isoformat(), "end_date": END.isoformat()}
CANDIDATE_LIMITS = ("100MB", "95MB", "105MB", "92MB", "110MB")


@pytest.fixture(scope="module")
def data():
    return demo.generate(START, END)


@pytest.fixture(scope="module")
def pass1_file(tmp_path_factory, empty_warehouse_file, data) -> Path:
    """The span's raw tables and Pass 1's rows (its statements, day by day), once."""
    path = tmp_path_factory.mktemp("split") / "pass1.duckdb"
    shutil.copyfile(empty_warehouse_file, path)
    built = duckdb_warehouse(path)
    for name, table in data.tables.items():
        built.load_arrow(name, table)
    for day in pass1.plan_days(built, WHOLE):
        pass1.load_day(built, day)
    return path


@pytest.fixture
def after_pass1(warehouse, airflow_db, pass1_file):
    """The test's warehouse (behind the DAGs' connection) with the span after Pass 1."""
    shutil.copyfile(pass1_file, warehouse.path)
    return warehouse


def copy_of(warehouse, tmp_path, name: str, **kwargs):
    copy = tmp_path / f"{name}.duckdb"
    shutil.copyfile(warehouse.path, copy)
    return duckdb_warehouse(copy) if not kwargs else DuckDBWarehouse(copy, **kwargs)


def one_statement_table(warehouse, tmp_path) -> str:
    """The table Pass 2 leaves as ONE statement without a memory limit (on a copy)."""
    reference = copy_of(warehouse, tmp_path, "one_statement")
    merged = pass2.merge_window(reference, WHOLE)
    assert "by_season" not in merged and merged["rows"] > 40_000
    return table_checksum(reference, START, END)


def splitting_limit(warehouse, tmp_path) -> str:
    """A memory limit at which one statement over WHOLE fails and each season fits."""
    for limit in CANDIDATE_LIMITS:
        trial = copy_of(warehouse, tmp_path, f"trial_{limit}", memory_limit=limit)
        try:
            if "by_season" in pass2.merge_window(trial, WHOLE):
                return limit
        except CapacityExceeded:
            continue
    raise AssertionError(f"no limit of {CANDIDATE_LIMITS} splits {WHOLE}: recalibrate")


def test_a_window_too_big_for_one_statement_is_merged_season_by_season(
    after_pass1, tmp_path, nba_env, caplog, capfd, data
):
    warehouse = after_pass1
    expected = one_statement_table(warehouse, tmp_path)
    limit = splitting_limit(warehouse, tmp_path)
    before = table_checksum(warehouse, START, END)
    nba_env(NBA_DUCKDB_MEMORY_LIMIT=limit)
    limited = duckdb_warehouse(warehouse.path)
    assert limited.memory_limit == limit
    # at this limit, one statement over the span fails and writes nothing
    with pytest.raises(CapacityExceeded, match="Out of Memory"):
        limited.run("pass2/merge_shot_zones", {"start_date": START, "end_date": END})
    assert table_checksum(warehouse, START, END) == before
    with caplog.at_level(logging.WARNING, logger="nba_backfill.pass2"):
        outcome = run_dag(PASS2_DAG_ID, PARAMS, xcom_tasks=("merge_shot_zones",))
    assert outcome.ok, (limit, outcome)
    merged = outcome.xcoms["merge_shot_zones"]  # (one window: its one value)
    # cut where the schedule's seasons meet: 2021 finals in July stay with 2020-21
    assert [(p["start_date"], p["end_date"]) for p in merged["by_season"]] == [
        ("2021-03-01", "2021-10-18"),
        ("2021-10-19", "2021-12-31"),
    ]
    assert merged["rows"] == sum(p["rows"] for p in merged["by_season"])
    assert "Out of Memory" in merged["why"]
    captured = capfd.readouterr()
    log = captured.out + captured.err + caplog.text
    assert "is too big for the warehouse as one statement" in log
    assert "merging it in 2 statements, one per season" in log
    # the same table as one statement, and the generator's shot zones
    assert table_checksum(warehouse, START, END) == expected
    truth = {(r["game_id"], r["player_lookup"]): zones(r) for r in data.expected.to_pylist()}
    rows = summary_rows(warehouse)
    assert {key: zones(row) for key, row in rows.items()} == truth


def test_a_season_too_big_on_its_own_fails_saying_what_to_change(after_pass1, nba_env):
    warehouse = after_pass1
    season = DayRange(dt.date(2021, 10, 19), END, "test")
    before = table_checksum(warehouse, START, END)
    nba_env(NBA_DUCKDB_MEMORY_LIMIT="40MB")
    with pytest.raises(CapacityExceeded) as error:
        pass2.merge_window(duckdb_warehouse(warehouse.path), season)
    message = str(error.value)
    for words in ("within one season", "NBA_DUCKDB_MEMORY_LIMIT", "more `windows`"):
        assert words in message, message
    assert table_checksum(warehouse, START, END) == before  # nothing written
