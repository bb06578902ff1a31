"""DagBag integrity: the DAG files import cleanly and follow the project's conventions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def bag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_no_import_errors(bag):
    assert bag.import_errors == {}
    assert {"nba_pass1_box_scores", "nba_pass2_shot_zones"} <= set(bag.dag_ids)


def test_every_dag_has_owner_tags_retries_and_docs(bag):
    for dag_id in bag.dag_ids:
        dag = bag.dags[dag_id]
        assert dag.tags and "nba" in dag.tags, dag_id
        assert dag.doc_md and len(dag.doc_md) > 200, dag_id
        assert dag.catchup is False, dag_id
        for task in dag.tasks:
            assert task.owner == "data-platform", (dag_id, task.task_id)
            assert task.retries is not None, (dag_id, task.task_id)


def test_pass1_shape(bag):
    from nba_backfill.assets import PLAYER_GAME_SUMMARY

    dag = bag.dags["nba_pass1_box_scores"]
    assert set(dag.task_ids) == {
        "plan_days", "load_day", "audit_range", "continue_range",
    }  # fmt: skip
    assert set(dag.params) == {"start_date", "end_date", "sweep_history", "chain_runs"}
    assert dag.params["chain_runs"] is False
    # a chain goes on only after the run's audit passed, with the rest of its range
    continue_range = dag.get_task("continue_range")
    assert continue_range.upstream_task_ids == {"audit_range"}
    assert continue_range.partial_kwargs["trigger_dag_id"] == "nba_pass1_box_scores"
    for name in ("start_date", "end_date"):
        schema = dag.params.get_param(name).schema
        assert schema["format"] == "date"  # a date picker in the trigger form
        assert schema["type"] == ["null", "string"]
    assert dag.params["sweep_history"] is False
    load_day = dag.get_task("load_day")
    assert load_day.pool == "nba_warehouse_writes"
    assert load_day.map_index_template == "{{ task.op_kwargs['day'] }}"
    assert load_day.retries == 2
    # a warehouse hiccup while planning is retried (invalid params fail at once: they raise
    # AirflowFailException); the audit is not
    assert dag.get_task("plan_days").retries == 2
    assert dag.get_task("audit_range").retries == 0
    assert dag.get_task("audit_range").outlets == [PLAYER_GAME_SUMMARY]
    assert dag.get_task("load_day").upstream_task_ids == {"plan_days"}
    assert dag.get_task("audit_range").upstream_task_ids == {"plan_days", "load_day"}
    # an empty map (no game day) skips the audit without starting a task process
    assert dag.get_task("audit_range").trigger_rule == "all_success"
    # one run per game day, due 06:00 US Eastern the morning after; registered by a plugin,
    # so the serialized DAG (what the scheduler and `airflow backfill create` read) keeps it
    from airflow.serialization.serialized_objects import DagSerialization

    from nba_backfill.timetable import GameDayTimetable

    assert dag.timetable == GameDayTimetable(ready_hour=6)
    assert DagSerialization.deserialize_dag(DagSerialization.serialize_dag(dag)).timetable == (
        GameDayTimetable(ready_hour=6)
    )


def test_dag_files_are_wiring_only():
    """No heavy imports at module level (pandas, duckdb, google clients) in DAG files."""
    heavy = {"pandas", "duckdb", "google", "pyarrow", "numpy", "sqlglot"}
    for path in DAGS.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                assert not any(n.split(".")[0] in heavy for n in names), (path.name, names)


def test_pass2_shape(bag):
    from nba_backfill.assets import PLAYER_GAME_SUMMARY

    dag = bag.dags["nba_pass2_shot_zones"]
    assert set(dag.task_ids) == {
        "wait_for_pass1", "plan_windows", "merge_shot_zones", "audit_shot_zones",
    }  # fmt: skip
    assert set(dag.params) == {"start_date", "end_date", "windows", "sweep_history"}
    assert dag.params.get_param("start_date").schema["format"] == "date"
    assert dag.params["windows"] == 1
    # woken by Pass 1's asset, and by a daily safety net when an event is lost
    assert type(dag.timetable).__name__ == "AssetOrTimeSchedule"
    assert list(dag.timetable.asset_condition.objects) == [PLAYER_GAME_SUMMARY]
    assert dag.timetable.timetable.expression == "30 7 * * *"
    assert str(dag.timetable.timetable.timezone) == "America/New_York"
    wait = dag.get_task("wait_for_pass1")
    assert wait.mode == "reschedule"  # no worker slot held while waiting
    # a poke only reads run counts: tried again after a busy scheduler fails one, and not
    # rescheduled sooner than 10 s (what makes a busy scheduler fail it)
    assert wait.retries >= 2 and wait.min_poke >= 10
    assert dag.get_task("plan_windows").upstream_task_ids == {"wait_for_pass1"}
    merge = dag.get_task("merge_shot_zones")
    assert merge.pool == "nba_warehouse_writes"
    assert dag.max_active_runs == 1


def test_the_assets_consumers_wait_for(bag):
    """Pass 1 announces the table (box scores), Pass 2 the shot zones after its audit; the
    example consumer is scheduled on the shot zones."""
    from nba_backfill.assets import PLAYER_GAME_SUMMARY, SHOT_ZONES

    pass2 = bag.dags["nba_pass2_shot_zones"]
    assert pass2.get_task("audit_shot_zones").outlets == [SHOT_ZONES]
    assert pass2.get_task("audit_shot_zones").retries == 0
    assert SHOT_ZONES.name == "nba_analytics.player_game_summary.shot_zones"
    assert SHOT_ZONES.uri != PLAYER_GAME_SUMMARY.uri
    consumer = bag.dags["example_training_export"]
    assert list(consumer.timetable.asset_condition.objects) == [SHOT_ZONES]
    assert set(consumer.task_ids) == {"export_seasons"}
    assert consumer.max_active_runs == 1
