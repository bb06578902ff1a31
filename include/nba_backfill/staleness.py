"""What each pass still owes the table, read from the warehouse itself.

The record of what needs doing is the data, not Airflow's runs or asset events (an event
can be lost, a run killed, a row re-delivered a week late): per game day, the statement
include/sql/state/day_status.sql compares when the day's raw rows were delivered with
when each pass last wrote it, and what each pass should have written with what is there.
Its verdict per pass is `complete`, `stale` or `missing`; this module turns its rows into
`DayStatus` values with the reasons spelled out, and plans the days and windows the passes
process (what they were asked for, plus what is stale within the lookback).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from nba_backfill.days import FIRST_GAME_DAY, DayRange
from nba_backfill.warehouse import Warehouse

STATUS_SQL = "state/day_status"
PENDING_SQL = "state/pass2_pending"
PASSES = ("pass1", "pass2")
NOT_DONE = ("stale", "missing")


def _ts(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return str(value)


@dataclass(frozen=True)
class DayStatus:
    """One game day's verdict per pass (a row of day_status.sql)."""

    day: dt.date
    pass1: str | None
    pass2: str | None
    figures: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> DayStatus:
        day = row["game_date"]
        day = day.date() if isinstance(day, dt.datetime) else day
        return cls(day, row["pass1_status"], row["pass2_status"], dict(row))

    def status(self, pass_name: str) -> str | None:
        return getattr(self, pass_name)

    def reasons(self, pass_name: str) -> list[str]:
        """Why the day is stale or missing for the pass, in words (empty when complete)."""
        f = self.figures
        if self.status(pass_name) not in NOT_DONE:
            return []
        n = lambda key: int(f.get(key) or 0)  # noqa: E731
        out: list[str] = []
        if pass_name == "pass1":
            if n("games_without_pass1"):
                out.append(
                    f"{n('games_without_pass1')} of {n('final_games')} Final game(s) without "
                    "Pass 1 rows"
                )
            if n("games_without_stats"):
                out.append(
                    f"{n('games_without_stats')} Final game(s) with no gamebook or balldontlie "
                    "row at all: load their box scores"
                )
            if n("games_gamebook_vanished"):
                out.append(
                    f"{n('games_gamebook_vanished')} game(s) loaded from the gamebook, which has "
                    "no row of them now: Pass 1 keeps their rows (load their gamebook again, or "
                    "python -m nba_backfill.cli accept-fallback --game-id ...)"
                )
            if n("rows_not_final"):
                out.append(f"{n('rows_not_final')} row(s) of games that are not Final")
            if n("rows_without_pass1"):
                out.append(f"{n('rows_without_pass1')} row(s) written by Pass 2 only")
            if n("games_alias_changed_pass1"):
                out.append(
                    f"player aliases changed {_ts(f.get('alias_changed_at'))}, after Pass 1 "
                    f"wrote {n('games_alias_changed_pass1')} game(s) they touch"
                )
            if _later(f.get("stats_delivered_at"), f.get("pass1_at")):
                out.append(
                    f"gamebook/balldontlie rows delivered {_ts(f['stats_delivered_at'])}, "
                    f"after Pass 1 wrote the day ({_ts(f['pass1_at'])})"
                )
        else:
            if self.pass2 == "missing":
                rows = n("final_rows")
                out.append(
                    f"Pass 2 has not processed the day ({rows} row(s))"
                    if rows
                    else f"no rows yet for its {n('games_with_roster')} Final game(s)"
                )
            else:
                if n("rows_without_pass2"):
                    out.append(f"{n('rows_without_pass2')} row(s) not processed by Pass 2")
                if n("games_without_rows"):
                    out.append(f"{n('games_without_rows')} Final game(s) with a roster but no rows")
                if n("games_alias_changed_pass2"):
                    out.append(
                        f"player aliases changed {_ts(f.get('alias_changed_at'))}, after the "
                        f"shot zones of {n('games_alias_changed_pass2')} game(s) they touch"
                    )
                if n("games_pbp_without_zones"):
                    out.append(
                        f"{n('games_pbp_without_zones')} game(s) with play-by-play but NULL "
                        "shot zones"
                    )
                if _later(f.get("pbp_delivered_at"), f.get("pass2_at")):
                    out.append(
                        f"play-by-play delivered {_ts(f['pbp_delivered_at'])}, after the shot "
                        f"zones ({_ts(f['pass2_at'])})"
                    )
                if _later(f.get("pass1_latest"), f.get("pass2_at")):
                    out.append(
                        f"Pass 1 rewrote the day {_ts(f['pass1_latest'])}, after the shot "
                        f"zones ({_ts(f['pass2_at'])})"
                    )
                if _later(f.get("stats_delivered_at"), f.get("pass2_at")):
                    out.append(
                        f"roster rows delivered {_ts(f['stats_delivered_at'])}, after the "
                        f"shot zones ({_ts(f['pass2_at'])})"
                    )
        return out or ["(no reason reported)"]

    def describe(self, pass_name: str) -> str:
        label = "Pass 1" if pass_name == "pass1" else "Pass 2"
        return f"{self.day} {label} {self.status(pass_name)}: " + "; ".join(self.reasons(pass_name))


