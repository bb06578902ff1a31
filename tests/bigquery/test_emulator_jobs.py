"""The BigQuery backend's jobs on the emulator: a statement that refuses its data fails the
deferred task at once, and the dry run before a statement."""

from __future__ import annotations

import datetime as dt

import pytest

from nba_backfill import demo
from nba_backfill.local.runner import PASS1_DAG_ID, run_dag
from nba_backfill.warehouse import QueryError

from .test_emulator_dags import state_events
from helpers import insert, schedule

DAY = dt.date(2021, 10, 19)


@pytest.mark.e2e
def test_a_rejected_day_fails_its_deferred_task_without_retries(airflow_db, bq_warehouse):
    data = demo.generate(DAY, DAY)
    for name, table in data.tables.items():
        bq_warehouse.load_arrow(name, table)
    # A Final game whose id does not name its teams: load_day.sql stops with ERROR(REJECTED).
    bad = schedule("20211019_AAA_BBB")
    insert(bq_warehouse, "nbac_schedule", [{**bad, "away_team_abbr": "CCC"}])

    outcome = run_dag(PASS1_DAG_ID, {"start_date": DAY.isoformat(), "end_date": DAY.isoformat()})

    assert outcome.state == "failed"
    assert outcome.failed_tasks == [
        "load_day[2021-10-19]", "audit_range", "continue_range",
    ]  # fmt: skip
    assert outcome.task_states["audit_range:upstream_failed"] == 1
    # submitted, deferred, resumed with the trigger's error event, failed: no retry
    # (load_day has retries=2, DataRejected becomes AirflowFailException)
    assert state_events("load_day", bq_run=True) == {
        0: ("running", "deferred", "running", "failed")
    }
    # the day wrote nothing
    assert bq_warehouse.run("audit/table_rows", {"start_date": DAY, "end_date": DAY}).rows == []


def test_dry_run_on_the_emulator(bq_warehouse):
    window = {"start_date": DAY, "end_date": DAY}
    # A SELECT dry-runs: the emulator accepts the dry-run job and reports 0 bytes (it
    # reports 0 for every job, so it cannot show a refusal; see tests/unit).
    assert bq_warehouse.dry_run_bytes("audit/table_rows", window) == 0
    assert bq_warehouse.check_bytes("audit/table_rows", window) == 0
    # The emulator cannot dry-run the Pass 2 MERGE (two UPDATE/DELETE clauses): that is why
    # the connection's "emulator": true skips the dry run of a DML statement. If this
    # starts passing, a newer emulator can dry-run it and the skip can go.
    with pytest.raises(QueryError, match="only supports a single UPDATE/DELETE action"):
        bq_warehouse.dry_run_bytes("pass2/merge_shot_zones", window)
    assert bq_warehouse.emulator is True
    assert bq_warehouse.check_bytes("pass2/merge_shot_zones", window, is_dml=True) is None
