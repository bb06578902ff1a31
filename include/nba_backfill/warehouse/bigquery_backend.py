"""Production warehouse: BigQuery through apache-airflow-providers-google.

Every statement is a query job with named parameters (`parameterMode: NAMED`), labels
that name the DAG, task and day, and a `maximumBytesBilled` cap. The job configuration is
built by a pure function (`build_job_configuration`) so that it can be unit-tested and
handed unchanged to `BigQueryInsertJobOperator` where a deferrable job is wanted.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Mapping
from typing import Any

from nba_backfill.sql import Identifiers, compile_bigquery
from nba_backfill.warehouse.base import (
    QueryError,
    QueryResult,
    Warehouse,
    check_parameters,
    clean_labels,
    query_error,
)

log = logging.getLogger(__name__)


def _scalar_type(value: Any) -> str:
    # Order matters: bool is an int, datetime is a date.
    if isinstance(value, bool):
        return "BOOL"
    if isinstance(value, int):
        return "INT64"
    if isinstance(value, float):
        return "FLOAT64"
    if isinstance(value, dt.datetime):
        return "TIMESTAMP"
    if isinstance(value, dt.date):
        return "DATE"
    if isinstance(value, str):
        return "STRING"
    raise QueryError(f"no BigQuery type for {type(value).__name__}")


def _scalar_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def query_parameter(name: str, value: Any) -> dict[str, Any]:
    """One named query parameter in the REST API's representation."""
    if isinstance(value, list | tuple):
        if not value:
            raise QueryError(f"@{name}: an empty array has no element type; pass one value")
        element = _scalar_type(value[0])
        return {
            "name": name,
            "parameterType": {"type": "ARRAY", "arrayType": {"type": element}},
            "parameterValue": {"arrayValues": [{"value": _scalar_value(v)} for v in value]},
        }
    if value is None:
        raise QueryError(f"@{name} is None: BigQuery needs a typed value")
    return {
        "name": name,
        "parameterType": {"type": _scalar_type(value)},
        "parameterValue": {"value": _scalar_value(value)},
    }


def build_job_configuration(
    sql: str,
    params: Mapping[str, Any],
    *,
    labels: Mapping[str, Any] | None = None,
    maximum_bytes_billed: int | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    """The `configuration` of a BigQuery query job (jobs.insert REST representation)."""
    query: dict[str, Any] = {
        "query": sql,
        "useLegacySql": False,
        "parameterMode": "NAMED",
        "queryParameters": [query_parameter(k, v) for k, v in params.items()],
        "priority": "INTERACTIVE",
    }
    if maximum_bytes_billed:
        # The API takes int64 values as strings.
        query["maximumBytesBilled"] = str(int(maximum_bytes_billed))
    configuration: dict[str, Any] = {"query": query, "labels": clean_labels(labels)}
    if dry_run:
        configuration["dryRun"] = True
    return configuration


class BigQueryWarehouse(Warehouse):
    backend = "bigquery"

    def __init__(
        self,
        gcp_conn_id: str,
        *,
        raw_dataset: str = "nba_raw",
        analytics_dataset: str = "nba_analytics",
        location: str | None = "US",
        maximum_bytes_billed: int | None = None,
        project: str | None = None,
    ) -> None:
        from airflow.providers.google.cloud.hooks.bigquery import BigQueryHook

        self.hook = BigQueryHook(gcp_conn_id=gcp_conn_id, use_legacy_sql=False, location=location)
        self.project = project or self.hook.project_id
        if not self.project:
            raise QueryError(
                f"connection {gcp_conn_id!r} names no Google Cloud project: set its extra "
                '"project" (or the key file\'s project)'
            )
        self.identifiers = Identifiers(raw_dataset, analytics_dataset, project=self.project)
        self.location = location
        self.maximum_bytes_billed = maximum_bytes_billed

    def __repr__(self) -> str:
        return f"BigQueryWarehouse(project={self.project!r}, location={self.location!r})"

    def job_configuration(
        self,
        sql_name: str,
        params: Mapping[str, Any] | None = None,
        *,
        labels: Mapping[str, Any] | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        compiled = compile_bigquery(sql_name, self.identifiers)
        bound = check_parameters(sql_name, compiled.parameters, params or {})
        return build_job_configuration(
            compiled.text,
            bound,
            labels={"sql": sql_name.replace("/", "-"), **(labels or {})},
            maximum_bytes_billed=self.maximum_bytes_billed,
            dry_run=dry_run,
        )

    def run(
        self,
        sql_name: str,
        params: Mapping[str, Any] | None = None,
        *,
        labels: Mapping[str, str] | None = None,
    ) -> QueryResult:
        configuration = self.job_configuration(sql_name, params, labels=labels)
        started = time.perf_counter()
        try:
            job = self.hook.insert_job(
                configuration=configuration, project_id=self.project, location=self.location
            )
        except Exception as error:  # google.api_core errors carry the job's message
            raise query_error(sql_name, "BigQuery", error) from error
        result = QueryResult(
            sql_name=sql_name,
            job_id=job.job_id,
            bytes_processed=getattr(job, "total_bytes_processed", None),
        )
        if getattr(job, "statement_type", None) in {"MERGE", "INSERT", "UPDATE", "DELETE"} or (
            job.num_dml_affected_rows is not None
        ):
            result.affected_rows = int(job.num_dml_affected_rows or 0)
        else:
            result.rows = [dict(row.items()) for row in job.result()]
        result.elapsed_s = time.perf_counter() - started
        log.info(
            "%s: job %s, %s bytes processed, %.1fs",
            sql_name,
            job.job_id,
            result.bytes_processed,
            result.elapsed_s,
        )
        return result

    def dry_run_bytes(self, sql_name: str, params: Mapping[str, Any] | None = None) -> int:
        """Bytes the statement would process, from a dry-run job (no cost, no writes)."""
        configuration = self.job_configuration(sql_name, params, dry_run=True)
        client = self.hook.get_client(project_id=self.project, location=self.location)
        from google.cloud.bigquery import QueryJob

        job = QueryJob.from_api_repr(
            {"configuration": configuration, "jobReference": {"projectId": self.project}}, client
        )
        job._begin()
        return int(job.total_bytes_processed or 0)

    def create_datasets(self) -> None:
        from google.cloud import bigquery

        client = self.hook.get_client(project_id=self.project, location=self.location)
        for dataset in (self.identifiers.raw_dataset, self.identifiers.analytics_dataset):
            ref = bigquery.Dataset(f"{self.project}.{dataset}")
            ref.location = self.location
            client.create_dataset(ref, exists_ok=True)
