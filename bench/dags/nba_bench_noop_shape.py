"""The floor of a Pass 1 backfill run, for `make bench` only (never deployed): a DAG of
Pass 1's shape and timetable whose tasks do nothing.

plan_days -> load_day (mapped: one instance on a game day, none on a day without games)
-> audit_range, one run per game day (GameDayTimetable), so `airflow backfill create`
over it costs what Airflow itself costs per run and task process. The game days come from
the JSON file named by NBA_BENCH_GAME_DAYS (written by bench/run.py from the schedule).
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import dag, task

from nba_backfill.timetable import GameDayTimetable


@dag(
    dag_id="nba_bench_noop_shape",
    schedule=GameDayTimetable(ready_hour=6),
    start_date=dt.datetime(2021, 10, 1, tzinfo=dt.UTC),
    catchup=False,
    max_active_runs=4,
    default_args={"owner": "bench", "retries": 0},
    tags=["bench"],
)
def nba_bench_noop_shape():
    @task
    def plan_days(data_interval_start=None):
        import json
        import os

        from nba_backfill.timetable import game_day_of

        day = game_day_of(data_interval_start).isoformat()
        with open(os.environ["NBA_BENCH_GAME_DAYS"]) as f:
            return [day] if day in set(json.load(f)) else []

    @task(pool="nba_warehouse_writes", map_index_template="{{ task.op_kwargs['day'] }}")
    def load_day(day: str):
        return {"day": day}

    @task
    def audit_range(days: list):
        return len(days)

    days = plan_days()
    loaded = load_day.expand(day=days)
    loaded >> audit_range(days)


nba_bench_noop_shape()
