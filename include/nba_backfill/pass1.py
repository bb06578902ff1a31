"""Pass 1 steps, called by the tasks of the Pass 1 DAG (and by tests and tools).

Each step takes plain values and a Warehouse; none of them moves raw rows through Python.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from nba_backfill import staleness
from nba_backfill.audits import AuditReport, audit_pass1, completeness_check
from nba_backfill.config import Settings
from nba_backfill.days import DayRange, ParamError
from nba_backfill.warehouse import Warehouse

log = logging.getLogger(__name__)


def plan_days(warehouse: Warehouse, day_range: DayRange) -> list[str]:
    """The range's game days (dates with a Final game, or with rows to remove), as ISO
    strings, in order."""
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


@dataclass
class Plan:
    """What a Pass 1 run loads: the game days it was asked for, plus the stale ones."""

    requested: DayRange
    days: list[str]
    swept: list[DayRange] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # descriptions of the days added
    left_over: list[str] = field(default_factory=list)  # stale days beyond max_days
    # chained runs (param chain_runs): the rest of the range, for the next run
    next: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "requested": self.requested.as_dict(),
            "days": self.days,
            "covered": [r.as_dict() for r in self.covered],
            "stale": self.stale,
            "left_over": self.left_over,
            "next": self.next,
        }

    @property
    def covered(self) -> list[DayRange]:
        """The ranges the run answers for: what it was asked, and where it swept."""
        return staleness.merge_ranges([self.requested, *self.swept])


class TooManyGameDays(ParamError):
    """A requested range holds more game days than one run can map."""


def check_game_days(requested: DayRange, days: list[str], max_days: int) -> None:
    """One run maps one load_day per game day, at most Airflow's [core] max_map_length:
    past it, say the three ways that work (a backfill, several runs, a higher limit)."""
    if len(days) <= max_days:
        return
    chunks = [days[i : i + max_days] for i in range(0, len(days), max_days)]
    runs = "; ".join(f"{c[0]} .. {c[-1]}" for c in chunks[:4]) + (
        "; ..." if len(chunks) > 4 else ""
    )
    raise TooManyGameDays(
        f"params start_date={requested.start} .. end_date={requested.end} hold {len(days):,} "
        f"game days, more than one run maps (Airflow's [core] max_map_length = {max_days:,}, "
        "one load_day per game day). Load them (a) as a backfill, one run per game day: "
        f"airflow backfill create --dag-id nba_pass1_box_scores --from-date {requested.start} "
        f"--to-date {requested.end}; or (b) in {len(chunks)} runs of at most {max_days:,} game "
        f"days each: {runs}, one after another by themselves with the param chain_runs "
        f'(-c \'{{"start_date": "{requested.start}", "end_date": "{requested.end}", '
        f'"chain_runs": true}}\'); or (c) raise the limit for every Airflow component to '
        f"{len(days):,} or more (AIRFLOW__CORE__MAX_MAP_LENGTH={len(days)})"
    )


def plan(
    warehouse: Warehouse,
    requested: DayRange,
    *,
    sweep: list[DayRange],
    max_days: int,
    chain: bool = False,
) -> Plan:
    """The requested range's game days plus every day stale for Pass 1 in `sweep` (the
    lookback windows; empty for a backfill run), at most `max_days` in all: the requested
    game days must fit (TooManyGameDays says how to proceed), the stale ones are taken
    oldest first and the rest left for the next run (and reported by the audit).

    `chain` (param chain_runs): a range of more game days than one run maps is taken
    `max_days` game days at a time: this run loads the first ones, and `next` is the rest,
    for the run this one starts when it has succeeded (the last run of the chain looks for
    stale days; the others load their own days, like backfill runs)."""
    from nba_backfill import target

    target.require(warehouse)  # a table it cannot serve: TargetError, nothing written
    days = plan_days(warehouse, requested)
    if chain and len(days) > max_days:
        rest = {"start_date": days[max_days], "end_date": requested.end.isoformat()}
        total, days = len(days), days[:max_days]
        part = DayRange(requested.start, dt.date.fromisoformat(days[-1]), requested.source)
        log.warning(
            "%d game days in %s, more than one run maps (max_map_length %d): this run loads "
            "%s .. %s, the next run of the chain %s .. %s",
            total, requested, max_days, part.start, part.end, rest["start_date"],
            rest["end_date"],
        )  # fmt: skip
        return Plan(requested=part, days=days, next={**rest, "chain_runs": True})
    check_game_days(requested, days, max_days)
    asked = set(days)
    extra: list[staleness.DayStatus] = []
    for window in sweep:
        for status in staleness.not_done(staleness.day_statuses(warehouse, window), "pass1"):
            if status.day.isoformat() not in asked:
                extra.append(status)
    room = max(0, max_days - len(days))
    taken, left = extra[:room], extra[room:]
    for status in taken:
        log.warning("adding a stale day: %s", status.describe("pass1"))
    if left:
        log.error(
            "%d more stale day(s) than max_map_length allows in one run; left for the next run: %s",
            len(left),
            ", ".join(s.day.isoformat() for s in left),
        )
    return Plan(
        requested=requested,
        days=sorted(asked | {s.day.isoformat() for s in taken}),
        swept=sweep,
        stale=[s.describe("pass1") for s in taken],
        left_over=[s.describe("pass1") for s in left],
    )


def load_day(
    warehouse: Warehouse, day: str | dt.date, labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run the day's MERGE; returns the day, rows affected and seconds in the warehouse."""
    from nba_backfill import target

    the_day = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
    result = warehouse.run(
        "pass1/load_day",
        {"day": the_day},
        labels={**(labels or {}), "day": the_day.isoformat()},
        template=target.require(warehouse).template(),
    )
    return {
        "day": the_day.isoformat(),
        "rows": result.affected_rows,
        "seconds": round(result.elapsed_s, 4),
    }


def audit(
    warehouse: Warehouse,
    day_range: DayRange,
    cfg: Settings,
    covered: list[DayRange] | None = None,
    left_over: list[str] | None = None,
) -> AuditReport:
    """The Pass 1 audits of the range, and that no day is left stale in `covered`."""
    report = audit_pass1(warehouse, day_range, cfg)
    report.checks.append(
        completeness_check(warehouse, "pass1", covered or [day_range], left_over or [])
    )
    log.info("Pass 1 audits for %s:\n%s", day_range, report.describe())
    return report
