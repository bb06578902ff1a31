"""Pass 1 steps, called by the tasks of the Pass 1 DAG (and by tests and tools).

Each step takes plain values and a Warehouse; none of them moves raw rows through Python.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from nba_backfill.audits import AuditReport, audit_pass1
from nba_backfill.config import Settings
from nba_backfill.days import DayRange
from nba_backfill.warehouse import Warehouse

log = logging.getLogger(__name__)


def plan_days(warehouse: Warehouse, day_range: DayRange) -> list[str]:
    """The range's game days (dates with a Final game), as ISO strings, in order."""
    rows = warehouse.run(
        "pass1/plan_days",
        {"start_date": day_range.start, "end_date": day_range.end},
        labels={"step": "plan_days"},
    ).rows
    days = [r["game_date"].isoformat() for r in rows]
    games = sum(r["final_games"] for r in rows)
    if days:
        log.info("%s: %d game days, %d Final games", day_range, len(days), games)
    else:
        log.warning("%s: no Final games in this range, nothing to load", day_range)
    return days


def load_day(
    warehouse: Warehouse, day: str | dt.date, labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run the day's MERGE; returns the day, rows affected and seconds in the warehouse."""
    the_day = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
    result = warehouse.run(
        "pass1/load_day", {"day": the_day}, labels={**(labels or {}), "day": the_day.isoformat()}
    )
    return {
        "day": the_day.isoformat(),
        "rows": result.affected_rows,
        "seconds": round(result.elapsed_s, 4),
    }


def audit(warehouse: Warehouse, day_range: DayRange, cfg: Settings) -> AuditReport:
    report = audit_pass1(warehouse, day_range, cfg)
    log.info("Pass 1 audits for %s:\n%s", day_range, report.describe())
    return report
