"""Local tooling: the project-local Airflow, the BigQuery emulator and the `dag.test()`
runner, for `make` targets, the tests and the benchmark.

Nothing here is imported by a DAG task, a DAG file or a plugin: production (the DAGs,
the plugins and the production commands of `python -m nba_backfill.cli`) runs from the
modules of `nba_backfill` itself, and a deployment may leave this folder out.

- `airflow_services`: the local SQLite metadata DB's settings (the 60 s busy timeout that
  scripts/env.sh names in AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS, and the BEGIN
  IMMEDIATE engine of the one-shot `airflow` CLI commands, installed by
  scripts/airflow-config/airflow_local_settings.py), `airflow_cli` / `airflow_env` to run
  the `airflow` CLI, and `AirflowServices`, which starts api-server, scheduler,
  dag-processor and triggerer on 127.0.0.1 for the tests and the benchmark.
- `bq_emulator`: installs, starts and stops a local BigQuery API emulator (tests/bigquery,
  tests/ui).
- `runner`: runs a DAG through `dag.test()` in this process and summarises the run
  (`make demo`, tests, bench), and settles the runs a killed `dag.test()` left behind
  (`python -m nba_backfill.cli settle-orphans`).
"""
