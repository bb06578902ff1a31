"""
### Pass 1: box scores into `nba_analytics.player_game_summary`

Loads minutes and box-score stats, one **mapped task per game day** (`load_day`, labelled
by date in the grid). Each day is ONE partition-pruned `MERGE` run inside the warehouse
(`include/sql/pass1/load_day.sql`): gamebook rows take precedence over balldontlie per
game, duplicates keep the latest delivery, DNP/inactive players get rows with NULL
minutes. It never touches the shot-zone columns of Pass 2.

**Which days**
- Trigger with params `start_date` / `end_date` (inclusive, YYYY-MM-DD) for any range;
- a scheduled run, or one created by `airflow backfill create`, loads its own data
  interval: the game day of its logical date (runs are stamped 06:00 US Eastern).

On BigQuery each day's MERGE is a deferrable job (`@warehouse_task`): the task submits it
and frees its worker slot until BigQuery is done. Days without a `Final` game get no task. After the map, `audit_range` checks in SQL that
keys are unique, every Final game has rows for both teams and the share of NULL minutes
is in the configured band; a failed audit fails the run and names the games. On success it
emits the `nba_analytics.player_game_summary` asset event with the range, which schedules
Pass 2.
"""

from __future__ import annotations

import datetime as dt

import pendulum
from airflow.sdk import CronDataIntervalTimetable, Param, dag, task

from nba_backfill.assets import PLAYER_GAME_SUMMARY
from nba_backfill.config import settings
from nba_backfill.days import GAME_TZ_NAME
from nba_backfill.operators import warehouse_task

GAME_TZ = pendulum.timezone(GAME_TZ_NAME)
DATE_PARAM_HELP = "Inclusive, YYYY-MM-DD. Leave both dates empty to load the run's data interval."


@dag(
    dag_id="nba_pass1_box_scores",
    description="Pass 1: per-day box scores into nba_analytics.player_game_summary",
    schedule=CronDataIntervalTimetable("0 6 * * *", timezone=GAME_TZ),
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
            title="First game day (YYYY-MM-DD)",
            description=DATE_PARAM_HELP,
        ),
        "end_date": Param(
            None,
            type=["null", "string"],
            format="date",
            title="Last game day (YYYY-MM-DD)",
            description=DATE_PARAM_HELP,
        ),
    },
    tags=["nba", "player_game_summary", "pass1"],
    doc_md=__doc__,
)
def nba_pass1_box_scores():
    @task(retries=0)
    def resolve_range(params=None, dag_run=None, data_interval_start=None, data_interval_end=None):
        """Validate the params and settle the range; nothing is written before this."""
        from airflow.sdk import conf
        from airflow.sdk.exceptions import AirflowFailException

        from nba_backfill.days import ParamError
        from nba_backfill.days import resolve_range as resolve

        try:
            day_range = resolve(
                params,
                conf=dag_run.conf,
                data_interval_start=data_interval_start,
                data_interval_end=data_interval_end,
                run_after=dag_run.run_after,
                max_days=conf.getint("core", "max_map_length"),
            )
        except ParamError as error:
            raise AirflowFailException(str(error)) from None
        return day_range.as_dict()

    @task
    def plan_days(day_range: dict):
        """The range's game days from the schedule: one mapped load_day per day."""
        from nba_backfill import pass1
        from nba_backfill.days import DayRange
        from nba_backfill.warehouse import get_warehouse

        return pass1.plan_days(get_warehouse(), DayRange.from_dict(day_range))

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

    @task(outlets=[PLAYER_GAME_SUMMARY], retries=0, trigger_rule="none_failed")
    def audit_range(day_range: dict, days: list, outlet_events=None):
        """Audit the range in SQL; on success announce it to Pass 2 through the asset."""
        from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

        from nba_backfill import pass1
        from nba_backfill.audits import AuditError
        from nba_backfill.days import DayRange
        from nba_backfill.warehouse import get_warehouse

        day_range = DayRange.from_dict(day_range)
        if not days:
            raise AirflowSkipException(f"{day_range}: no Final games, nothing was loaded")
        report = pass1.audit(get_warehouse(), day_range, settings())
        try:
            report.raise_for_failures()
        except AuditError as error:
            raise AirflowFailException(str(error)) from None
        outlet_events[PLAYER_GAME_SUMMARY].extra = {
            **day_range.as_dict(),
            "game_days": len(days),
        }
        return report.figures

    day_range = resolve_range()
    days = plan_days(day_range)
    loaded = load_day.expand(day=days)
    loaded >> audit_range(day_range, days)


nba_pass1_box_scores()
