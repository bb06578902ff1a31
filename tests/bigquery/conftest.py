"""A BigQuery API emulator for the tests of this folder, started on 127.0.0.1 and stopped.

The emulator runs in its own virtualenv (.bq-emulator-venv/, created on first use by
scripts/bq-emulator.sh and cached). Each test gets datasets of its own in the emulator's
project, behind the DAGs' Airflow connection (`google_cloud_platform`, anonymous
credentials, extra `"emulator": true`) and BIGQUERY_EMULATOR_HOST.
"""

from __future__ import annotations

import itertools
import json

import pytest

from nba_backfill.local.bq_emulator import BigQueryEmulator, EmulatorUnavailable

_serial = itertools.count()


@pytest.fixture(scope="session")
def bq_emulator(tmp_path_factory):
    try:
        emulator = BigQueryEmulator.start(tmp_path_factory.mktemp("bq-emulator"))
    except EmulatorUnavailable as error:
        pytest.skip(f"BigQuery emulator unavailable: {error}")
    yield emulator
    emulator.stop()


def use_bigquery(monkeypatch, emulator: BigQueryEmulator) -> None:
    """Point the DAGs' connection at the emulator."""
    monkeypatch.setenv("BIGQUERY_EMULATOR_HOST", emulator.url)
    connection = {"conn_type": "google_cloud_platform", "extra": emulator.connection_extra()}
    monkeypatch.setenv("AIRFLOW_CONN_NBA_WAREHOUSE", json.dumps(connection))


def use_duckdb(monkeypatch, warehouse) -> None:
    connection = {"conn_type": "duckdb", "extra": {"path": str(warehouse.path)}}
    monkeypatch.setenv("AIRFLOW_CONN_NBA_WAREHOUSE", json.dumps(connection))


@pytest.fixture
def bq_warehouse(bq_emulator, monkeypatch, nba_env):
    """Empty raw, analytics and reference datasets of this test in the emulator, with the schema."""
    from nba_backfill.warehouse import get_warehouse

    n = next(_serial)
    nba_env(
        NBA_RAW_DATASET=f"nba_raw_{n}",
        NBA_ANALYTICS_DATASET=f"nba_analytics_{n}",
        NBA_REFERENCE_DATASET=f"nba_reference_{n}",
    )
    use_bigquery(monkeypatch, bq_emulator)
    warehouse = get_warehouse()
    warehouse.apply_schema()
    return warehouse
