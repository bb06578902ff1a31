"""Pass 2 steps, called by the tasks of the Pass 2 DAG (and by tests and tools).

The shot zones of a range are computed by ONE statement (include/sql/pass2/
merge_shot_zones.sql): one scan of the range's play-by-play and one MERGE. A run processes
the range it was asked for (params, or the ranges Pass 1's asset events carry) plus every
day the warehouse says is stale for Pass 2 (include/sql/state/), grouped into a few
contiguous windows, one statement each.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nba_backfill import staleness
from nba_backfill.audits import AuditReport, audit_pass2, completeness_check
from nba_backfill.config import Settings
from nba_backfill.days import (
    DayRange,
    ParamError,
    check_conf_keys,
    check_range,
    parse_date_param,
    resolve_range,
    today_of,
)
from nba_backfill.warehouse import Warehouse
from nba_backfill.warehouse.base import CapacityExceeded

log = logging.getLogger(__name__)
MAX_WINDOWS = 12
# Stale days of a run are grouped into at most this many windows (statements) besides
# the ones the `windows` param asks for.
MAX_STALE_WINDOWS = 12


def split_windows(day_range: DayRange, windows: int) -> list[DayRange]:
    """`windows` contiguous sub-ranges of about equal length covering the range."""
    count = max(1, min(windows, day_range.days))
    size, extra = divmod(day_range.days, count)
    out, start = [], day_range.start
    for i in range(count):
        length = size + (1 if i < extra else 0)
        end = start + dt.timedelta(days=length - 1)
        out.append(DayRange(start, end, day_range.source))
        start = end + dt.timedelta(days=1)
    return out


def parse_windows(value: Any) -> int:
    if value in (None, ""):
        return 1
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ParamError(f"param windows={value!r} must be a whole number from 1 to {MAX_WINDOWS}")
    try:
        windows = int(value)
    except ValueError:
        raise ParamError(
            f"param windows={value!r} must be a whole number from 1 to {MAX_WINDOWS}"
        ) from None
    if not 1 <= windows <= MAX_WINDOWS:
        raise ParamError(
            f"param windows={windows} must be from 1 to {MAX_WINDOWS}: 1 (the default) runs the "
            "range as one statement; use a few for a very long range"
        )
    return windows


@dataclass(frozen=True)
class AssetEventRanges:
    """The ranges one asset event carries, and how to name the event in a message."""

    label: str
    extra: Mapping[str, Any]


def event_ranges(events: list[AssetEventRanges], *, today: dt.date) -> list[DayRange]:
    """The ranges Pass 1's asset events carry, each validated like params (format, order,
    not before the first NBA game, not after today). An event's extra is
    {"ranges": [{"start_date", "end_date"}, ...]} (or one range at its top level, as
    older events have); an event without a range only wakes Pass 2 up."""
    out = []
    for event in events:
        extra = event.extra or {}
        if "ranges" in extra:
            items = extra["ranges"]
            if not isinstance(items, list):
                raise ParamError(
                    f"asset event {event.label}: extra 'ranges' must be a list of "
                    f"{{start_date, end_date}}, got {items!r}"
                )
        elif "start_date" in extra or "end_date" in extra:
            items = [extra]
        else:
            log.info("asset event %s carries no range: it only wakes this run", event.label)
            continue
        for item in items:
            origin = f"asset event {event.label}: "
            if not isinstance(item, Mapping) or not {"start_date", "end_date"} <= set(item):
                raise ParamError(
                    f"{origin}a range must have start_date and end_date, got {item!r}; trigger "
                    "Pass 2 by hand with start_date / end_date"
                )
            try:
                start = parse_date_param("start_date", item["start_date"])
                end = parse_date_param("end_date", item["end_date"])
            except ParamError as error:
                raise ParamError(f"{origin}{error}") from None
            check_range(start, end, today=today, origin=origin)
            out.append(DayRange(start, end, "asset event"))
    return staleness.merge_ranges(out)


def params_given(params: Mapping[str, Any]) -> bool:
    """Whether a run was given a range by params (else: asset events, or only stale days)."""
    return any(params.get(n) not in (None, "") for n in ("start_date", "end_date"))


def requested_ranges(
    params: Mapping[str, Any],
    *,
    conf: Mapping[str, Any] | None,
    events: list[AssetEventRanges],
    run_after: dt.datetime | None,
) -> list[DayRange]:
    """What the run was asked for: its params' range if given, else its asset events'
    ranges (none: a run that only processes what is stale)."""
    if params_given(params):
        return [
            resolve_range(
                params,
                conf=conf,
                run_after=run_after,
                extra_params=("windows", "sweep_history"),
            )
        ]
    check_conf_keys(conf, ("windows", "sweep_history"))
    return event_ranges(events, today=today_of(run_after))


@dataclass
class Plan:
    """The windows a Pass 2 run merges, and why."""

    requested: list[DayRange]
    windows: list[DayRange]
    swept: list[DayRange] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requested": [r.as_dict() for r in self.requested],
            "windows": [w.as_dict() for w in self.windows],
            "swept": [r.as_dict() for r in self.swept],
            "stale": self.stale,
        }


def plan(
    warehouse: Warehouse,
    requested: list[DayRange],
    *,
    today: dt.date,
    lookback_days: int,
    sweep_history: bool = False,
    windows: int = 1,
    only_stale: bool = False,
) -> Plan:
    """The windows of a run: the requested ranges (split into `windows` when asked), plus
    every day stale or missing for Pass 2 within the lookback of each requested range and
    of today (day_status.sql), plus every day of the whole table whose rows Pass 1 wrote
    after Pass 2 (pass2_pending.sql: this is what heals a lost asset event).

    `only_stale` (ranges that came from asset events): the ranges only say where to look;
    days of them that are already fresh are not merged again. A run that waited through a
    Pass 1 backfill merges every day at once; the runs its events queue behind it then
    find nothing left to do."""
    from nba_backfill import target

    target.require(warehouse)  # a table it cannot serve: TargetError, nothing written
    swept = staleness.lookback_windows(
        requested, today=today, lookback_days=lookback_days, sweep_history=sweep_history
    )
    asked = (
        set()
        if only_stale
        else {r.start + dt.timedelta(days=i) for r in requested for i in range(r.days)}
    )
    stale_days: dict[dt.date, str] = {}
    fresh: set[dt.date] = set()
    for window in swept:
        for status in staleness.day_statuses(warehouse, window):
            if status.pass2 in staleness.NOT_DONE:
                stale_days[status.day] = status.describe("pass2")
            else:
                fresh.add(status.day)
    for day, pending in staleness.pass2_pending(warehouse, today).items():
        if pending:
            stale_days.setdefault(day, f"{day} Pass 2 stale: Pass 1 wrote it after Pass 2")
            fresh.discard(day)
        elif day not in stale_days:
            fresh.add(day)
    extra = {d: why for d, why in stale_days.items() if d not in asked}
    for why in extra.values():
        log.warning("adding a stale day: %s", why)
    if windows > 1 and len(requested) == 1 and not only_stale:
        fixed = split_windows(requested[0], windows)
        grouped = staleness.group_days(extra, fresh | asked)
    else:
        fixed = []
        grouped = staleness.group_days(set(extra) | asked, fresh - asked)
    grouped = staleness.cap_windows(grouped, MAX_STALE_WINDOWS + len(requested))
    planned = sorted(fixed + grouped, key=lambda w: w.start)
    if not planned:
        log.info("nothing requested and nothing stale: no statement to run")
    return Plan(requested, planned, swept, [extra[d] for d in sorted(extra)])


def season_windows(warehouse: Warehouse, window: DayRange) -> list[DayRange]:
    """The window cut between seasons (by the schedule's season_year: the 2020 bubble
    with 2019-20, a July final with its season), one sub-window per season, covering the
    window without gap or overlap."""
    spans = warehouse.run(
        "pass2/season_spans",
        {"start_date": window.start, "end_date": window.end},
        labels={"step": "pass2_split"},
    ).rows
    firsts = {dt.date.fromisoformat(str(row["first_date"])[:10]) for row in spans[1:]}
    out, start = [], window.start
    for cut in sorted(day for day in firsts if day > window.start):
        out.append(DayRange(start, cut - dt.timedelta(days=1), window.source))
        start = cut
    out.append(DayRange(start, window.end, window.source))
    return out


def run_statement(
    warehouse: Warehouse, window: DayRange, labels: dict[str, str] | None
) -> dict[str, Any]:
    from nba_backfill import target

    result = warehouse.run(
        "pass2/merge_shot_zones",
        {"start_date": window.start, "end_date": window.end},
        labels={**(labels or {}), "start": window.start.isoformat(), "end": window.end.isoformat()},
        template=target.require(warehouse).template(),
    )
    log.info("%s: %s rows merged in %.2fs", window, result.affected_rows, result.elapsed_s)
    return {**window.as_dict(), "rows": result.affected_rows, "seconds": round(result.elapsed_s, 4)}


def merge_window(
    warehouse: Warehouse, window: DayRange, labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run the Pass 2 statement for one window; rows merged and seconds in the warehouse.

    One statement where the warehouse can take it. Where it cannot (CapacityExceeded:
    DuckDB's memory limit, BigQuery's bytes or resources; the statement wrote nothing),
    the window is merged one season at a time (`by_season` in the result, and a warning
    that says why); a single season that is still too big fails with what to change."""
    try:
        return run_statement(warehouse, window, labels)
    except CapacityExceeded as error:
        seasons = season_windows(warehouse, window)
        if len(seasons) == 1:
            raise CapacityExceeded(
                f"{error} -- {window} is within one season, so Pass 2 cannot split it by "
                "season: give the warehouse more room (NBA_DUCKDB_MEMORY_LIMIT on DuckDB; "
                "NBA_MAXIMUM_BYTES_BILLED or the reservation's slots on BigQuery), or run the "
                "range with more `windows`"
            ) from error
        log.warning(
            "%s is too big for the warehouse as one statement (%s): merging it in %d "
            "statements, one per season: %s",
            window, error, len(seasons), ", ".join(f"{s.start} .. {s.end}" for s in seasons),
        )  # fmt: skip
        parts = [run_statement(warehouse, season, labels) for season in seasons]
        return {
            **window.as_dict(),
            "rows": sum(p["rows"] for p in parts),
            "seconds": round(sum(p["seconds"] for p in parts), 4),
            "by_season": parts,
            "why": str(error),
        }


def audit(warehouse: Warehouse, day_range: DayRange, cfg: Settings) -> AuditReport:
    report = audit_pass2(warehouse, day_range, cfg)
    report.checks.append(completeness_check(warehouse, "pass2", [day_range]))
    log.info("Pass 2 audits for %s:\n%s", day_range, report.describe())
    return report


def announcement(windows: list[dict], figures: dict[str, dict]) -> dict[str, Any]:
    """The extra of the event on nba_analytics.player_game_summary.shot_zones: the ranges
    the run merged and audited (merged where they touch), and the rows they hold."""
    ranges = staleness.merge_ranges(DayRange.from_dict(w, "audited") for w in windows)
    return {
        "ranges": [r.as_dict() for r in ranges],
        "rows": sum(int(f.get("rows_in_range") or 0) for f in figures.values()),
        "shot_zones": "complete",
    }
