"""Run the project's DAGs through real Airflow (`dag.test()`), for the demo, tests and bench.

`dag.test()` runs every task of one DAG run in this process, through the same task runner
the workers use, against the metadata DB of AIRFLOW_HOME (run `airflow db migrate` first).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import time
from dataclasses import dataclass, field
from typing import Any

from nba_backfill.config import PROJECT_ROOT

PASS1_DAG_ID = "nba_pass1_box_scores"
PASS2_DAG_ID = "nba_pass2_shot_zones"


@dataclass
class RunOutcome:
    dag_id: str
    run_id: str
    state: str
    seconds: float
    task_states: dict[str, int] = field(default_factory=dict)
    failed_tasks: list[str] = field(default_factory=list)
    xcoms: dict[str, Any] = field(default_factory=dict)
    # the runs this one started (param chain_runs), run after it, in order
    chained: list[RunOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.state == "success" and all(run.ok for run in self.chained)

    @property
    def runs(self) -> list[RunOutcome]:
        return [self, *self.chained]


@functools.cache
def dag_bag():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    return bag


@functools.cache
def _param_defaults(dag_id: str) -> dict[str, Any]:
    dag = get_dag(dag_id)
    return {name: copy.deepcopy(dag.params.get_param(name).value) for name in dag.params}


def get_dag(dag_id: str):
    dag = dag_bag().get_dag(dag_id)
    if dag is None:
        raise KeyError(f"no DAG {dag_id!r} in {PROJECT_ROOT / 'dags'}")
    return dag


def run_dag(
    dag_id: str,
    conf: dict[str, Any] | None = None,
    *,
    logical_date: dt.datetime | None = None,
    xcom_tasks: tuple[str, ...] = (),
) -> RunOutcome:
    """One DAG run through `dag.test()`; returns its state, task states and some XComs.

    In one process, dag.test() writes a run's conf into the DAG's Param objects, which
    would leak one run's params into the next run: they are reset to their defaults first.
    """
    settle_orphans((PASS1_DAG_ID, PASS2_DAG_ID))
    dag = get_dag(dag_id)
    retire_replaced_assets()
    defaults = _param_defaults(dag_id)
    for params in [dag.params, *(task.params for task in dag.tasks)]:
        for name in params:
            if name in defaults:
                params.get_param(name).value = copy.deepcopy(defaults[name])
    started = time.perf_counter()
    kwargs: dict[str, Any] = {"run_conf": conf or {}}
    if logical_date is not None:
        kwargs["logical_date"] = logical_date
    since = dt.datetime.now(dt.UTC)
    dag_run = dag.test(**kwargs)
    seconds = time.perf_counter() - started
    outcome = summarize_run(dag_id, dag_run.run_id, seconds, xcom_tasks)
    following = take_chained_run(dag_id, since)
    if following is not None:  # (dag.test() runs one run: the chain's next one is ours)
        nxt = run_dag(dag_id, following, xcom_tasks=xcom_tasks)
        outcome.chained = nxt.runs
    return outcome


def take_chained_run(dag_id: str, since: dt.datetime) -> dict[str, Any] | None:
    """The conf of the run a `dag.test()` run started through its continue_range task
    (param chain_runs), which no scheduler will run here: the queued run is deleted, and
    the caller runs its conf through `dag.test()` instead. None when there is none."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    with create_session() as session:
        queued = (
            session.query(DagRun)
            .filter(
                DagRun.dag_id == dag_id,
                DagRun.state == "queued",
                DagRun.queued_at >= since,
            )
            .order_by(DagRun.queued_at)
            .all()
        )
        chained = [r for r in queued if (r.conf or {}).get("chain_runs")]
        if not chained:
            return None
        conf = dict(chained[0].conf)
        for run in chained:
            session.delete(run)
        return conf


def retire_replaced_assets() -> list[str]:
    """Deactivate the active assets that the project's asset replaces (the same name with
    another URI, or the same URI with another name: an older version's definition).

    Airflow activates an asset only if no active one has its name or URI; the scheduler
    retires unreferenced ones periodically, but `dag.test()` has no scheduler, so a
    metadata DB that knew the old definition would keep it active and fail every Pass 1 run
    ("inactive assets in its inlets or outlets"). Returns what was retired."""
    from airflow.models.asset import AssetActive
    from airflow.utils.session import create_session
    from sqlalchemy import and_, or_

    from nba_backfill.assets import PLAYER_GAME_SUMMARY as asset

    with create_session() as session:
        replaced = (
            session.query(AssetActive)
            .filter(
                or_(
                    and_(AssetActive.name == asset.name, AssetActive.uri != asset.uri),
                    and_(AssetActive.uri == asset.uri, AssetActive.name != asset.name),
                )
            )
            .all()
        )
        for row in replaced:
            session.delete(row)
        return [f"{row.name} ({row.uri})" for row in replaced]


