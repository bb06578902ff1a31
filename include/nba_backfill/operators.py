"""`@warehouse_task`: `@task` for a task whose work is one long warehouse statement.

On BigQuery the statement is submitted and the task DEFERS on the Google provider's
`BigQueryInsertJobTrigger`, so no worker slot waits while BigQuery works; when the job
is done the task resumes, collects the job's statistics and returns what the function
returns. On DuckDB the function runs synchronously, exactly like `@task`. The DAG files
stay backend-agnostic: the warehouse behind the connection decides.

How it works: the operator runs the task's function with a `JobMode` in force
(nba_backfill.warehouse.bigquery_backend). The first time, the BigQuery backend submits
the function's DML statement and raises TaskDeferred. On resume (`execute_complete`), the
operator calls the function again with the trigger's event: the backend does not submit
the statement again, it returns the finished job as the statement's result (after
checking that it is the same query text and labels), so the function's own bookkeeping
(rows, seconds) is reused unchanged. The function must therefore be a pure wrapper
around its statement: cheap to call twice, no side effects before the statement.

Options: `dry_run_first=True` dry-runs the statement first, logs the estimated bytes and
fails the task (no retries) above NBA_MAXIMUM_BYTES_BILLED; `poll_interval` is the
trigger's polling period in seconds. Deferral needs a running triggerer (`airflow
triggerer`; `make ui` starts one; `dag.test()` runs triggers in line).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from airflow.providers.standard.decorators.python import _PythonDecoratedOperator
from airflow.sdk import BaseSensorOperator
from airflow.sdk.bases.decorator import task_decorator_factory

DEFAULT_POLL_INTERVAL_S = 4.0


class WarehouseTaskOperator(_PythonDecoratedOperator):
    """A TaskFlow operator whose BigQuery DML statement is deferrable (see module doc)."""

    custom_operator_name = "@warehouse_task"

    def __init__(
        self,
        *,
        poll_interval: float = DEFAULT_POLL_INTERVAL_S,
        dry_run_first: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.poll_interval = poll_interval
        self.dry_run_first = dry_run_first

    def _run(self, context: Any, event: dict[str, Any] | None) -> Any:
        from airflow.sdk.exceptions import AirflowFailException

        from nba_backfill.warehouse.bigquery_backend import BytesLimitExceeded, JobMode, job_mode

        mode = JobMode(
            method_name="execute_complete",
            poll_interval=self.poll_interval,
            dry_run_first=self.dry_run_first,
            event=event,
        )
        with job_mode(mode):
            try:
                result = super().execute(context)
            except BytesLimitExceeded as error:  # the same estimate on a retry: fail now
                raise AirflowFailException(str(error)) from None
        if event is not None and not mode.collected:
            raise AirflowFailException(
                f"{self.task_id} resumed after its BigQuery job finished, but its function "
                "ran no DML statement to collect the job with"
            )
        return result

    def execute(self, context: Any) -> Any:
        return self._run(context, event=None)

    def execute_complete(self, context: Any, event: dict[str, Any] | None = None, **_: Any) -> Any:
        """Resumed by the trigger: run the function again, collecting the finished job."""
        self.log.info("BigQuery job event: %s", event)
        return self._run(context, event=event or {"status": "error", "message": "no event"})


def warehouse_task(python_callable: Callable | None = None, **kwargs: Any):
    """Like `@task`, for a task whose warehouse statement may defer (see module doc)."""
    return task_decorator_factory(
        python_callable=python_callable,
        decorated_operator_class=WarehouseTaskOperator,
        **kwargs,
    )


class WaitForPass1Sensor(BaseSensorOperator):
    """Waits while Pass 1 has runs queued or running: Pass 2 never computes shot zones of
    days Pass 1 is rewriting (they would be stale at once, and its audit would say so), and
    a Pass 1 backfill's asset events (one per run) are taken all at once when it is done.
    Gives up waiting after `max_wait` (then goes on: the next Pass 2 run takes what is
    stale). Reschedule mode: no worker slot is held while waiting.

    Each poke is a task process of its own, so the next one comes sooner the less Pass 1
    has left: `seconds_per_run` per active Pass 1 run, between `min_poke` and the sensor's
    `poke_interval` (a backfill of hundreds of runs is looked at every 30 s, its last few
    runs and a single run every 10 s). Not shorter: a busy scheduler that has not yet
    settled the previous poke's process when the next is due fails the sensor ("task
    state changed externally"; seen at 3 s under a 595-task run)."""

    def __init__(
        self,
        *,
        pass1_dag_id: str,
        max_wait: dt.timedelta,
        min_poke: float = 10.0,
        seconds_per_run: float = 2.0,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("mode", "reschedule")
        kwargs.setdefault("poke_interval", 30)
        kwargs.setdefault("timeout", (max_wait + dt.timedelta(minutes=30)).total_seconds())
        super().__init__(**kwargs)
        self.pass1_dag_id = pass1_dag_id
        self.max_wait = max_wait
        self.min_poke = min_poke
        self.seconds_per_run = seconds_per_run
        self.max_poke = self.poke_interval

    def next_poke_s(self, active: int) -> float:
        """Seconds until the next look, with `active` Pass 1 runs queued or running."""
        return min(self.max_poke, max(self.min_poke, active * self.seconds_per_run))

    def poke(self, context: Any) -> bool:
        dag_run = context["dag_run"]
        active = context["ti"].get_dr_count(dag_id=self.pass1_dag_id, states=["queued", "running"])
        waited = dt.datetime.now(dt.UTC) - dag_run.start_date
        if active and waited < self.max_wait:
            # (read by the sensor's reschedule right after this poke)
            self.poke_interval = self.next_poke_s(active)
            self.log.info(
                "%d %s run(s) queued or running: waiting (%s of %s), next look in %.0f s",
                active, self.pass1_dag_id, waited, self.max_wait, self.poke_interval,
            )  # fmt: skip
            return False
        if active:
            self.log.warning(
                "%d %s run(s) still active after %s: going on", active, self.pass1_dag_id, waited
            )
        return True
