"""The coverage query runs unchanged on the BigQuery backend (a BigQuery API emulator, with
require_partition_filter on the raw tables) and gives the figures DuckDB gives."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from nba_backfill import demo, pass1
from nba_backfill.config import settings
from nba_backfill.coverage import daily_coverage
from nba_backfill.warehouse import duckdb_warehouse, get_warehouse

pytestmark = pytest.mark.e2e

START, END = dt.date(2021, 10, 19), dt.date(2021, 10, 21)
LOADED = [dt.date(2021, 10, 19), dt.date(2021, 10, 20)]  # 10-21 stays missing


@pytest.fixture
def emulator(tmp_path):
    from nba_backfill.local.bq_emulator import BigQueryEmulator, EmulatorUnavailable

    try:
        emulator = BigQueryEmulator.start(tmp_path / "bq-emulator")
    except EmulatorUnavailable as error:
        pytest.skip(f"BigQuery emulator unavailable: {error}")
    yield emulator
    emulator.stop()


def build(warehouse, data) -> dict:
    warehouse.apply_schema()
    for name, table in data.tables.items():
        warehouse.load_arrow(name, table)
    for day in LOADED:
        pass1.load_day(warehouse, day)
    figures = daily_coverage(warehouse, dt.date(2021, 10, 1), dt.date(2021, 10, 31), settings())
    assert figures["query"]["statements"] == 2  # the figures and the staleness verdicts
    return figures


def comparable(figures: dict) -> list[dict]:
    skip = {"pass1_processed_at", "shot_zones_processed_at"}
    return [{k: v for k, v in d.items() if k not in skip} for d in figures["seasons"][0]["days"]]


def test_coverage_query_on_bigquery_matches_duckdb(emulator, tmp_path, monkeypatch, nba_env):
    data = demo.generate(START, END)
    duck = build(duckdb_warehouse(tmp_path / "reference.duckdb"), data)

    nba_env(NBA_RAW_DATASET="nba_raw_cov", NBA_ANALYTICS_DATASET="nba_analytics_cov")
    monkeypatch.setenv("BIGQUERY_EMULATOR_HOST", emulator.url)
    connection = {"conn_type": "google_cloud_platform", "extra": emulator.connection_extra()}
    monkeypatch.setenv("AIRFLOW_CONN_NBA_WAREHOUSE", json.dumps(connection))
    warehouse = get_warehouse()
    assert warehouse.backend == "bigquery"
    bq = build(warehouse, data)

    assert comparable(bq) == comparable(duck)
    assert bq["totals"] == duck["totals"]
    days = {d["date"]: d for d in bq["seasons"][0]["days"]}
    assert [days[d.isoformat()]["pass1"] for d in (*LOADED, END)] == [
        "complete",
        "complete",
        "missing",
    ]
    assert days["2021-10-18"]["pass1"] == "no_games"
