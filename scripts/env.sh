# Environment for running Airflow and the tools of this project locally.
# Usage: `source scripts/env.sh` (the Makefile does it for every target).
# Everything stays inside the checkout: AIRFLOW_HOME is .airflow/ (SQLite metadata DB),
# the embedded warehouse is data/warehouse.duckdb; both are git-ignored.
_nba_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
export NBA_PROJECT_ROOT="$_nba_root"
export AIRFLOW_HOME="${AIRFLOW_HOME_OVERRIDE:-$_nba_root/.airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$_nba_root/dags"
export AIRFLOW__CORE__PLUGINS_FOLDER="$_nba_root/plugins"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__EXECUTOR="${AIRFLOW__CORE__EXECUTOR:-LocalExecutor}"
export AIRFLOW__CORE__DEFAULT_TIMEZONE=utc
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="${AIRFLOW__DATABASE__SQL_ALCHEMY_CONN:-sqlite:///$AIRFLOW_HOME/airflow.db}"
case "$AIRFLOW__DATABASE__SQL_ALCHEMY_CONN" in
  sqlite:*)
    # SQLite takes one writer at a time: writers wait for each other (60 s busy timeout,
    # every transaction BEGIN IMMEDIATE: scripts/airflow-config/airflow_local_settings.py)
    # instead of failing with "database is locked"
    export AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS=nba_backfill.local.airflow_services.SQLITE_CONNECT_ARGS
    export AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC=nba_backfill.local.airflow_services.SQLITE_CONNECT_ARGS_ASYNC
    export PYTHONPATH="$_nba_root/scripts/airflow-config${PYTHONPATH:+:$PYTHONPATH}" ;;
esac
export AIRFLOW__API__HOST=127.0.0.1
export AIRFLOW__API__PORT="${AIRFLOW__API__PORT:-8080}"
# tasks reach the api-server's execution API here: it must follow the API port
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$AIRFLOW__API__PORT/execution/"
# LocalExecutor starts one worker process per slot (Airflow's default is 32): a few per
# core are enough here, the work itself runs in the warehouse
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-$(( $(nproc 2>/dev/null || echo 2) * 2 ))}"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS:-admin:admin}"
# The embedded DuckDB warehouse serialises writes itself (one process at a time holds the
# file), so its write pool can be wider than BigQuery's 2 concurrent DML per table: 6
# slots let task start-up overlap another task's SQL. BigQuery deployments keep 2.
export NBA_WRITE_POOL_SLOTS="${NBA_WRITE_POOL_SLOTS:-6}"
# The warehouse the DAGs use: an Airflow connection (one setting picks it, see README).
export NBA_WAREHOUSE_CONN_ID="${NBA_WAREHOUSE_CONN_ID:-nba_warehouse}"
if [ -z "${AIRFLOW_CONN_NBA_WAREHOUSE:-}" ]; then
  export AIRFLOW_CONN_NBA_WAREHOUSE="{\"conn_type\": \"duckdb\", \"extra\": {\"path\": \"$_nba_root/data/warehouse.duckdb\"}}"
fi
export PATH="$_nba_root/.venv/bin:$PATH"
unset _nba_root
