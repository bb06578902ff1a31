"""
### Pass 2: shot zones into `nba_analytics.player_game_summary`

Computes the 14 shot-zone columns (paint / mid-range / three attempts and makes, assisted
and unassisted makes, and-ones, blocks by zone, shot and fallback event counts) for every
player-game of a range with **ONE statement** (`include/sql/pass2/merge_shot_zones.sql`):
one scan of the range's play-by-play, aggregated inside the warehouse, written back with
one `MERGE` that touches only Pass 2 columns.

**Which range**
- Scheduled on the `nba_analytics.player_game_summary` asset: when Pass 1 finishes and
  audits a range, its asset event carries that range and this DAG enriches exactly it;
- or trigger by hand with `start_date` / `end_date` (inclusive, YYYY-MM-DD) for any range.
  `windows` (default 1) splits a very long range into a few statements.

On BigQuery the statement is first dry-run (its estimated bytes are logged; above
`NBA_MAXIMUM_BYTES_BILLED` the task fails before anything runs), then submitted as a
deferrable job: the task frees its worker slot until BigQuery is done.

Either pass may run first, any number of times: where Pass 1 has not written a
player-game yet, Pass 2 keeps its result in a row of its own that Pass 1 completes.

`audit_shot_zones` then checks, for active players in games with play-by-play, that the
zones add up to the box score's field-goal attempts, threes and makes (match rates; the
run fails below `NBA_PASS2_MIN_MATCH_RATE` and names the worst games).
"""

from __future__ import annotations

import datetime as dt

import pendulum
from airflow.sdk import Param, dag, task

from nba_backfill.assets import PLAYER_GAME_SUMMARY
from nba_backfill.config import settings
from nba_backfill.days import GAME_TZ_NAME
from nba_backfill.operators import warehouse_task

DATE_PARAM_HELP = (
    "Inclusive, YYYY-MM-DD. Leave both empty when Pass 1's asset event triggers this DAG."
)


@dag(
    dag_id="nba_pass2_shot_zones",
    description="Pass 2: batched shot zones into nba_analytics.player_game_summary",
    schedule=[PLAYER_GAME_SUMMARY],
    start_date=dt.datetime(2021, 10, 1, tzinfo=pendulum.timezone(GAME_TZ_NAME)),
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
        "windows": Param(
            1,
            type="integer",
            minimum=1,
            maximum=12,
            title="Statements (1 to 12)",
            description="Split the range into this many statements (1 = the whole range at once).",
        ),
    },  # fmt: skip
    tags=["nba", "player_game_summary", "pass2"],
    doc_md=__doc__,
)
def nba_pass2_shot_zones():
    @task(retries=0)
    def resolve_windows(params=None, dag_run=None, triggering_asset_events=None):
        """Validate params (or read the range from Pass 1's asset events); no writes."""
        from airflow.sdk import conf
        from airflow.sdk.exceptions import AirflowFailException

        from nba_backfill import pass2
        from nba_backfill.days import ParamError

        asset_ranges = [
            event.extra for events in (triggering_asset_events or {}).values() for event in events
        ]
        try:
            windows = pass2.resolve_windows(
                params,
                conf=dag_run.conf,
                asset_ranges=asset_ranges,
                run_after=dag_run.run_after,
                max_days=conf.getint("core", "max_map_length"),
            )
        except ParamError as error:
            raise AirflowFailException(str(error)) from None
        return [w.as_dict() for w in windows]

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

    @task(retries=0)
    def audit_shot_zones(windows: list):
        """Shot zones against the box score, as match rates; fails below the threshold."""
        from airflow.sdk.exceptions import AirflowFailException

        from nba_backfill import pass2
        from nba_backfill.audits import AuditError
        from nba_backfill.days import DayRange
        from nba_backfill.warehouse import get_warehouse

        figures = {}
        for window in windows:
            report = pass2.audit(get_warehouse(), DayRange.from_dict(window), settings())
            try:
                report.raise_for_failures()
            except AuditError as error:
                raise AirflowFailException(str(error)) from None
            figures[f"{window['start_date']}..{window['end_date']}"] = report.figures
        return figures

    windows = resolve_windows()
    merged = merge_shot_zones.expand(window=windows)
    merged >> audit_shot_zones(windows)


nba_pass2_shot_zones()