def _later(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a > b


def day_statuses(warehouse: Warehouse, day_range: DayRange) -> list[DayStatus]:
    """Every day of the range with a Final game or output rows, with its verdicts."""
    rows = warehouse.run(
        STATUS_SQL,
        {"start_date": day_range.start, "end_date": day_range.end},
        labels={"step": "day_status"},
    ).rows
    return [DayStatus.from_row(r) for r in rows]


def not_done(statuses: Iterable[DayStatus], pass_name: str) -> list[DayStatus]:
    return [s for s in statuses if s.status(pass_name) in NOT_DONE]


def pass2_pending(warehouse: Warehouse, until: dt.date) -> dict[dt.date, bool]:
    """Every day of the output table up to `until`: does Pass 2 owe it a run?"""
    rows = warehouse.run(PENDING_SQL, {"end_date": until}, labels={"step": "pass2_pending"}).rows
    out = {}
    for row in rows:
        day = row["game_date"]
        out[day.date() if isinstance(day, dt.datetime) else day] = bool(row["pending"])
    return out


def merge_ranges(ranges: Iterable[DayRange], source: str | None = None) -> list[DayRange]:
    """Overlapping or adjacent ranges merged, in date order."""
    merged: list[DayRange] = []
    for r in sorted(ranges, key=lambda r: (r.start, r.end)):
        if merged and r.start <= merged[-1].end + dt.timedelta(days=1):
            last = merged[-1]
            merged[-1] = DayRange(last.start, max(last.end, r.end), source or last.source)
        else:
            merged.append(DayRange(r.start, r.end, source or r.source))
    return merged


def lookback_windows(
    requested: Iterable[DayRange], *, today: dt.date, lookback_days: int, sweep_history: bool
) -> list[DayRange]:
    """Where a run looks for stale days: `lookback_days` back from each range it was
    asked for and from today (the whole history with `sweep_history`), merged."""
    if sweep_history:
        return [DayRange(FIRST_GAME_DAY, today, "history sweep")]
    back = dt.timedelta(days=lookback_days)
    windows = [DayRange(max(FIRST_GAME_DAY, r.start - back), r.end, "lookback") for r in requested]
    windows.append(DayRange(max(FIRST_GAME_DAY, today - back), today, "lookback"))
    return merge_ranges(windows, "lookback")


def group_days(
    days: Iterable[dt.date], fresh: Iterable[dt.date], *, max_gap_days: int = 7
) -> list[DayRange]:
    """Contiguous windows over `days`: a window runs on across gaps of days with nothing
    to do (no games, nothing known), but stops at a day known to be up to date (`fresh`)
    and at a gap longer than `max_gap_days`, so that a run touches no day it does not
    need to."""
    fresh_days = set(fresh)
    out: list[DayRange] = []
    for day in sorted(set(days)):
        if out:
            last = out[-1]
            gap = (day - last.end).days - 1
            between = (last.end + dt.timedelta(days=i + 1) for i in range(max(gap, 0)))
            if gap <= max_gap_days and not any(d in fresh_days for d in between):
                out[-1] = DayRange(last.start, day, "stale")
                continue
        out.append(DayRange(day, day, "stale"))
    return out


def cap_windows(windows: list[DayRange], most: int) -> list[DayRange]:
    """At most `most` windows: the two closest neighbours are joined until it fits."""
    windows = sorted(windows, key=lambda w: w.start)
    while len(windows) > most:
        gaps = [(windows[i + 1].start - windows[i].end).days for i in range(len(windows) - 1)]
        i = gaps.index(min(gaps))
        windows[i : i + 2] = [DayRange(windows[i].start, windows[i + 1].end, "stale")]
    return windows


MAX_DAY_LINES = 40


def summarize(statuses: list[DayStatus], max_day_lines: int = MAX_DAY_LINES) -> list[str]:
    """Lines for people: per pass the days complete, stale and missing; over more than one
    season, the same per season (a row each); then each stale or missing day on a line of
    its own (date, pass, the word, the reasons), the first `max_day_lines` of them."""
    from nba_backfill.days import season_label, season_of

    def counts(days: list[DayStatus], pass_name: str) -> dict[str, int]:
        return {k: sum(1 for s in days if s.status(pass_name) == k) for k in
                ("complete", "stale", "missing")}  # fmt: skip

    lines = []
    for pass_name, label in (("pass1", "Pass 1"), ("pass2", "Pass 2")):
        c = counts(statuses, pass_name)
        lines.append(
            f"{label}: {c['complete']} complete, {c['stale']} stale, {c['missing']} missing"
        )
    by_season: dict[int, list[DayStatus]] = {}
    for status in statuses:
        by_season.setdefault(season_of(status.day), []).append(status)
    if len(by_season) > 1:
        lines.append(f"{'season':<8} {'days':>5}   {'Pass 1 complete/stale/missing':<31}"
                     "Pass 2 complete/stale/missing")  # fmt: skip
        for season, days in sorted(by_season.items()):
            p1, p2 = counts(days, "pass1"), counts(days, "pass2")
            cells = [f"{c['complete']:>5} / {c['stale']:>4} / {c['missing']:>4}" for c in (p1, p2)]
            flag = "" if not (p1["stale"] + p1["missing"] + p2["stale"] + p2["missing"]) else "  <-"
            lines.append(
                f"{season_label(season):<8} {len(days):>5}   {cells[0]:<31}{cells[1]}{flag}"
            )
    owed = [
        f"{status.day}  {pass_name}  {status.status(pass_name):<7}  "
        + "; ".join(status.reasons(pass_name))
        for status in statuses
        for pass_name in PASSES
        if status.status(pass_name) in NOT_DONE
    ]
    lines.extend(owed[:max_day_lines])
    if len(owed) > max_day_lines:
        lines.append(
            f"... and {len(owed) - max_day_lines:,} more (narrow --start/--end to list them)"
        )
    return lines
