"""The example consumer's export (dags/example_training_export.py): the seasons that the
ranges of `nba_analytics.player_game_summary.shot_zones` events touch, written as Parquet,
one folder per season (Hive-style `season_year=2021/`), by the warehouse itself.

A season is the unit of export: each touched season is rewritten whole from the table, so
that an export is the table as it is (a correction a week later rewrites its season; two
overlapping ranges never give a row twice), whatever the events were.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from pathlib import Path

from nba_backfill.config import PROJECT_ROOT, Settings
from nba_backfill.days import DayRange
from nba_backfill.warehouse import Warehouse

log = logging.getLogger(__name__)
TABLE = "player_game_summary"


def export_location(warehouse: Warehouse, cfg: Settings) -> str:
    """NBA_EXPORT_LOCATION (a relative folder is taken from the project root), or the
    local data folder's exports/ on DuckDB."""
    location = cfg.export_location or (
        cfg.default_export_location if warehouse.backend == "duckdb" else ""
    )
    if location and not location.startswith("gs://") and not Path(location).is_absolute():
        location = str(PROJECT_ROOT / location)
    return location


def seasons_of(warehouse: Warehouse, ranges: Iterable[DayRange]) -> list[int]:
    seasons: set[int] = set()
    for r in ranges:
        rows = warehouse.run(
            "export/range_seasons",
            {"start_date": r.start, "end_date": r.end},
            labels={"step": "export"},
        ).rows
        seasons |= {int(row["season_year"]) for row in rows}
    return sorted(seasons)


def export_seasons(warehouse: Warehouse, seasons: Iterable[int], location: str) -> dict[int, str]:
    """Each season's rows into <location>/player_game_summary/season_year=<season>/."""
    out = {}
    for season in seasons:
        out[season] = warehouse.export_parquet(
            "export/training_rows",
            {
                "season": season,
                # the partitions that can hold the season (the 2019-20 one ended in October)
                "first_date": dt.date(season, 7, 1),
                "last_date": dt.date(season + 1, 12, 31),
            },
            f"{location}/{TABLE}/season_year={season}",
            labels={"step": "export", "season": str(season)},
        )
        log.info("season %s exported to %s", season, out[season])
    return out