UNFINISHED_TI_STATES = (
    "running", "queued", "scheduled", "deferred", "up_for_retry", "up_for_reschedule",
    "restarting",
)  # fmt: skip


def _alive(pid: int | None, hostname: str | None) -> bool:
    """Is the process that runs a task instance still there? (Another host: assume so.)"""
    import os

    from airflow.utils.net import get_hostname

    if not pid or pid == os.getpid():  # this process runs no task while it starts a run
        return False
    if hostname and hostname != get_hostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def settle_orphans(dag_ids: tuple[str, ...]) -> list[str]:
    """Fail the `dag.test()` runs of `dag_ids` that a killed process left unfinished.

    A `dag.test()` run executes its tasks in the calling process. Killed (Ctrl-C in `make
    demo`, a killed test), it leaves the run `running` and task instances `running` or
    `scheduled` in the metadata DB: they hold the write pool's slots for good, and a later
    run waits in `scheduled` without a word. Runs whose task processes are all gone are
    marked failed with their unfinished task instances; a run whose process is still
    alive (another `dag.test()` at work) is left alone. Returns the settled run ids."""
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from airflow.utils.types import DagRunTriggeredByType

    settled = []
    with create_session() as session:
        runs = (
            session.query(DagRun)
            .filter(
                DagRun.dag_id.in_(dag_ids),
                DagRun.state.in_(("running", "queued")),
                DagRun.triggered_by == DagRunTriggeredByType.TEST,
            )
            .all()
        )
        for run in runs:
            tis = (
                session.query(TaskInstance)
                .filter(
                    TaskInstance.dag_id == run.dag_id,
                    TaskInstance.run_id == run.run_id,
                    TaskInstance.state.in_(UNFINISHED_TI_STATES),
                )
                .all()
            )
            if any(_alive(ti.pid, ti.hostname) for ti in tis if ti.state == "running"):
                continue
            for ti in tis:
                ti.state = "failed"
            run.state = "failed"
            settled.append(f"{run.dag_id}/{run.run_id} ({len(tis)} unfinished task(s))")
        if settled:
            session.flush()
            recount_active_runs(dag_ids, session)
    return settled


def recount_active_runs(dag_ids, session) -> None:
    """Recompute the scheduler's `exceeds_max_non_backfill` flag of the DAGs after runs were
    ended outside the scheduler. The scheduler only recomputes it when IT finishes a run:
    left set by a run failed here, a DAG at `max_active_runs=1` (Pass 2) would never get
    another run, asset-triggered or scheduled, and say nothing."""
    from airflow.models.dag import DagModel
    from airflow.models.dagrun import DagRun

    active = DagRun.active_runs_of_dags(
        dag_ids=list(dag_ids), exclude_backfill=True, session=session
    )
    for dag_model in session.query(DagModel).filter(DagModel.dag_id.in_(list(dag_ids))):
        dag_model.exceeds_max_non_backfill = active.get(dag_model.dag_id, 0) >= (
            dag_model.max_active_runs or 0
        )


def summarize_run(
    dag_id: str, run_id: str, seconds: float, xcom_tasks: tuple[str, ...] = ()
) -> RunOutcome:
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        run = session.query(DagRun).filter_by(dag_id=dag_id, run_id=run_id).one()
        tis = session.query(TaskInstance).filter_by(dag_id=dag_id, run_id=run_id).all()
        states: dict[str, int] = {}
        failed = []
        for ti in tis:
            key = f"{ti.task_id}:{ti.state}"
            states[key] = states.get(key, 0) + 1
            if ti.state in ("failed", "upstream_failed"):
                label = ti.rendered_map_index or (ti.map_index if ti.map_index >= 0 else "")
                failed.append(f"{ti.task_id}[{label}]" if label != "" else ti.task_id)
        xcoms: dict[str, Any] = {}
        for name in xcom_tasks:  # "task_id" (its return value) or "task_id:key"
            task_id, _, key = name.partition(":")
            rows = (
                session.query(XComModel)
                .filter_by(dag_id=dag_id, run_id=run_id, task_id=task_id, key=key or "return_value")
                .order_by(XComModel.map_index)
                .all()
            )
            values = [XComModel.deserialize_value(r) for r in rows]
            xcoms[name] = values if len(values) != 1 else values[0]
        return RunOutcome(dag_id, run_id, str(run.state), seconds, states, failed, xcoms)
