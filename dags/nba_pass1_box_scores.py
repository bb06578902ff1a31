"""
### Pass 1: box scores into `nba_analytics.player_game_summary`

Loads minutes and box-score stats, one **mapped task per game day** (`load_day`, labelled
by date in the grid). Each day is ONE partition-pruned `MERGE` run inside the warehouse
(`include/sql/pass1/load_day.sql`): gamebook rows take precedence over balldontlie per
game, duplicates keep the latest delivery, DNP/inactive players get rows with NULL
minutes. It never touches the shot-zone columns of Pass 2.

**Which days**
- Trigger with params `start_date` / `end_date` (inclusive, YYYY-MM-DD) for any range of
  up to `[core] max_map_length` game days (1024: about four seasons); with `chain_runs`,
  any range: the run loads the first 1024 game days and, once it has succeeded,
  `continue_range` starts the next run with the rest, run after run (the whole history
  in one trigger);
- every other run loads its own **game day**: one run per game day (US Eastern), its
  logical date that day's midnight US Eastern. The nightly run of game day D starts at
  06:00 US Eastern on D+1 (run id `scheduled__D`); `airflow backfill create --from-date
  D1 --to-date D2` makes the runs of game days D1 .. D2, both included
  (`backfill__D1T00:00:00-04:00`, ...);
- **plus every day the warehouse says is stale** for Pass 1 (late corrections: box-score
  rows delivered after the day was loaded; Final games without rows; rows of games no
  longer Final) within `NBA_STALE_LOOKBACK_DAYS` (42) before the range and before today.
  `sweep_history` looks through all history instead. A run created by `airflow backfill
  create` loads its own day only (the nightly run sweeps).

On BigQuery each day's MERGE is a deferrable job (`@warehouse_task`): the task submits it
and frees its worker slot until BigQuery is done. Days without a `Final` game get no task.
After the map, `audit_range` checks in SQL that keys are unique, every Final game has rows
for both teams, the share of NULL minutes is in the configured band, and that **no day is
left stale** in the ranges the run covered; a failed audit fails the run and names the
games or days. On success it emits the `nba_analytics.player_game_summary` asset event
with the ranges loaded (its extra says `"shot_zones": "pending"`: the box scores are there,
the shot zones not yet), which wakes Pass 2.
"""

from __future__ import annotations

import datetime as dt

import pendulum
from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import Param, dag, task

from nba_backfill.assets import PLAYER_GAME_SUMMARY
from nba_backfill.config import settings
from nba_backfill.days import GAME_TZ_NAME
from nba_backfill.operators import warehouse_task
from nba_backfill.timetable import GameDayTimetable

GAME_TZ = pendulum.timezone(GAME_TZ_NAME)
DATE_PARAM_HELP = (
    "Inclusive (US Eastern game day). The picker shows your browser's date format; the run "
    "gets YYYY-MM-DD. Leave both empty to load the run's own game day."
)
SWEEP_HELP = (
    "Also look for stale days in all history, not only NBA_STALE_LOOKBACK_DAYS back "
    "(a late correction older than that, a table built by another tool)."
)
CHAIN_HELP = (
    "For a range of more game days than one run maps ([core] max_map_length, 1024: about "
    "four seasons): load the first ones and start the next run with the rest when this one "
    "has succeeded, run after run, until the range is done (the whole history in one "
    "trigger)."
)


