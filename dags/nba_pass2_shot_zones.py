"""
### Pass 2: shot zones into `nba_analytics.player_game_summary`

Computes the 14 shot-zone columns (paint / mid-range / three attempts and makes, assisted
and unassisted makes, and-ones, blocks by zone, shot and fallback event counts) for every
player-game of a range with **ONE statement** per window
(`include/sql/pass2/merge_shot_zones.sql`): one scan of the window's play-by-play,
aggregated inside the warehouse, written back with one `MERGE` that touches only Pass 2
columns.

**Which days**: what the run was asked for, plus every day the warehouse says Pass 2
owes (`include/sql/state/`), grouped into a few contiguous windows:
- trigger by hand with `start_date` / `end_date` (inclusive, YYYY-MM-DD) for any range
  (`windows`, default 1, splits it into a few statements), or without a range to process
  only what is stale;
- Pass 1's asset event wakes it with the ranges Pass 1 loaded (it merges the days of them
  that are stale: not again what an earlier run already merged), and a **daily safety net**
  (07:30 US Eastern) wakes it even when no event comes: Airflow can drop an asset event
  (apache/airflow#56050), so events are not the record of what to do, the warehouse is;
- stale days: every day of the table whose rows Pass 1 wrote after Pass 2 (all history),
  and days whose play-by-play or rosters were delivered after their shot zones within
  `NBA_STALE_LOOKBACK_DAYS` (42) of the range and of today (`sweep_history`: all history).

`wait_for_pass1`: a run first waits while Pass 1 has runs queued or running (up to
`NBA_PASS2_MAX_WAIT_MINUTES`), then takes every stale day at once: it never computes shot
zones of days Pass 1 is rewriting, and a backfill of hundreds of days costs a handful of
Pass 2 runs, not one per day.

On BigQuery the statement is first dry-run (its estimated bytes are logged; above
`NBA_MAXIMUM_BYTES_BILLED` the task fails before anything runs), then submitted as a
deferrable job: the task frees its worker slot until BigQuery is done.

Either pass may run first, any number of times: where Pass 1 has not written a
player-game yet, Pass 2 keeps its result in a row of its own that Pass 1 completes.

`audit_shot_zones` then checks, for active players in games with play-by-play, that the
zones add up to the box score's field-goal attempts, threes and makes (match rates; the
run fails below `NBA_PASS2_MIN_MATCH_RATE` and names the worst games), and that no day of
its windows is left stale. On success it announces the windows on the asset
`nba_analytics.player_game_summary.shot_zones` (extra `{"ranges": [...], "rows": n,
"shot_zones": "complete"}`): the range is enriched and audited, what consumers (the ML
DAGs, `example_training_export`) wait for. A failed audit announces nothing.
"""

from __future__ import annotations

import datetime as dt

import pendulum
from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable, Param, dag, task

from nba_backfill.assets import PLAYER_GAME_SUMMARY, SHOT_ZONES
from nba_backfill.config import settings
from nba_backfill.days import GAME_TZ_NAME
from nba_backfill.operators import WaitForPass1Sensor, warehouse_task

GAME_TZ = pendulum.timezone(GAME_TZ_NAME)
PASS1_DAG_ID = "nba_pass1_box_scores"
DATE_PARAM_HELP = (
    "Inclusive (US Eastern game day). The picker shows your browser's date format; the run "
    "gets YYYY-MM-DD. Leave both empty to process only what is stale (what Pass 1's asset "
    "event and the daily schedule do)."
)
SWEEP_HELP = "Also look for stale days in all history, not only NBA_STALE_LOOKBACK_DAYS back."


