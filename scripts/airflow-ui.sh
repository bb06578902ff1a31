#!/usr/bin/env bash
# Start a local Airflow on 127.0.0.1 (api-server + UI, scheduler, dag-processor, triggerer)
# with the project's environment. Ctrl-C stops all of them.
# `airflow standalone` binds its log servers to all addresses, so the parts are started
# one by one here, with their log servers off.
set -euo pipefail
: "${AIRFLOW_HOME:?source scripts/env.sh first}"
logs="$AIRFLOW_HOME/logs/processes"
mkdir -p "$logs"
pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

airflow api-server --host 127.0.0.1 --port "$AIRFLOW__API__PORT" >"$logs/api-server.log" 2>&1 & pids+=($!)
airflow scheduler --skip-serve-logs >"$logs/scheduler.log" 2>&1 & pids+=($!)
airflow dag-processor >"$logs/dag-processor.log" 2>&1 & pids+=($!)
airflow triggerer --skip-serve-logs >"$logs/triggerer.log" 2>&1 & pids+=($!)

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$AIRFLOW__API__PORT/api/v2/monitor/health" >/dev/null 2>&1 && break
  sleep 1
done
password_file="$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"
echo "Airflow UI: http://127.0.0.1:$AIRFLOW__API__PORT  (user admin, password in $password_file:"
cat "$password_file" 2>/dev/null || true
echo ")"
echo "Process logs in $logs. New DAGs start paused: airflow dags unpause nba_pass1_box_scores"
echo "Ctrl-C stops everything."
wait
