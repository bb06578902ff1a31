"""
### Example consumer: training data, when a range is enriched and audited

An example of a DAG of the ML team scheduled on the asset **Pass 2 announces**,
`nba_analytics.player_game_summary.shot_zones`: an event means that a range of game days
holds its box scores **and** its shot zones, and that both passes' audits passed on it (a
failed audit announces nothing). The event's extra carries the ranges
(`{"ranges": [{"start_date": ..., "end_date": ...}], "rows": n, "shot_zones": "complete"}`);
one run takes every event queued since the last run.

`export_seasons` rewrites, for every season those ranges touch, the season's rows as
Parquet, one folder per season (`.../player_game_summary/season_year=2021/`), written by
the warehouse itself (DuckDB `COPY`, BigQuery `EXPORT DATA`) to `NBA_EXPORT_LOCATION`
(default `data/exports` on the embedded warehouse; a `gs://` URI on BigQuery). Rewriting
whole seasons keeps the export equal to the table: a late correction rewrites its season,
overlapping ranges never give a row twice.

Schedule your own DAG the same way, on either asset (`nba_backfill.assets`):
`schedule=[SHOT_ZONES]` for complete rows (what training wants), `schedule=[PLAYER_GAME_SUMMARY]`
for box scores as soon as they land (shot zones `pending`: not there yet). Trigger it by
hand with `start_date` / `end_date` to export a range without an event.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import Param, dag, task

from nba_backfill.assets import SHOT_ZONES
from nba_backfill.config import settings


@dag(
    dag_id="example_training_export",
    description="Example consumer: Parquet per season when shot zones are complete",
    schedule=[SHOT_ZONES],
    start_date=dt.datetime(2021, 10, 1, tzinfo=dt.UTC),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "data-platform", "retries": 1, "retry_delay": dt.timedelta(seconds=30)},
    params={
        "start_date": Param(None, type=["null", "string"], format="date", title="First game day"),
        "end_date": Param(None, type=["null", "string"], format="date", title="Last game day"),
    },
    tags=["nba", "example", "consumer"],
    doc_md=__doc__,
)
def example_training_export():
    @task
    def export_seasons(params=None, dag_run=None, triggering_asset_events=None):
        """The seasons the events' ranges (or the params' range) touch, each rewritten as
        Parquet; returns {season: where}."""
        from airflow.sdk.exceptions import AirflowFailException

        from nba_backfill import export, pass2
        from nba_backfill.days import ParamError, today_of
        from nba_backfill.warehouse import get_warehouse

        events = [
            pass2.AssetEventRanges(
                label=f"{e.source_dag_id or 'external'}/{e.source_run_id or '-'} ({e.timestamp})",
                extra=e.extra or {},
            )
            for queued in (triggering_asset_events or {}).values()
            for e in queued
        ]
        try:
            ranges = pass2.requested_ranges(
                params, conf=dag_run.conf, events=events, run_after=dag_run.run_after
            )
        except ParamError as error:
            raise AirflowFailException(str(error)) from None
        if not ranges:
            raise AirflowFailException(
                f"nothing to export: no range in the events ({len(events)}) nor in the params "
                f"(today {today_of(dag_run.run_after)}); trigger with start_date and end_date"
            )
        warehouse = get_warehouse()
        seasons = export.seasons_of(warehouse, ranges)
        written = export.export_seasons(
            warehouse, seasons, export.export_location(warehouse, settings())
        )
        return {"ranges": [r.as_dict() for r in ranges], "exported": written}

    export_seasons()


example_training_export()
