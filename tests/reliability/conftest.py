"""Shared pieces of the reliability scenarios: one demo range, and the table a clean
sequential run (Pass 1 day by day, then Pass 2) builds from it, as a checksum; that table
is first checked, row by row and column by column, against the generator's truth."""

from __future__ import annotations

import datetime as dt

import pytest

from nba_backfill import demo, pass1, pass2
from nba_backfill.checksum import table_checksum
from nba_backfill.days import DayRange
from nba_backfill.warehouse import duckdb_warehouse

START, END = dt.date(2021, 10, 19), dt.date(2021, 12, 10)
PARAMS = {"start_date": START.isoformat(), "end_date": END.isoformat()}


@pytest.fixture(scope="session")
def reliability_data():
    return demo.generate(START, END)


def load_raw(warehouse, data) -> None:
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)


def sequential_build(warehouse) -> str:
    """The clean sequential run: every game day in order, then Pass 2 over the range."""
    day_range = DayRange(START, END, "baseline")
    for day in pass1.plan_days(warehouse, day_range):
        pass1.load_day(warehouse, day)
    pass2.merge_window(warehouse, day_range)
    return table_checksum(warehouse, START, END)


@pytest.fixture(scope="session")
def baseline(reliability_data, tmp_path_factory) -> str:
    warehouse = duckdb_warehouse(tmp_path_factory.mktemp("baseline") / "warehouse.duckdb")
    warehouse.apply_schema()
    load_raw(warehouse, reliability_data)
    checksum = sequential_build(warehouse)
    assert_is_the_truth(warehouse, reliability_data)
    return checksum


def assert_is_the_truth(warehouse, data) -> None:
    """Every row the generator says a correct pipeline writes, with every value it encoded
    (box score, minutes, status, source and the 14 shot zones), and no other row."""
    from nba_backfill.checksum import table_rows

    rows = {(r["game_id"], r["player_lookup"]): r for r in table_rows(warehouse, START, END)}
    truth = {(r["game_id"], r["player_lookup"]): r for r in data.expected.to_pylist()}
    assert set(rows) == set(truth)
    columns = [c for c in data.expected.schema.names if c != "has_pbp"]
    for key, want in truth.items():
        assert {c: rows[key][c] for c in columns} == {c: want[c] for c in columns}, key