@dag(
    dag_id="nba_pass1_box_scores",
    description="Pass 1: per-day box scores into nba_analytics.player_game_summary",
    # one run per game day, named after it; due 06:00 US Eastern the morning after
    # (nba_backfill/timetable.py, registered by plugins/nba_timetables.py)
    schedule=GameDayTimetable(ready_hour=6),
    start_date=dt.datetime(2021, 10, 1, tzinfo=GAME_TZ),
    catchup=False,
    max_active_runs=4,
    default_args={
        "owner": "data-platform",
        "retries": 2,
        "retry_delay": dt.timedelta(seconds=30),
    },
    params={
        "start_date": Param(
            None,
            type=["null", "string"],
            format="date",
            title="First game day",
            description=DATE_PARAM_HELP,
        ),
        "end_date": Param(
            None,
            type=["null", "string"],
            format="date",
            title="Last game day",
            description=DATE_PARAM_HELP,
        ),
        "sweep_history": Param(
            False, type="boolean", title="Sweep all history for stale days", description=SWEEP_HELP
        ),
        "chain_runs": Param(
            False,
            type="boolean",
            title="Continue past max_map_length in further runs",
            description=CHAIN_HELP,
        ),
    },
    tags=["nba", "player_game_summary", "pass1"],
    doc_md=__doc__,
)
def nba_pass1_box_scores():
    @task
    def plan_days(
        params=None, dag_run=None, ti=None, data_interval_start=None, data_interval_end=None
    ):
        """Validate the params, settle the range, add the days the warehouse says are
        stale: one mapped load_day per day (XCom `plan`: why). Nothing is written here."""
        from airflow.sdk import conf
        from airflow.sdk.exceptions import AirflowFailException

        from nba_backfill import pass1, staleness
        from nba_backfill.days import ParamError, resolve_range, today_of
        from nba_backfill.target import TargetError
        from nba_backfill.warehouse import get_warehouse

        cfg = settings()
        max_days = conf.getint("core", "max_map_length")
        try:
            requested = resolve_range(
                params,
                conf=dag_run.conf,
                data_interval_start=data_interval_start,
                data_interval_end=data_interval_end,
                run_after=dag_run.run_after,
                extra_params=("sweep_history", "chain_runs"),
            )
        except ParamError as error:
            raise AirflowFailException(str(error)) from None
        if dag_run.run_type == "backfill":  # (a str enum)
            sweep = []  # one of many runs: it loads its own day, the nightly run sweeps
        else:
            sweep = staleness.lookback_windows(
                [requested],
                today=today_of(dag_run.run_after),
                lookback_days=cfg.stale_lookback_days,
                sweep_history=bool(params.get("sweep_history")),
            )
        try:
            plan = pass1.plan(
                get_warehouse(),
                requested,
                sweep=sweep,
                max_days=max_days,
                chain=bool(params.get("chain_runs")),
            )
        except (ParamError, TargetError) as error:  # too many game days; a table it cannot serve
            raise AirflowFailException(str(error)) from None
        plan = plan.as_dict()
        ti.xcom_push(key="plan", value=plan)
        return plan["days"]

    @warehouse_task(
        pool=settings().write_pool,
        map_index_template="{{ task.op_kwargs['day'] }}",
    )
    def load_day(day: str, dag_run=None, ti=None):
        """ONE MERGE for the day's partition: that day's Pass 1 columns, nothing else.

        On BigQuery the MERGE job is submitted and the task defers until it is done."""
        from airflow.sdk.exceptions import AirflowFailException

        from nba_backfill import pass1
        from nba_backfill.warehouse import DataRejected, get_warehouse

        labels = {"dag_id": dag_run.dag_id, "task_id": ti.task_id}
        try:
            return pass1.load_day(get_warehouse(), day, labels=labels)
        except DataRejected as error:  # bad raw data: a retry cannot help, fail at once
            raise AirflowFailException(str(error)) from None

    @task(outlets=[PLAYER_GAME_SUMMARY], retries=0)
    def audit_range(plan: dict, outlet_events=None, ti=None):
        """Audit the range in SQL, and that nothing is left stale where the run looked;
        on success announce the loaded ranges to Pass 2 through the asset.

        XCom `figures`: the audit's figures. Returns what continue_range maps over: the
        conf of the next run of a chain (param chain_runs), or nothing."""
        from airflow.sdk.exceptions import AirflowFailException

        from nba_backfill import pass1, staleness
        from nba_backfill.audits import AuditError
        from nba_backfill.days import DayRange
        from nba_backfill.warehouse import get_warehouse

        requested = DayRange.from_dict(plan["requested"], "params")
        report = pass1.audit(
            get_warehouse(),
            requested,
            settings(),
            covered=[DayRange.from_dict(r, "covered") for r in plan["covered"]],
            left_over=plan["left_over"],
        )
        try:
            report.raise_for_failures()
        except AuditError as error:
            raise AirflowFailException(str(error)) from None
        loaded = [requested] + [
            DayRange.from_dict({"start_date": d, "end_date": d}, "stale") for d in plan["days"]
        ]
        outlet_events[PLAYER_GAME_SUMMARY].extra = {
            "ranges": [r.as_dict() for r in staleness.merge_ranges(loaded)],
            "game_days": len(plan["days"]),
            # box scores only: nba_analytics.player_game_summary.shot_zones follows
            "shot_zones": "pending",
        }
        ti.xcom_push(key="figures", value=report.figures)
        return [plan["next"]] if plan["next"] else []

    days = plan_days()
    loaded = load_day.expand(day=days)
    audited = audit_range(days["plan"])
    loaded >> audited
    # chain_runs: once this run's audit passed, start the next run with the rest of the
    # range (mapped over 0 or 1 confs: skipped without a task process when none is left)
    TriggerDagRunOperator.partial(
        task_id="continue_range",
        trigger_dag_id="nba_pass1_box_scores",
        retries=0,
        map_index_template="{{ task.conf['start_date'] }} .. {{ task.conf['end_date'] }}",
        doc_md="Starts the next run of a chain (param chain_runs) with the rest of the range.",
    ).expand(conf=audited)


nba_pass1_box_scores()
