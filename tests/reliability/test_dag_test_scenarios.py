"""Reliability scenarios through dag.test(): repetition and order give the clean table."""

from __future__ import annotations

import pytest

from nba_backfill.checksum import table_checksum
from nba_backfill.runner import PASS1_DAG_ID, PASS2_DAG_ID, run_dag

from .conftest import END, PARAMS, START, load_raw

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