@dag(
    dag_id="nba_pass2_shot_zones",
    description="Pass 2: batched shot zones into nba_analytics.player_game_summary",
    # Pass 1's asset event wakes it; the daily safety net wakes it when an event is lost
    schedule=AssetOrTimeSchedule(
        timetable=CronTriggerTimetable("30 7 * * *", timezone=GAME_TZ),
        assets=[PLAYER_GAME_SUMMARY],
    ),
    start_date=dt.datetime(2021, 10, 1, tzinfo=GAME_TZ),
    catchup=False,
    max_active_runs=1,
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
        "windows": Param(
            1,
            type="integer",
            minimum=1,
            maximum=12,
            title="Statements (1 to 12)",
            description="Split the range into this many statements (1 = the whole range at once).",
        ),
        "sweep_history": Param(
            False, type="boolean", title="Sweep all history for stale days", description=SWEEP_HELP
        ),
    },  # fmt: skip
    tags=["nba", "player_game_summary", "pass2"],
    doc_md=__doc__,
)
def nba_pass2_shot_zones():
    @task
    def plan_windows(params=None, dag_run=None, ti=None, triggering_asset_events=None):
        """Validate params (or the ranges Pass 1's asset events carry), add the days the
        warehouse says are stale, group them into windows (XCom `plan`: why). Nothing is
        written here."""
        from airflow.sdk.exceptions import AirflowFailException

        from nba_backfill import pass2
        from nba_backfill.days import ParamError, today_of
        from nba_backfill.target import TargetError
        from nba_backfill.warehouse import get_warehouse

        cfg = settings()
        events = [
            pass2.AssetEventRanges(
                label=f"{event.source_dag_id or 'external'}/{event.source_run_id or '-'} "
                f"({event.timestamp})",
                extra=event.extra or {},
            )
            for events in (triggering_asset_events or {}).values()
            for event in events
        ]
        try:
            requested = pass2.requested_ranges(
                params,
                conf=dag_run.conf,
                events=events,
                run_after=dag_run.run_after,
            )
            windows = pass2.parse_windows(params.get("windows"))
        except ParamError as error:
            raise AirflowFailException(str(error)) from None
        try:
            plan = pass2.plan(
                get_warehouse(),
                requested,
                today=today_of(dag_run.run_after),
                lookback_days=cfg.stale_lookback_days,
                sweep_history=bool(params.get("sweep_history")),
                windows=windows,
                # ranges from asset events say where to look: fresh days are not merged again
                only_stale=not pass2.params_given(params),
            ).as_dict()
        except TargetError as error:  # an output table the passes cannot serve
            raise AirflowFailException(str(error)) from None
        ti.xcom_push(key="plan", value=plan)
        return plan["windows"]

    @warehouse_task(
        pool=settings().write_pool,
        map_index_template="{{ task.op_kwargs['window']['start_date'] }} .. "
        "{{ task.op_kwargs['window']['end_date'] }}",
        dry_run_first=True,
    )
    def merge_shot_zones(window: dict, dag_run=None, ti=None):
        """ONE statement for the window: one play-by-play scan, one MERGE.

        On BigQuery: a dry run first (refused above NBA_MAXIMUM_BYTES_BILLED), then the
        job is submitted and the task defers until it is done."""
        from nba_backfill import pass2
        from nba_backfill.days import DayRange
        from nba_backfill.warehouse import get_warehouse

        labels = {"dag_id": dag_run.dag_id, "task_id": ti.task_id}
        return pass2.merge_window(get_warehouse(), DayRange.from_dict(window), labels=labels)

    @task(retries=0, outlets=[SHOT_ZONES])
    def audit_shot_zones(windows: list, outlet_events=None):
        """Shot zones against the box score, as match rates (fails below the threshold),
        and nothing left stale in the windows; on success, announce the windows as
        complete on nba_analytics.player_game_summary.shot_zones (never after a failure)."""
        from airflow.sdk.exceptions import AirflowFailException

        from nba_backfill import pass2
        from nba_backfill.audits import AuditError
        from nba_backfill.days import DayRange
        from nba_backfill.warehouse import get_warehouse

        figures, failures = {}, []
        for window in windows:
            report = pass2.audit(get_warehouse(), DayRange.from_dict(window), settings())
            try:
                report.raise_for_failures()
            except AuditError as error:
                failures.append(str(error))
            figures[f"{window['start_date']}..{window['end_date']}"] = report.figures
        if failures:
            raise AirflowFailException("\n".join(failures))
        outlet_events[SHOT_ZONES].extra = pass2.announcement(windows, figures)
        return figures

    wait_for_pass1 = WaitForPass1Sensor(
        task_id="wait_for_pass1",
        pass1_dag_id=PASS1_DAG_ID,
        max_wait=dt.timedelta(minutes=settings().pass2_max_wait_minutes),
        # a poke only reads run counts: another try is always safe (a busy scheduler can
        # fail a rescheduled sensor whose previous poke it has not settled yet)
        retries=3,
        retry_delay=dt.timedelta(seconds=10),
        doc_md="Waits while Pass 1 has runs queued or running (a backfill, a nightly run), at "
        "most NBA_PASS2_MAX_WAIT_MINUTES, so that Pass 2 never merges days Pass 1 is rewriting.",
    )
    windows = plan_windows()
    wait_for_pass1 >> windows
    merged = merge_shot_zones.expand(window=windows)
    merged >> audit_shot_zones(windows)


nba_pass2_shot_zones()
