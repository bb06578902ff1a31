#!/usr/bin/env bash
# Initialise the project-local Airflow (idempotent): metadata DB, the write pool.
set -euo pipefail
mkdir -p "$AIRFLOW_HOME"
airflow db migrate >"$AIRFLOW_HOME/db-migrate.log" 2>&1 || { cat "$AIRFLOW_HOME/db-migrate.log"; exit 1; }
python -m nba_backfill.cli ensure-pool
