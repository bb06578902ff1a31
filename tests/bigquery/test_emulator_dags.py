"""Both DAGs through real Airflow (`dag.test()`) on a BigQuery API emulator.

The BigQuery backend runs the production SQL files unchanged (partitioning, clustering,
require_partition_filter included), as query jobs with named parameters, labels and
maximumBytesBilled; load_day and merge_shot_zones submit their MERGE and DEFER on the
Google provider's BigQueryInsertJobTrigger, which dag.test() runs in line, then resume and
collect the job. The table they build must be the one DuckDB builds from the same data.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nba_backfill import demo
from nba_backfill.checksum import table_checksum, table_rows
from nba_backfill.local.runner import PASS1_DAG_ID, PASS2_DAG_ID, run_dag
from nba_backfill.warehouse import duckdb_warehouse

from .conftest import use_bigquery, use_duckdb

pytestmark = pytest.mark.e2e

START, END = dt.date(2021, 10, 19), dt.date(2021, 10, 22)
PARAMS = {"start_date": START.isoformat(), "end_date": END.isoformat()}
MAX_BYTES = 3 * 1024**3  # NBA_MAXIMUM_BYTES_BILLED for this test: it must reach every job


def load(warehouse, data) -> None:
    for name, table in data.tables.items():
        assert warehouse.load_arrow(name, table) == table.num_rows


def both_passes() -> dict:
    pass1 = run_dag(
        PASS1_DAG_ID, PARAMS, xcom_tasks=("plan_days", "load_day", "audit_range:figures")
    )
    assert pass1.ok, pass1
    pass2 = run_dag(PASS2_DAG_ID, PARAMS, xcom_tasks=("merge_shot_zones", "audit_shot_zones"))
    assert pass2.ok, pass2
    return {**pass1.xcoms, **pass2.xcoms}


def rounded(rows: list[dict]) -> list[dict]:
    return [{k: round(v, 9) if isinstance(v, float) else v for k, v in r.items()} for r in rows]


def test_both_passes_on_bigquery_build_the_duckdb_table(
    airflow_db, bq_emulator, bq_warehouse, tmp_path, monkeypatch, nba_env
):
    nba_env(NBA_MAXIMUM_BYTES_BILLED=str(MAX_BYTES))
    data = demo.generate(START, END)

    # DuckDB, the reference: same data, same DAGs.
    duck = duckdb_warehouse(tmp_path / "reference.duckdb")
    duck.apply_schema()
    load(duck, data)
    use_duckdb(monkeypatch, duck)
    duck_xcoms = both_passes()

    # BigQuery (the emulator).
    load(bq_warehouse, data)
    use_bigquery(monkeypatch, bq_emulator)
    bq_xcoms = both_passes()

    # The game days, and what each day's MERGE wrote (BigQuery: from the collected job).
    days = [
        d.isoformat() for d in sorted(set(data.tables["nbac_schedule"]["game_date"].to_pylist()))
    ]
    assert bq_xcoms["plan_days"] == duck_xcoms["plan_days"] == days
    rows_per_day = {x["day"]: x["rows"] for x in bq_xcoms["load_day"]}
    assert rows_per_day == {x["day"]: x["rows"] for x in duck_xcoms["load_day"]}
    assert all(rows > 0 for rows in rows_per_day.values())
    assert bq_xcoms["merge_shot_zones"]["rows"] == duck_xcoms["merge_shot_zones"]["rows"] > 0
    assert bq_xcoms["audit_range:figures"] == duck_xcoms["audit_range:figures"]
    assert bq_xcoms["audit_shot_zones"] == duck_xcoms["audit_shot_zones"]

    # The table: every column but the processing timestamps, row for row.
    bq_rows, duck_rows = table_rows(bq_warehouse, START, END), table_rows(duck, START, END)
    assert len(bq_rows) == len(duck_rows) == data.expected.num_rows
    assert rounded(bq_rows) == rounded(duck_rows)
    assert table_checksum(bq_warehouse, START, END) == table_checksum(duck, START, END)

    # Each BigQuery MERGE task deferred (submitted, waited for by BigQueryInsertJobTrigger
    # in line, resumed); on DuckDB the same tasks ran straight through.
    for task_id in ("load_day", "merge_shot_zones"):
        bq_events, duck_events = state_events(task_id, bq_run=True), state_events(task_id)
        assert set(bq_events.values()) == {("running", "deferred", "running", "success")}
        assert set(duck_events.values()) == {("running", "success")}
        assert len(bq_events) == len(duck_events) == (len(days) if task_id == "load_day" else 1)

    # One job per MERGE (the resumed task collected it, it did not submit it again), with
    # the labels and the byte cap of the configuration.
    jobs = merge_jobs(bq_warehouse)
    assert sorted(j["labels"].get("day", "") for j in jobs["pass1-load_day"]) == days
    for job in jobs["pass1-load_day"]:
        assert job["labels"] == {
            "sql": "pass1-load_day",
            "dag_id": PASS1_DAG_ID,
            "task_id": "load_day",
            "day": job["labels"]["day"],
        }
    [pass2_job] = jobs["pass2-merge_shot_zones"]
    assert pass2_job["labels"] == {
        "sql": "pass2-merge_shot_zones",
        "dag_id": PASS2_DAG_ID,
        "task_id": "merge_shot_zones",
        "start": START.isoformat(),
        "end": END.isoformat(),
    }
    for job in [*jobs["pass1-load_day"], pass2_job]:
        assert job["maximum_bytes_billed"] == MAX_BYTES
        assert job["statement_type"] == "MERGE"
        assert job["state"] == "DONE" and job["error"] is None


def state_events(task_id: str, *, bq_run: bool = False) -> dict[int, tuple[str, ...]]:
    """The state changes of the latest run's task instances, from Airflow's audit log."""
    from airflow.models.dagrun import DagRun
    from airflow.models.log import Log
    from airflow.utils.session import create_session

    dag_id = PASS1_DAG_ID if task_id == "load_day" else PASS2_DAG_ID
    with create_session() as session:
        runs = (
            session.query(DagRun).filter_by(dag_id=dag_id).order_by(DagRun.id.desc()).limit(2).all()
        )
        run_id = runs[0 if bq_run else 1].run_id  # BigQuery ran after DuckDB
        events: dict[int, tuple[str, ...]] = {}
        logs = (
            session.query(Log)
            .filter_by(dag_id=dag_id, task_id=task_id, run_id=run_id)
            .order_by(Log.id)
            .all()
        )
        for entry in logs:
            events[entry.map_index] = (*events.get(entry.map_index, ()), entry.event)
        return events


def merge_jobs(warehouse) -> dict[str, list[dict]]:
    """The emulator's MERGE jobs of this test's datasets, by their `sql` label."""
    client = warehouse.hook.get_client(project_id=warehouse.project)
    out: dict[str, list[dict]] = {}
    for job in client.list_jobs(all_users=True):
        if getattr(job, "statement_type", None) != "MERGE":
            continue
        if f"{warehouse.identifiers.analytics_dataset}.player_game_summary" not in job.query:
            continue
        out.setdefault(job.labels["sql"], []).append(
            {
                "labels": job.labels,
                "maximum_bytes_billed": job.maximum_bytes_billed,
                "statement_type": job.statement_type,
                "state": job.state,
                "error": job.error_result,
            }
        )
    return out
