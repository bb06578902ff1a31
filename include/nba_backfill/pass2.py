"""Pass 2 steps, called by the tasks of the Pass 2 DAG (and by tests and tools).

The shot zones of a range are computed by ONE statement (include/sql/pass2/
merge_shot_zones.sql): one scan of the range's play-by-play and one MERGE. A very long
range can be split into a few windows, one statement each.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from nba_backfill.audits import AuditReport, audit_pass2
from nba_backfill.config import Settings
from nba_backfill.days import DayRange, ParamError, resolve_range
from nba_backfill.warehouse import Warehouse

log = logging.getLogger(__name__)
MAX_WINDOWS = 12


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


def merge_ranges(ranges: Iterable[DayRange]) -> list[DayRange]:
    """Overlapping or adjacent ranges merged, in date order."""
    merged: list[DayRange] = []
    for r in sorted(ranges, key=lambda r: r.start):
        if merged and r.start <= merged[-1].end + dt.timedelta(days=1):
            last = merged[-1]
            merged[-1] = DayRange(last.start, max(last.end, r.end), last.source)
        else:
            merged.append(r)
    return merged


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


def resolve_windows(
    params: Mapping[str, Any],
    *,
    conf: Mapping[str, Any] | None,
    asset_ranges: list[dict[str, str]],
    run_after: dt.datetime | None,
    max_days: int,
) -> list[DayRange]:
    """The windows a Pass 2 run enriches, each run as one statement.

    - params start_date / end_date given: that range, split into `windows` windows;
    - otherwise the ranges carried by the triggering Pass 1 asset events (merged where
      they overlap), each a window of its own;
    - neither: refused, naming the params to set.
    """
    windows = parse_windows(params.get("windows"))
    given = any(params.get(n) not in (None, "") for n in ("start_date", "end_date"))
    if given or not asset_ranges:
        if not given and not asset_ranges:
            raise ParamError(
                "no range to enrich: set params start_date and end_date (YYYY-MM-DD), or let "
                "Pass 1's asset event trigger this DAG"
            )
        day_range = resolve_range(
            params, conf=conf, run_after=run_after, max_days=max_days, extra_params=("windows",)
        )
        return split_windows(day_range, windows)
    ranges = []
    for extra in asset_ranges:
        try:
            ranges.append(DayRange.from_dict(extra, source="asset event"))
        except (KeyError, TypeError, ValueError):
            raise ParamError(
                f"a triggering asset event carries no valid range (extra={extra!r}); trigger "
                "Pass 2 by hand with start_date / end_date"
            ) from None
    return merge_ranges(ranges)


def merge_window(
    warehouse: Warehouse, window: DayRange, labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run the Pass 2 statement for one window; rows merged and seconds in the warehouse."""
    result = warehouse.run(
        "pass2/merge_shot_zones",
        {"start_date": window.start, "end_date": window.end},
        labels={**(labels or {}), "start": window.start.isoformat(), "end": window.end.isoformat()},
    )
    log.info("%s: %s rows merged in %.2fs", window, result.affected_rows, result.elapsed_s)
    return {
        **window.as_dict(),
        "rows": result.affected_rows,
        "seconds": round(result.elapsed_s, 4),
    }


def audit(warehouse: Warehouse, day_range: DayRange, cfg: Settings) -> AuditReport:
    report = audit_pass2(warehouse, day_range, cfg)
    log.info("Pass 2 audits for %s:\n%s", day_range, report.describe())
    return report
