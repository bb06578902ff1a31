"""Production warehouse: BigQuery through apache-airflow-providers-google.

Every statement is a query job with named parameters (`parameterMode: NAMED`), labels
that name the DAG, task and day, and a `maximumBytesBilled` cap. The job configuration is
built by a pure function (`build_job_configuration`) so that it can be unit-tested.

**Deferrable jobs.** Inside a task run by `nba_backfill.operators.WarehouseTaskOperator`
(the `@warehouse_task` decorator), `run()` submits a DML statement (the day's MERGE, the
Pass 2 MERGE) without waiting and raises `TaskDeferred` on the Google provider's
`BigQueryInsertJobTrigger`: the worker slot is free while BigQuery works. When the trigger
fires, the operator calls the task's function again; this time `run()` does not submit
anything, it collects the finished job (rows affected, bytes, seconds in BigQuery) and
returns it as the QueryResult the function expects. Statements outside such a task, and
SELECTs (plans, audits), run synchronously. See `JobMode`.

**Dry run.** With `JobMode.dry_run_first` (Pass 2), the statement is first submitted as a
dry run: the estimated bytes are logged, and a statement above `maximum_bytes_billed`
(NBA_MAXIMUM_BYTES_BILLED) is refused before it runs (`BytesLimitExceeded`).

**Emulator.** A connection whose extras set `"emulator": true` is a local BigQuery API
emulator (tests/bigquery). The SQL sent is the same; the one difference: the dry run
of a MERGE is skipped, because the emulator cannot dry-run a MERGE with more than one
UPDATE/DELETE clause and reports 0 bytes for every job anyway.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import io
import logging
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from nba_backfill.sql import CompiledSql, Identifiers, compile_bigquery
from nba_backfill.warehouse.base import (
    CapacityExceeded,
    QueryError,
    QueryResult,
    Step,
    Warehouse,
    check_location,
    check_parameters,
    clean_labels,
    query_error,
)

log = logging.getLogger(__name__)

BYTES_SETTING = "NBA_MAXIMUM_BYTES_BILLED"


class BytesLimitExceeded(CapacityExceeded):
    """A dry run estimated more bytes than the statement may bill; nothing was run."""


def format_bytes(count: int) -> str:
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def check_estimate(sql_name: str, estimated_bytes: int, maximum_bytes_billed: int | None) -> None:
    """Refuse a statement whose dry-run estimate is above the cap (0 or None: no cap)."""
    if maximum_bytes_billed and estimated_bytes > maximum_bytes_billed:
        raise BytesLimitExceeded(
            f"{sql_name}: the dry run estimates {format_bytes(estimated_bytes)} "
            f"({estimated_bytes} bytes) to process, above the limit of "
            f"{format_bytes(maximum_bytes_billed)} ({BYTES_SETTING}={maximum_bytes_billed}); "
            f"nothing was run. Raise {BYTES_SETTING} (bytes, 0 = no cap) if this is expected, "
            "or run a shorter range (Pass 2: more `windows`)."
        )


@dataclass
class JobMode:
    """How `BigQueryWarehouse.run()` treats a DML statement inside a deferrable task.

    Set by `nba_backfill.operators.WarehouseTaskOperator` around the task's function:
    - `event is None` (first execution): submit the statement, then raise TaskDeferred on
      BigQueryInsertJobTrigger, resuming in the operator's `method_name`;
    - `event` set (resumed after the trigger fired): the statement is NOT submitted again;
      the finished job named by the event is collected instead (`collected` turns True);
    - a further DML statement of the same function after that (Pass 2's windows split by
      season) runs synchronously in the task.
    """

    method_name: str = "execute_complete"
    poll_interval: float = 4.0
    dry_run_first: bool = False
    event: dict[str, Any] | None = None
    collected: bool = field(default=False, init=False)


_JOB_MODE: contextvars.ContextVar[JobMode | None] = contextvars.ContextVar(
    "nba_bigquery_job_mode", default=None
)


@contextlib.contextmanager
def job_mode(mode: JobMode) -> Iterator[JobMode]:
    """Run the body with `mode` in force for BigQuery statements (see JobMode)."""
    token = _JOB_MODE.set(mode)
    try:
        yield mode
    finally:
        _JOB_MODE.reset(token)


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
        reference_dataset: str = "nba_reference",
        schedule_shape: str = "native",
        location: str | None = "US",
        maximum_bytes_billed: int | None = None,
        project: str | None = None,
    ) -> None:
        from airflow.providers.google.cloud.hooks.bigquery import BigQueryHook

        self.gcp_conn_id = gcp_conn_id
        self.hook = BigQueryHook(gcp_conn_id=gcp_conn_id, use_legacy_sql=False, location=location)
        self.emulator = str(self.hook.extras.get("emulator", "")).lower() in {"true", "1", "yes"}
        self.project = project or self.hook.project_id
        if not self.project:
            raise QueryError(
                f"connection {gcp_conn_id!r} names no Google Cloud project: set its extra "
                '"project" (or the key file\'s project)'
            )
        self.identifiers = Identifiers(
            raw_dataset,
            analytics_dataset,
            project=self.project,
            reference_dataset=reference_dataset,
            schedule_shape=schedule_shape,
        )
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
        template: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self._compile(sql_name, params, labels=labels, dry_run=dry_run, template=template)[1]

    def _compile(
        self,
        sql_name: str,
        params: Mapping[str, Any] | None,
        *,
        labels: Mapping[str, Any] | None = None,
        dry_run: bool = False,
        template: Mapping[str, Any] | None = None,
    ) -> tuple[CompiledSql, dict[str, Any]]:
        compiled = compile_bigquery(sql_name, self.identifiers, template)
        bound = check_parameters(sql_name, compiled.parameters, params or {})
        return compiled, build_job_configuration(
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
        template: Mapping[str, Any] | None = None,
    ) -> QueryResult:
        compiled, configuration = self._compile(sql_name, params, labels=labels, template=template)
        mode = _JOB_MODE.get()
        if mode is not None and compiled.is_dml:
            # the dry run also on resuming: a task that split its work because of it
            # (Pass 2 by season) splits the same way again before collecting its job
            if mode.dry_run_first:
                self.check_bytes(sql_name, params, is_dml=True)
            if mode.event is not None and not mode.collected:
                return self._collect(sql_name, configuration, mode)
            if not mode.collected:
                self._submit_and_defer(sql_name, configuration, mode)
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

    def run_transaction(self, steps: list[Step]) -> list[QueryResult]:
        """The statements as ONE multi-statement query job (a script): BEGIN TRANSACTION;
        each statement; COMMIT TRANSACTION. A statement that fails ends the script, and
        BigQuery rolls the transaction back. Parameters of the same name must agree.
        Per statement: its child job's rows affected and bytes (jobs.list of the script)."""
        from google.cloud import bigquery

        texts, params, labels = [], {}, {}
        for step in steps:
            compiled = compile_bigquery(step.sql_name, self.identifiers, step.template)
            bound = check_parameters(step.sql_name, compiled.parameters, step.params or {})
            for name, value in bound.items():
                if name in params and params[name] != value:
                    raise QueryError(f"{step.sql_name}: @{name} differs between the statements")
                params[name] = value
            texts.append(compiled.text)
            labels.update(step.labels or {})
        names = " + ".join(step.sql_name for step in steps)
        script = "begin transaction;\n" + ";\n".join(texts) + ";\ncommit transaction;"
        configuration = build_job_configuration(
            script,
            params,
            labels={"sql": "transaction", **labels},
            maximum_bytes_billed=self.maximum_bytes_billed,
        )
        started = time.perf_counter()
        try:
            job = self.hook.insert_job(
                configuration=configuration, project_id=self.project, location=self.location
            )
        except Exception as error:
            raise query_error(names, "BigQuery", error) from error
        elapsed = time.perf_counter() - started
        client = self.hook.get_client(project_id=self.project, location=self.location)
        try:
            children = list(client.list_jobs(parent_job=job.job_id))
        except Exception:  # (the emulator lists no child jobs)
            children = []
        children = [c for c in children if isinstance(c, bigquery.QueryJob)]
        children.sort(key=lambda c: c.created or dt.datetime.min.replace(tzinfo=dt.UTC))
        statements = [
            c
            for c in children
            if getattr(c, "statement_type", None) not in {"BEGIN_TRANSACTION", "COMMIT_TRANSACTION"}
        ]
        results = []
        for i, step in enumerate(steps):
            child = statements[i] if len(statements) == len(steps) else None
            results.append(
                QueryResult(
                    sql_name=step.sql_name,
                    job_id=child.job_id if child else job.job_id,
                    affected_rows=(
                        int(child.num_dml_affected_rows or 0)
                        if child and child.num_dml_affected_rows is not None
                        else None
                    ),
                    bytes_processed=child.total_bytes_processed if child else None,
                    elapsed_s=elapsed / len(steps),
                )
            )
        log.info(
            "%s: script job %s, %s bytes processed, %.1fs",
            names,
            job.job_id,
            getattr(job, "total_bytes_processed", None),
            elapsed,
        )
        return results

    def export_parquet(
        self,
        sql_name: str,
        params: Mapping[str, Any],
        location: str,
        *,
        labels: Mapping[str, str] | None = None,
    ) -> str:
        """EXPORT DATA of the SELECT to <location>/*.parquet (Cloud Storage, overwritten):
        BigQuery writes the files itself, as many as it shards the rows into."""
        location = check_location(location, cloud=True)
        compiled = compile_bigquery(sql_name, self.identifiers)
        bound = check_parameters(sql_name, compiled.parameters, params)
        uri = f"{location}/*.parquet"
        configuration = build_job_configuration(
            f"export data options (uri = '{uri}', format = 'PARQUET', overwrite = true) as "
            + compiled.text,
            bound,
            labels={"sql": sql_name.replace("/", "-"), **(labels or {})},
            maximum_bytes_billed=self.maximum_bytes_billed,
        )
        try:
            job = self.hook.insert_job(
                configuration=configuration, project_id=self.project, location=self.location
            )
        except Exception as error:
            raise query_error(sql_name, "BigQuery", error) from error
        log.info("%s: exported to %s (job %s)", sql_name, uri, job.job_id)
        return uri

    def _submit_and_defer(self, sql_name: str, configuration: dict, mode: JobMode) -> None:
        """Submit the job without waiting, then hand the wait to the triggerer."""
        from airflow.providers.google.cloud.triggers.bigquery import BigQueryInsertJobTrigger
        from airflow.sdk.exceptions import TaskDeferred

        try:
            job = self.hook.insert_job(
                configuration=configuration,
                project_id=self.project,
                location=self.location,
                nowait=True,
            )
        except Exception as error:  # a statement BigQuery refuses at submission
            raise query_error(sql_name, "BigQuery", error) from error
        log.info(
            "%s: job %s submitted (labels %s); deferring on BigQueryInsertJobTrigger until "
            "BigQuery finishes it, the worker slot is free meanwhile",
            sql_name,
            job.job_id,
            configuration.get("labels"),
        )
        raise TaskDeferred(
            trigger=BigQueryInsertJobTrigger(
                conn_id=self.gcp_conn_id,
                job_id=job.job_id,
                project_id=self.project,
                location=job.location or self.location,
                poll_interval=mode.poll_interval,
            ),
            method_name=mode.method_name,
        )

    def _collect(self, sql_name: str, configuration: dict, mode: JobMode) -> QueryResult:
        """The finished job the trigger reported, as the QueryResult of the statement."""
        event = mode.event or {}
        mode.collected = True
        if event.get("status") != "success" or not event.get("job_id"):
            message = event.get("message") or f"trigger event {event!r}"
            raise query_error(sql_name, "BigQuery", RuntimeError(message))
        job = self.hook.get_job(
            job_id=event["job_id"], project_id=self.project, location=self.location
        )
        submitted = job.to_api_repr().get("configuration", {})
        if (submitted.get("query") or {}).get("query") != configuration["query"]["query"] or (
            submitted.get("labels") or {}
        ) != configuration["labels"]:
            raise QueryError(
                f"{sql_name}: job {job.job_id} is not this statement (another query text or "
                "labels); the task ran a different statement after resuming than before"
            )
        if job.error_result:
            raise query_error(sql_name, "BigQuery", RuntimeError(job.error_result.get("message")))
        result = QueryResult(
            sql_name=sql_name,
            job_id=job.job_id,
            bytes_processed=job.total_bytes_processed,
            affected_rows=int(job.num_dml_affected_rows or 0),
        )
        if job.started and job.ended:
            result.elapsed_s = (job.ended - job.started).total_seconds()
        log.info(
            "%s: job %s collected after deferral: %s rows affected, %s bytes processed, "
            "%.1fs in BigQuery",
            sql_name,
            job.job_id,
            result.affected_rows,
            result.bytes_processed,
            result.elapsed_s,
        )
        return result

    def check_bytes(
        self, sql_name: str, params: Mapping[str, Any] | None = None, *, is_dml: bool = False
    ) -> int | None:
        """Dry-run the statement, log the estimate, refuse it above maximum_bytes_billed."""
        if self.emulator and is_dml:
            log.warning(
                "%s: dry run skipped: the connection is a BigQuery emulator (extra "
                '"emulator": true), which cannot dry-run this MERGE',
                sql_name,
            )
            return None
        estimated = self.dry_run_bytes(sql_name, params)
        log.info(
            "%s: dry run estimates %s (%d bytes) to process; limit %s (%s)",
            sql_name,
            format_bytes(estimated),
            estimated,
            format_bytes(self.maximum_bytes_billed) if self.maximum_bytes_billed else "none",
            BYTES_SETTING,
        )
        check_estimate(sql_name, estimated, self.maximum_bytes_billed)
        return estimated

    def dry_run_bytes(self, sql_name: str, params: Mapping[str, Any] | None = None) -> int:
        """Bytes the statement would process, from a dry-run job (no cost, no writes)."""
        configuration = self.job_configuration(sql_name, params, dry_run=True)
        client = self.hook.get_client(project_id=self.project, location=self.location)
        from google.cloud.bigquery import QueryJob

        job = QueryJob.from_api_repr(
            {"configuration": configuration, "jobReference": {"projectId": self.project}}, client
        )
        try:
            job._begin()
        except Exception as error:
            raise query_error(sql_name, "BigQuery (dry run)", error) from error
        return int(job.total_bytes_processed or 0)

    def table_columns(self, dataset: str, table: str) -> list | None:
        from google.api_core.exceptions import NotFound

        from nba_backfill.target import column

        client = self.hook.get_client(project_id=self.project, location=self.location)
        try:
            found = client.get_table(f"{self.project}.{dataset}.{table}")
        except NotFound:
            return None
        return [column(f.name, f.field_type, f.mode == "REQUIRED", f.scale) for f in found.schema]

    def create_datasets(self) -> None:
        from google.cloud import bigquery

        client = self.hook.get_client(project_id=self.project, location=self.location)
        for dataset in self.identifiers.datasets:
            ref = bigquery.Dataset(f"{self.project}.{dataset}")
            ref.location = self.location
            client.create_dataset(ref, exists_ok=True)

    def stage_file(self, path, staging: str, file_format: str) -> list[str]:
        """A load job of the file into a staging table of the raw dataset: a CSV with every
        column as STRING (its header names them; checked and cast by SQL afterwards), a
        Parquet file with its own types. A gzipped CSV is unzipped on the way up."""
        import csv
        import gzip

        from google.cloud import bigquery

        from nba_backfill.warehouse.base import check_staging_name

        client = self.hook.get_client(project_id=self.project, location=self.location)
        destination = f"{self.project}.{self.identifiers.raw_dataset}.{check_staging_name(staging)}"
        opener = gzip.open if str(path).endswith(".gz") else open
        if file_format == "csv":
            with opener(path, "rt", newline="", encoding="utf-8") as f:
                header = next(csv.reader(f), [])
            config = bigquery.LoadJobConfig(
                source_format=bigquery.SourceFormat.CSV,
                skip_leading_rows=1,
                schema=[bigquery.SchemaField(name, "STRING") for name in header],
                allow_quoted_newlines=True,
            )
        else:
            config = bigquery.LoadJobConfig(source_format=bigquery.SourceFormat.PARQUET)
        with opener(path, "rb") as data:
            job = client.load_table_from_file(data, destination, job_config=config)
            job.result()
        return [field.name for field in client.get_table(destination).schema]

    def drop_staging(self, staging: str) -> None:
        from nba_backfill.warehouse.base import check_staging_name

        client = self.hook.get_client(project_id=self.project, location=self.location)
        client.delete_table(
            f"{self.project}.{self.identifiers.raw_dataset}.{check_staging_name(staging)}",
            not_found_ok=True,
        )

    def load_arrow(self, table: str, data, *, replace_dates: bool = False) -> int:
        """Append an Arrow table to a raw (or reference) table with a load job (demo data,
        fixtures).

        Unlike DuckDBWarehouse.load_arrow, rows of the same dates are not replaced (that
        would take a DELETE job per table): load into empty tables, as the emulator tests
        do (fresh datasets per test).
        """
        if replace_dates:
            raise ValueError("BigQueryWarehouse.load_arrow appends only (replace_dates=False)")
        import pyarrow.parquet as pq
        from google.cloud import bigquery

        from nba_backfill.sql import loadable_tables

        dataset = {
            "raw": self.identifiers.raw_dataset,
            "reference": self.identifiers.reference_dataset,
        }.get(loadable_tables().get(table, ""))
        if dataset is None:
            raise ValueError(f"{table!r} is not a raw or reference table of include/sql/ddl")
        buffer = io.BytesIO()
        pq.write_table(data, buffer)
        buffer.seek(0)
        client = self.hook.get_client(project_id=self.project, location=self.location)
        job = client.load_table_from_file(
            buffer,
            f"{self.project}.{dataset}.{table}",
            job_config=bigquery.LoadJobConfig(
                source_format=bigquery.SourceFormat.PARQUET,
                write_disposition=bigquery.WriteDisposition.WRITE_APPEND,
            ),
        )
        job.result()
        return int(job.output_rows or 0)
