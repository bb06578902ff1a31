"""Which processes of the local Airflow take SQLite's write lock at BEGIN
(scripts/airflow-config/airflow_local_settings.py): the one-shot CLI commands, however
they are started, and never the long-running components or commands that nest sessions."""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import text

from nba_backfill.local.airflow_services import cli_takes_write_lock, sqlite_metadata_engine

PY = "/venv/bin/python"


@pytest.mark.parametrize(
    "orig_argv",
    [
        [PY, "/venv/bin/airflow", "backfill", "create", "--dag-id", "x"],
        [PY, "-m", "airflow", "backfill", "create", "--dag-id", "x"],
        [PY, "-u", "-X", "utf8", "-m", "airflow", "dags", "trigger", "x"],
        [PY, "/venv/bin/airflow", "dags", "unpause", "x"],
        [PY, "airflow", "pools", "set", "p", "1", "d"],
    ],
)
def test_one_shot_cli_commands_take_the_write_lock(orig_argv):
    assert cli_takes_write_lock(orig_argv)


@pytest.mark.parametrize(
    "orig_argv",
    [
        [PY, "/venv/bin/airflow", "scheduler", "--skip-serve-logs"],
        [PY, "-m", "airflow", "api-server"],
        [PY, "/venv/bin/airflow", "dag-processor"],
        [PY, "/venv/bin/airflow", "triggerer", "--skip-serve-logs"],
        [PY, "/venv/bin/airflow", "db", "migrate"],
        [PY, "-m", "airflow", "dags", "test", "x", "2021-10-19"],
        [PY, "/venv/bin/airflow", "tasks", "test", "x", "t"],
        [PY, "/venv/bin/airflow"],
        [PY, "-m", "pytest", "tests/"],
        [PY, "-m", "nba_backfill.cli", "progress"],
        [PY, "-c", "import airflow"],
        [PY, "/venv/bin/airflow-like", "backfill", "create"],
    ],
)
def test_components_and_other_programs_keep_deferred_transactions(orig_argv):
    assert not cli_takes_write_lock(orig_argv)


def test_a_write_lock_taken_at_begin_waits_instead_of_failing(tmp_path):
    """The failure the recipe met: a deferred transaction that read, then writes while
    another process writes, fails at once with "database is locked". Taken at BEGIN, the
    lock is waited for (busy timeout), and the write lands."""
    db = tmp_path / "metadata.db"
    with sqlite3.connect(db) as setup:
        setup.execute("create table t (x int)")
    engine = sqlite_metadata_engine(f"sqlite:///{db}", engine_args={}, connect_args={"timeout": 30})
    holder = sqlite3.connect(db, isolation_level=None, timeout=30, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("insert into t values (1)")
    release = threading.Timer(1.0, lambda: (holder.execute("COMMIT"), holder.close()))
    release.start()
    started = time.monotonic()
    with engine.begin() as conn:
        conn.execute(text("insert into t values (2)"))
    release.join()
    assert time.monotonic() - started >= 0.9  # it waited for the other writer
    with sqlite3.connect(db) as check:
        assert sorted(r[0] for r in check.execute("select x from t")) == [1, 2]
