"""Airflow local settings of the project-local Airflow (scripts/env.sh puts this folder on
PYTHONPATH; production deployments do not).

On the local SQLite metadata DB, an `airflow` CLI command (`backfill create`, `dags
trigger`, `dags unpause`, ...) starts every transaction with BEGIN IMMEDIATE, so that it
waits for the running scheduler, dag-processor and api-server instead of failing with
"database is locked" (see nba_backfill/local/airflow_services.py for why). The long-running
components, `airflow db ...` and `airflow dags test` keep SQLite's default: they open
sessions inside sessions, which would then wait for themselves.
"""

import sys

from nba_backfill.local.airflow_services import cli_takes_write_lock, sqlite_metadata_engine

if cli_takes_write_lock(sys.orig_argv):
    create_metadata_engine = sqlite_metadata_engine
    __all__ = ["create_metadata_engine"]
else:
    __all__ = []
