"""Pass 1's schedule: one run per NBA game day, named after the game day it loads.

A run of game day D (a US Eastern calendar date, as in the schedule):
- data interval [D 00:00, D+1 00:00) US Eastern, logical date D 00:00 US Eastern (so its
  date is D in UTC too, whatever the season: 04:00 or 05:00 UTC);
- made by the scheduler at 06:00 US Eastern the morning after (`run_after`), when the
  night's games are over; its run id is `scheduled__D`;
- made by `airflow backfill create` (or any time after that morning): `run_after` is the
  start of D, so Airflow names it `backfill__DT00:00:00-04:00` (Airflow builds backfill
  run ids from run_after: the game day's midnight, US Eastern; -05:00 in winter).

Backfill bounds are read as game days: `--from-date 2021-10-19 --to-date 2021-10-25`
makes the runs of game days 2021-10-19 .. 2021-10-25, both included. A bound is a moment;
its game day is the calendar date nearest to it (the bound plus 12 hours, read in UTC), so
a date typed anywhere from UTC-11 to UTC+11 (the UI's backfill dialog sends the browser's
midnight in UTC) and Airflow's UTC midnight name the same day. Days whose interval has not
ended yet are left out by Airflow.

A manual run (the UI's trigger with a logical date, `dag.test()`) gets the last game day
complete at its logical date: the one whose morning-after 06:00 US Eastern has passed, as
the scheduler would have run it.

Airflow finds this class through the plugin in plugins/nba_timetables.py (a timetable
outside Airflow must be registered by a plugin in every component that reads serialized
DAGs).
"""

from __future__ import annotations

import datetime as dt

import pendulum
from airflow.timetables.base import DagRunInfo, DataInterval, Timetable

from nba_backfill.days import GAME_TZ_NAME

GAME_TZ = pendulum.timezone(GAME_TZ_NAME)
UTC = pendulum.timezone("UTC")


def day_start(day: dt.date) -> pendulum.DateTime:
    """Midnight US Eastern that begins game day `day`."""
    return pendulum.datetime(day.year, day.month, day.day, tz=GAME_TZ)


def game_day_of(moment: dt.datetime) -> dt.date:
    """The US Eastern calendar date of a moment (a data interval's start: its game day)."""
    return pendulum.instance(moment).in_timezone(GAME_TZ).date()


def bound_day(bound: dt.datetime) -> dt.date:
    """The game day a backfill bound names: the calendar date nearest to it, in UTC."""
    return (pendulum.instance(bound).in_timezone(UTC) + dt.timedelta(hours=12)).date()


class GameDayTimetable(Timetable):
    """One run per game day (US Eastern), made `ready_hour`:00 US Eastern the morning
    after; the data interval is the game day itself. See the module's docstring."""

    def __init__(self, ready_hour: int = 6) -> None:
        self.ready_hour = ready_hour
        self.description = (
            f"One run per game day (US Eastern), at {ready_hour:02d}:00 US Eastern the "
            "morning after"
        )

    @property
    def summary(self) -> str:
        return f"game days, {self.ready_hour:02d}:00 ET next morning"

    def serialize(self) -> dict:
        return {"ready_hour": self.ready_hour}

    @classmethod
    def deserialize(cls, data: dict) -> GameDayTimetable:
        return cls(ready_hour=int(data.get("ready_hour", 6)))

    def validate(self) -> None:
        from airflow.exceptions import AirflowTimetableInvalid

        if not isinstance(self.ready_hour, int) or not 0 <= self.ready_hour <= 23:
            raise AirflowTimetableInvalid(
                f"ready_hour={self.ready_hour!r} must be an hour of the day, 0 to 23"
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GameDayTimetable) and other.ready_hour == self.ready_hour

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.ready_hour))

    # -- the game days ------------------------------------------------------------------

    def ready_at(self, day: dt.date) -> pendulum.DateTime:
        """When game day `day` can be loaded: ready_hour US Eastern the morning after."""
        after = day + dt.timedelta(days=1)
        return pendulum.datetime(after.year, after.month, after.day, self.ready_hour, tz=GAME_TZ)

    def last_ready_day(self, moment: dt.datetime) -> dt.date:
        """The latest game day ready at `moment`."""
        local = pendulum.instance(moment).in_timezone(GAME_TZ)
        day = local.date() - dt.timedelta(days=1)
        return day if self.ready_at(day) <= local else day - dt.timedelta(days=1)

    def interval(self, day: dt.date) -> DataInterval:
        return DataInterval(day_start(day), day_start(day + dt.timedelta(days=1)))

    def run_info(self, day: dt.date, now: dt.datetime | None = None) -> DagRunInfo:
        """The run of game day `day`: due the morning after; once that morning has passed
        (a backfill, a catch-up), due at the start of the day, so that Airflow's backfill
        run id carries the game day."""
        now = now or pendulum.now(UTC)
        ready = self.ready_at(day)
        interval = self.interval(day)
        return DagRunInfo(
            run_after=ready if ready > now else interval.start,
            data_interval=interval,
        )

    # -- the Timetable protocol --------------------------------------------------------

    def infer_manual_data_interval(self, *, run_after: dt.datetime) -> DataInterval:
        return self.interval(self.last_ready_day(run_after))

    def next_dagrun_info(self, *, last_automated_data_interval, restriction):
        return self.next_run_info(last_automated_data_interval, restriction, pendulum.now(UTC))

    def next_run_info(self, last_interval, restriction, now: dt.datetime) -> DagRunInfo | None:
        """The run after `last_interval` (None: the first) within `restriction`, as of
        `now`: the scheduler asks with the DAG's start date and catchup; `airflow backfill
        create` with its bounds and catchup on."""
        if restriction.earliest is None:  # no start_date: nothing to schedule
            return None
        day = bound_day(restriction.earliest)
        if last_interval is not None:
            day = max(day, game_day_of(last_interval.start) + dt.timedelta(days=1))
        if not restriction.catchup:  # start from the latest day ready, not from history
            day = max(day, self.last_ready_day(now))
        if restriction.latest is not None and day > bound_day(restriction.latest):
            return None
        return self.run_info(day, now)

    def generate_run_id(self, *, run_type, run_after, data_interval, **extra) -> str:
        if data_interval is not None and run_type == "scheduled":  # (a str enum)
            return f"scheduled__{game_day_of(data_interval.start).isoformat()}"
        return super().generate_run_id(
            run_type=run_type, run_after=run_after, data_interval=data_interval, **extra
        )
