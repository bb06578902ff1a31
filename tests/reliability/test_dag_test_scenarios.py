"""Reliability scenarios through dag.test(): repetition and order give the clean table."""

from __future__ import annotations

import pytest

from nba_backfill.checksum import table_checksum
from nba_backfill.local.runner import PASS1_DAG_ID, PASS2_DAG_ID, run_dag

from .bad_params import CASES, NO_GAMES
from .conftest import END, PARAMS, START, load_raw
from helpers import summary_rows

pytestmark = pytest.mark.e2e


def run(dag_id):
    outcome = run_dag(dag_id, PARAMS)
    assert outcome.ok, outcome
    return outcome


def test_repeat_both_passes_three_times(warehouse, airflow_db, reliability_data, baseline):
    load_raw(warehouse, reliability_data)
    for _ in range(3):
        run(PASS1_DAG_ID)
        run(PASS2_DAG_ID)
        assert table_checksum(warehouse, START, END) == baseline


def test_pass2_before_pass1(warehouse, airflow_db, reliability_data, baseline):
    load_raw(warehouse, reliability_data)
    run(PASS2_DAG_ID)
    run(PASS1_DAG_ID)
    assert table_checksum(warehouse, START, END) == baseline


@pytest.mark.parametrize(
    ("case", "dag_id", "conf", "refused_by", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_params_through_dag_test(
    case, dag_id, conf, refused_by, words, warehouse, airflow_db, reliability_data, capfd, caplog
):
    from airflow.sdk.exceptions import ParamValidationError

    load_raw(warehouse, reliability_data)
    if refused_by == "schema":
        with pytest.raises(ParamValidationError) as error:
            run_dag(dag_id, conf)
        message = str(error.value)
    else:
        outcome = run_dag(dag_id, conf)
        assert outcome.state == "failed" and outcome.failed_tasks[0] in (
            "plan_days",
            "plan_windows",
        )
        assert [
            t for t in outcome.task_states if t.startswith(("load_day", "merge_shot_zones"))
        ] in (
            [],
            ["load_day:upstream_failed"],
            ["merge_shot_zones:upstream_failed"],
        )
        captured = capfd.readouterr()
        message = captured.out + captured.err + caplog.text
    for word in words:
        assert word in message, (case, message[-2000:])
    assert summary_rows(warehouse) == {}  # nothing was written


def test_a_range_without_games_does_nothing_and_says_so(
    warehouse, airflow_db, reliability_data, caplog
):
    load_raw(warehouse, reliability_data)
    outcome = run_dag(PASS1_DAG_ID, NO_GAMES)
    assert outcome.ok
    assert "no Final games in this range, nothing to load" in caplog.text
    assert summary_rows(warehouse) == {}
