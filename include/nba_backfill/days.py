"""Which game days a DAG run processes: from its params, or from its data interval.

Pure functions (no Airflow, no warehouse) so that they are unit-tested directly. Game
dates are US Eastern calendar dates, as in the schedule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

GAME_TZ_NAME = "America/New_York"
GAME_TZ = ZoneInfo(GAME_TZ_NAME)
PARAM_NAMES = ("start_date", "end_date")
# The first NBA (BAA) game: no range may start before it.
FIRST_GAME_DAY = dt.date(1946, 11, 1)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ParamError(ValueError):
    """A DAG param is invalid; the message names the param and how to fix it."""


@dataclass(frozen=True)
class DayRange:
    start: dt.date
    end: dt.date  # inclusive
    source: str  # "params" or "data interval"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @classmethod
    def from_dict(cls, value: dict[str, str], source: str = "plan") -> DayRange:
        return cls(
            dt.date.fromisoformat(value["start_date"]),
            dt.date.fromisoformat(value["end_date"]),
            source,
        )

    def as_dict(self) -> dict[str, str]:
        return {"start_date": self.start.isoformat(), "end_date": self.end.isoformat()}

    def __str__(self) -> str:
        return f"{self.start} .. {self.end} ({self.days} days, from {self.source})"


def parse_date_param(name: str, value: Any) -> dt.date:
    """A YYYY-MM-DD string (or a date) -> date, else ParamError naming the param."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ParamError(
            f"param {name} must be a date string YYYY-MM-DD, got {type(value).__name__} "
            f"{value!r}; e.g. {name}=2021-10-19"
        )
    text = value.strip()
    if not _DATE_RE.match(text):
        raise ParamError(
            f"param {name}={value!r} is not a date in the form YYYY-MM-DD; e.g. {name}=2021-10-19"
        )
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise ParamError(f"param {name}={value!r} is not a calendar date ({error})") from None


def _today(run_after: dt.datetime | None) -> dt.date:
    moment = run_after or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(GAME_TZ).date()


def interval_range(start: dt.datetime, end: dt.datetime) -> DayRange:
    """Game days of a data interval [start, end): each run is stamped in the morning
    (Eastern) after its games, so the interval's days are start's date .. end's date - 1.
    A zero-length interval processes the day before its end."""
    last = end.astimezone(GAME_TZ).date() - dt.timedelta(days=1)
    first = min(start.astimezone(GAME_TZ).date(), last)
    return DayRange(first, last, "data interval")


def check_conf_keys(conf: Mapping[str, Any] | None, extra_params: tuple[str, ...] = ()) -> None:
    """Refuse keys in a run's conf that the DAG does not take (a typo would be ignored)."""
    known = set(PARAM_NAMES) | set(extra_params)
    unknown = sorted(set(conf or {}) - known)
    if unknown:
        raise ParamError(
            f"unknown param(s) {', '.join(unknown)}: this DAG takes "
            f"{', '.join(sorted(known))}; remove the others from the run's conf"
        )


def resolve_range(
    params: Mapping[str, Any],
    *,
    conf: Mapping[str, Any] | None = None,
    data_interval_start: dt.datetime | None = None,
    data_interval_end: dt.datetime | None = None,
    run_after: dt.datetime | None = None,
    extra_params: tuple[str, ...] = (),
) -> DayRange:
    """Validate a run's params and return the game days it must process.

    - `start_date` and `end_date` given (both, YYYY-MM-DD): that range;
    - neither given (a scheduled run, or one made by `airflow backfill create`): the
      run's data interval.
    Refused, with the param named: one of the two alone, malformed or impossible dates,
    end before start, a start before the first NBA game, an end date after today (US
    Eastern, as of the run), and unknown keys in the run's conf. (How many game days one
    run may load is Pass 1's plan to say: it counts them.)
    """
    check_conf_keys(conf, extra_params)
    given = {n: params.get(n) for n in PARAM_NAMES}
    given = {n: v for n, v in given.items() if v not in (None, "")}
    if not given:
        if data_interval_start is None or data_interval_end is None:
            raise ParamError(
                "this run has no data interval: set params start_date and end_date "
                "(YYYY-MM-DD) to choose the game days"
            )
        return interval_range(data_interval_start, data_interval_end)
    for name in PARAM_NAMES:
        if name not in given:
            other = next(iter(given))
            raise ParamError(
                f"param {name} is missing: set both start_date and end_date "
                f"(for one day, {name}={given[other]} as well)"
            )
    start = parse_date_param("start_date", given["start_date"])
    end = parse_date_param("end_date", given["end_date"])
    check_range(start, end, today=_today(run_after))
    return DayRange(start, end, "params")


def check_range(
    start: dt.date,
    end: dt.date,
    *,
    today: dt.date,
    origin: str = "param ",
) -> None:
    """The checks every range passes, wherever it comes from (params, asset events):
    in order, not before the first NBA game, not after today.
    `origin` prefixes the names in the message ("param " for params; an asset event names
    itself)."""
    if end < start:
        raise ParamError(
            f"{origin}end_date={end} is before start_date={start}: swap them or fix end_date"
        )
    if start < FIRST_GAME_DAY:
        raise ParamError(
            f"{origin}start_date={start} is before the first NBA game ({FIRST_GAME_DAY}): "
            f"set start_date to {FIRST_GAME_DAY} or later"
        )
    if end > today:
        raise ParamError(
            f"{origin}end_date={end} is in the future (today is {today}, US Eastern): "
            f"set end_date to {today} or earlier"
        )


def today_of(run_after: dt.datetime | None) -> dt.date:
    """Today's date, US Eastern, as of `run_after` (or now)."""
    return _today(run_after)


def season_of(day: dt.date) -> int:
    """The season's start year (2021 for 2021-22): August to July, so a July final stays
    with its season; the 2020 bubble (to October 11, 2020) with 2019-20."""
    if day.year == 2020 and 8 <= day.month <= 11:
        return 2019
    return day.year if day.month >= 8 else day.year - 1


def season_label(season: int) -> str:
    return f"{season}-{(season + 1) % 100:02d}"
