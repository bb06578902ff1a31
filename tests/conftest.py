"""Test set-up: a private Airflow (its own AIRFLOW_HOME and SQLite DB) and DuckDB warehouses.

The Airflow environment is set before anything imports Airflow, so the suite never touches
the project's .airflow/ and runs the same on a clean machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Two real games (pbpstats test data, MIT; see its LICENSE file), vendored from
# ../shared/fixtures/real-games so that a lone clone has them.
FIXTURES = ROOT / "tests" / "fixtures" / "real-games"

_HOME = Path(tempfile.mkdtemp(prefix="nba-airflow-test-"))
# tests/sql/test_sql_mutations.py runs the SQL tests against a mutated copy of include/sql
_MUTATED_SQL_DIR = os.environ.get("NBA_TEST_SQL_DIR")
# the tests' own settings, whatever the caller's shell exports (but where the tests write
# their screenshots and which Chromium they drive are the caller's to choose)
_TEST_TOOLING = {"NBA_SCREENSHOT_DIR", "NBA_CHROMIUM", "NBA_TEST_SQL_CACHE"}
for key in [k for k in os.environ if k.startswith(("NBA_", "AIRFLOW_CONN_", "AIRFLOW__"))]:
    if key not in _TEST_TOOLING:
        del os.environ[key]
os.environ.update(
    {
        "AIRFLOW_HOME": str(_HOME),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_HOME}/airflow.db",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS": "nba_backfill.local.airflow_services.SQLITE_CONNECT_ARGS",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC": "nba_backfill.local.airflow_services.SQLITE_CONNECT_ARGS_ASYNC",
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": "utc",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "NBA_LOCAL_DATA_DIR": str(_HOME / "data"),
    }
)


if _MUTATED_SQL_DIR:
    import nba_backfill.config
    import nba_backfill.sql

    nba_backfill.config.SQL_DIR = nba_backfill.sql.SQL_DIR = Path(_MUTATED_SQL_DIR)


@pytest.fixture(scope="session")
def airflow_db():
    """A migrated metadata DB and the write pool, once per session."""
    result = subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    from nba_backfill.cli import ensure_pool
    from nba_backfill.config import settings

    ensure_pool(settings().write_pool, settings().write_pool_slots, "test pool")
    return _HOME


@pytest.fixture(autouse=True)
def _fresh_settings():
    """Settings are read once per process; tests that change NBA_* env re-read them."""
    from nba_backfill.config import settings

    settings.cache_clear()
    yield
    settings.cache_clear()


@pytest.fixture(scope="session")
def empty_warehouse_file(tmp_path_factory) -> Path:
    """A DuckDB file with the schema and no rows, made once: each test's warehouse is a
    copy (the DDL through the warehouse, nine statements, costs more than many tests)."""
    from nba_backfill.warehouse import duckdb_warehouse

    path = tmp_path_factory.mktemp("schema") / "empty.duckdb"
    template = duckdb_warehouse(path)
    template.apply_schema()
    template.checkpoint()
    return path


@pytest.fixture
def warehouse(tmp_path, monkeypatch, empty_warehouse_file):
    """An empty DuckDB warehouse with the schema, behind the DAGs' Airflow connection. Its
    transpiled SQL is cached for the session (for every mutation run, when
    tests/sql/test_sql_mutations.py sets NBA_TEST_SQL_CACHE): entries are keyed by the SQL
    text, so a mutated file never meets another's entry."""
    import shutil

    from nba_backfill.warehouse import duckdb_warehouse

    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(empty_warehouse_file, path)
    connection = {"conn_type": "duckdb", "extra": {"path": str(path)}}
    monkeypatch.setenv("AIRFLOW_CONN_NBA_WAREHOUSE", json.dumps(connection))
    wh = duckdb_warehouse(path)
    wh.sql_cache_dir = Path(os.environ.get("NBA_TEST_SQL_CACHE") or empty_warehouse_file.parent)
    return wh


@pytest.fixture
def nba_env(monkeypatch):
    """Set NBA_* settings for one test (settings are re-read after each change)."""
    from nba_backfill.config import settings

    def set_env(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(key, value)
        settings.cache_clear()

    return set_env
