"""The BigQuery query-job configuration the BigQuery backend submits."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from nba_backfill.sql import Identifiers, compile_bigquery
from nba_backfill.warehouse.base import QueryError, check_parameters, clean_labels
from nba_backfill.warehouse.bigquery_backend import (
    BytesLimitExceeded,
    build_job_configuration,
    check_estimate,
    query_parameter,
)


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


def test_maximum_bytes_billed_reaches_the_job_from_the_setting(monkeypatch):
    """NBA_MAXIMUM_BYTES_BILLED -> get_warehouse -> every job's maximumBytesBilled."""
    from nba_backfill.config import load_settings
    from nba_backfill.warehouse import get_warehouse

    # anonymous credentials: building a job configuration contacts nothing
    extra = {"project": "nba-prod-123", "is_anonymous": True}
    connection = {"conn_type": "google_cloud_platform", "extra": extra}
    monkeypatch.setenv("AIRFLOW_CONN_NBA_WAREHOUSE", json.dumps(connection))
    cfg = load_settings({"NBA_MAXIMUM_BYTES_BILLED": str(7 * 1024**3)})
    warehouse = get_warehouse(cfg=cfg)
    assert warehouse.emulator is False
    window = {"start_date": dt.date(2021, 10, 19), "end_date": dt.date(2021, 10, 25)}
    for dry_run in (False, True):
        config = warehouse.job_configuration(
            "pass2/merge_shot_zones",
            window,
            labels={"task_id": "merge_shot_zones"},
            dry_run=dry_run,
        )
        assert config["query"]["maximumBytesBilled"] == "7516192768"
        assert config["labels"] == {"sql": "pass2-merge_shot_zones", "task_id": "merge_shot_zones"}
        assert config.get("dryRun", False) is dry_run
    no_cap = get_warehouse(cfg=load_settings({"NBA_MAXIMUM_BYTES_BILLED": "0"}))
    assert (
        "maximumBytesBilled"
        not in no_cap.job_configuration("pass1/load_day", {"day": dt.date(2021, 10, 19)})["query"]
    )


def test_a_dry_run_estimate_above_the_cap_is_refused_naming_the_setting():
    limit = 50 * 1024**3
    check_estimate("pass2/merge_shot_zones", limit, limit)  # at the cap: runs
    check_estimate("pass2/merge_shot_zones", 10**15, 0)  # 0 = no cap
    check_estimate("pass2/merge_shot_zones", 10**15, None)
    with pytest.raises(BytesLimitExceeded) as refused:
        check_estimate("pass2/merge_shot_zones", 80 * 1024**3, limit)
    message = str(refused.value)
    assert message.startswith("pass2/merge_shot_zones: the dry run estimates 80.0 GiB")
    assert "above the limit of 50.0 GiB (NBA_MAXIMUM_BYTES_BILLED=53687091200)" in message
    assert "Raise NBA_MAXIMUM_BYTES_BILLED" in message
    assert "nothing was run" in message
    assert isinstance(refused.value, QueryError)


def test_the_merge_tasks_are_deferrable_warehouse_tasks():
    """load_day and merge_shot_zones defer on BigQuery; only Pass 2 dry-runs first."""
    from airflow.dag_processing.dagbag import DagBag

    from nba_backfill.config import PROJECT_ROOT
    from nba_backfill.operators import WarehouseTaskOperator

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    pass1, pass2 = bag.dags["nba_pass1_box_scores"], bag.dags["nba_pass2_shot_zones"]
    load_day, merge = pass1.get_task("load_day"), pass2.get_task("merge_shot_zones")
    for task in (load_day, merge):  # mapped: the class their instances will have
        assert issubclass(task.operator_class, WarehouseTaskOperator), task.task_id
    assert load_day.partial_kwargs.get("dry_run_first", False) is False
    assert merge.partial_kwargs["dry_run_first"] is True
    for task in (*pass1.tasks, *pass2.tasks):
        if task.task_id not in ("load_day", "merge_shot_zones"):
            assert not issubclass(task.operator_class, WarehouseTaskOperator), task.task_id


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("400 Resources exceeded during query execution: Not enough resources", "capacity"),
        ("400 Query exceeded resource limits. 12 CPU seconds were used", "capacity"),
        ("400 Query exceeded limit for bytes billed: 1000. 20971520 or higher required.", "capacity"),
        ("403 billingTierLimitExceeded", "capacity"),
        ("Out of Memory Error: failed to pin block of size 256.0 KiB", "capacity"),
        ("400 Syntax error: Unexpected keyword MERGE at [3:1]", "other"),
        ("400 Resources for project x: table not found", "other"),
        ("REJECTED nbac_schedule: game 1 has no date", "rejected"),
    ],
)  # fmt: skip
def test_statements_too_big_for_the_warehouse_are_told_apart(message, kind):
    """CapacityExceeded (Pass 2 then splits by season) only for the engines' own words."""
    from nba_backfill.warehouse.base import CapacityExceeded, DataRejected, query_error

    error = query_error("pass2/merge_shot_zones", "BigQuery", RuntimeError(message))
    assert isinstance(error, QueryError)
    assert isinstance(error, CapacityExceeded) == (kind == "capacity")
    assert isinstance(error, DataRejected) == (kind == "rejected")
    assert issubclass(BytesLimitExceeded, CapacityExceeded)  # the dry run's refusal too
