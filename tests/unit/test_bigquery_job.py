"""The BigQuery query-job configuration the BigQuery backend submits."""

from __future__ import annotations

import datetime as dt

import pytest

from nba_backfill.sql import Identifiers, compile_bigquery
from nba_backfill.warehouse.base import QueryError, check_parameters, clean_labels
from nba_backfill.warehouse.bigquery_backend import build_job_configuration, query_parameter


def test_pass1_job_configuration():
    compiled = compile_bigquery("pass1/load_day", Identifiers(project="nba-prod-123"))
    params = check_parameters("pass1/load_day", compiled.parameters, {"day": dt.date(2021, 10, 19)})
    config = build_job_configuration(
        compiled.text,
        params,
        labels={"dag_id": "nba_pass1_box_scores", "task_id": "load_day", "day": "2021-10-19"},
        maximum_bytes_billed=10 * 1024**3,
    )
    assert config == {
        "query": {
            "query": compiled.text,
            "useLegacySql": False,
            "parameterMode": "NAMED",
            "queryParameters": [
                {
                    "name": "day",
                    "parameterType": {"type": "DATE"},
                    "parameterValue": {"value": "2021-10-19"},
                }
            ],
            "priority": "INTERACTIVE",
            "maximumBytesBilled": "10737418240",
        },
        "labels": {"dag_id": "nba_pass1_box_scores", "task_id": "load_day", "day": "2021-10-19"},
    }
    assert "merge `nba-prod-123`.nba_analytics.player_game_summary" in compiled.text
    assert "2021-10-19" not in compiled.text  # the value is bound, never pasted


def test_dry_run_flag():
    config = build_job_configuration("select 1", {}, dry_run=True)
    assert config["dryRun"] is True
    assert "maximumBytesBilled" not in config["query"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2021, 10, 19), ({"type": "DATE"}, {"value": "2021-10-19"})),
        (dt.datetime(2021, 10, 19, 8, 0, tzinfo=dt.UTC), ({"type": "TIMESTAMP"}, {"value": "2021-10-19T08:00:00+00:00"})),
        (True, ({"type": "BOOL"}, {"value": "true"})),
        (7, ({"type": "INT64"}, {"value": "7"})),
        (0.5, ({"type": "FLOAT64"}, {"value": "0.5"})),
        ("x' or 1=1 --", ({"type": "STRING"}, {"value": "x' or 1=1 --"})),
        (
            [dt.date(2021, 10, 19), dt.date(2021, 10, 20)],
            ({"type": "ARRAY", "arrayType": {"type": "DATE"}}, {"arrayValues": [{"value": "2021-10-19"}, {"value": "2021-10-20"}]}),
        ),
    ],
)  # fmt: skip
def test_parameter_types(value, expected):
    param = query_parameter("p", value)
    assert (param["parameterType"], param["parameterValue"]) == expected


def test_missing_and_unbindable_parameters_are_refused():
    with pytest.raises(QueryError, match="missing query parameter"):
        check_parameters("pass1/load_day", ("day",), {})
    with pytest.raises(QueryError, match="unsupported type dict"):
        check_parameters("pass1/load_day", ("day",), {"day": {"a": 1}})
    with pytest.raises(QueryError, match="typed value"):
        query_parameter("day", None)


def test_labels_follow_bigquery_rules():
    assert clean_labels({"DAG ID": "NBA Pass1.Box", "9bad": "x", "day": "2021-10-19"}) == {
        "dag_id": "nba_pass1_box",
        "day": "2021-10-19",
    }
