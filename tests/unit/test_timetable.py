"""Pass 1's GameDayTimetable: one run per game day, named after it (day boundaries, US
Eastern daylight-saving changes, backfill bounds and run ids, the nightly morning-after
start, manual runs). Expected values written by hand; the real `airflow backfill create`
under a scheduler is in tests/e2e/test_airflow_cli.py."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from airflow.models.dagrun import DagRun
from airflow.timetables.base import DataInterval, TimeRestriction
from airflow.utils.types import DagRunType

from nba_backfill.timetable import GameDayTimetable, bound_day

TT = GameDayTimetable()
ET = pendulum.timezone("America/New_York")
UTC = pendulum.timezone("UTC")


def utc(text: str) -> pendulum.DateTime:
    return pendulum.parse(text, tz=UTC)


def backfill_infos(from_date: str, to_date: str, now: str = "2026-12-01T12:00:00Z"):
    """What `airflow backfill create --from-date .. --to-date ..` asks the timetable (bounds
    parsed as Airflow's CLI does, catchup on), in order."""
    restriction = TimeRestriction(utc(from_date), utc(to_date), catchup=True)
    infos, info = [], None
    while info := TT.next_run_info(info and info.data_interval, restriction, utc(now)):
        infos.append(info)
    return infos


def backfill_run_id(info) -> str:
    """The run id Airflow gives a backfill run (models/backfill.py)."""
    return DagRun.generate_run_id(
        run_type=DagRunType.BACKFILL_JOB, logical_date=info.logical_date, run_after=info.run_after
    )


@pytest.mark.parametrize(
    ("day", "start", "end", "hours"),
    [
        ("2021-10-19", "2021-10-19T04:00:00+00:00", "2021-10-20T04:00:00+00:00", 24),  # EDT
        ("2022-01-15", "2022-01-15T05:00:00+00:00", "2022-01-16T05:00:00+00:00", 24),  # EST
        ("2022-03-13", "2022-03-13T05:00:00+00:00", "2022-03-14T04:00:00+00:00", 23),  # spring
        ("2021-11-07", "2021-11-07T04:00:00+00:00", "2021-11-08T05:00:00+00:00", 25),  # fall
        ("2021-11-06", "2021-11-06T04:00:00+00:00", "2021-11-07T04:00:00+00:00", 24),
    ],
)
def test_a_game_day_is_its_us_eastern_calendar_day(day, start, end, hours):
    interval = TT.interval(dt.date.fromisoformat(day))
    assert (
        interval.start.in_timezone(UTC).isoformat(),
        interval.end.in_timezone(UTC).isoformat(),
    ) == (start, end)
    assert (interval.end - interval.start) == dt.timedelta(hours=hours)


def test_every_day_of_a_year_has_its_game_day_as_utc_logical_date_and_as_interval():
    day = dt.date(2021, 7, 1)
    while day < dt.date(2022, 7, 1):
        interval = TT.interval(day)
        assert interval.start.in_timezone(UTC).date() == day  # the logical date names it
        assert interval.start.in_timezone(ET).time() == dt.time(0, 0)
        assert interval.end == TT.interval(day + dt.timedelta(days=1)).start  # no gap
        day += dt.timedelta(days=1)


def test_a_backfill_makes_exactly_the_game_days_from_to_both_included():
    infos = backfill_infos("2021-10-19", "2021-10-25")
    assert [i.logical_date.in_timezone(ET).date().isoformat() for i in infos] == [
        "2021-10-19", "2021-10-20", "2021-10-21", "2021-10-22", "2021-10-23",
        "2021-10-24", "2021-10-25",
    ]  # fmt: skip
    assert [backfill_run_id(i) for i in infos[:2]] == [
        "backfill__2021-10-19T00:00:00-04:00",
        "backfill__2021-10-20T00:00:00-04:00",
    ]
    # due at once (the morning after passed long ago), at the start of its game day
    assert all(i.run_after == i.data_interval.start for i in infos)


def test_a_backfill_of_one_day():
    (info,) = backfill_infos("2021-10-19", "2021-10-19")
    assert backfill_run_id(info) == "backfill__2021-10-19T00:00:00-04:00"


def test_backfill_run_ids_across_daylight_saving_changes():
    spring = backfill_infos("2022-03-12", "2022-03-14")
    assert [backfill_run_id(i) for i in spring] == [
        "backfill__2022-03-12T00:00:00-05:00",
        "backfill__2022-03-13T00:00:00-05:00",
        "backfill__2022-03-14T00:00:00-04:00",
    ]
    fall = backfill_infos("2021-11-06", "2021-11-08")
    assert [backfill_run_id(i) for i in fall] == [
        "backfill__2021-11-06T00:00:00-04:00",
        "backfill__2021-11-07T00:00:00-04:00",
        "backfill__2021-11-08T00:00:00-05:00",
    ]


@pytest.mark.parametrize(
    ("bound", "day"),
    [
        ("2021-10-19T00:00:00+00:00", "2021-10-19"),  # the CLI: a date, UTC midnight
        ("2021-10-19T00:00:00-04:00", "2021-10-19"),  # US Eastern midnight
        ("2021-10-19T00:00:00-07:00", "2021-10-19"),  # a browser in California
        ("2021-10-19T00:00:00+02:00", "2021-10-19"),  # a browser in Paris (UI: UTC 10-18 22:00)
        ("2021-10-19T00:00:00+09:00", "2021-10-19"),  # a browser in Tokyo (UTC 10-18 15:00)
        ("2021-10-19T11:59:00+00:00", "2021-10-19"),  # the nearest midnight ...
        ("2021-10-19T12:00:00+00:00", "2021-10-20"),  # ... rounds up from noon UTC
    ],
)
def test_a_bound_names_the_calendar_date_nearest_to_it(bound, day):
    assert bound_day(pendulum.parse(bound)).isoformat() == day


def test_a_ui_backfill_from_europe_makes_the_same_runs_as_the_cli():
    paris = backfill_infos("2021-10-18T22:00:00Z", "2021-10-24T22:00:00Z")
    assert [i.data_interval for i in paris] == [
        i.data_interval for i in backfill_infos("2021-10-19", "2021-10-25")
    ]


def test_the_nightly_run_is_due_the_morning_after_and_named_after_its_game_day():
    restriction = TimeRestriction(TT.interval(dt.date(2021, 10, 1)).start, None, catchup=False)
    last = TT.interval(dt.date(2021, 10, 19))
    # asked right after the run of 10-19 was made (10-20 06:00 ET): game day 10-20, due
    # 10-21 06:00 ET (10:00 UTC, daylight time)
    info = TT.next_run_info(last, restriction, utc("2021-10-20T10:00:05Z"))
    assert info.data_interval == TT.interval(dt.date(2021, 10, 20))
    assert info.run_after.isoformat() == "2021-10-21T06:00:00-04:00"
    run_id = TT.generate_run_id(
        run_type=DagRunType.SCHEDULED, run_after=info.run_after, data_interval=info.data_interval
    )
    assert run_id == "scheduled__2021-10-20"
    # in standard time the morning after is 11:00 UTC
    info = TT.next_run_info(
        TT.interval(dt.date(2022, 1, 14)), restriction, utc("2022-01-15T11:00:05Z")
    )
    assert info.run_after.in_timezone(UTC).isoformat() == "2022-01-16T11:00:00+00:00"
    # the night the clocks change: still 06:00 on the clock
    info = TT.next_run_info(
        TT.interval(dt.date(2022, 3, 11)), restriction, utc("2022-03-12T11:00:05Z")
    )
    assert info.run_after.isoformat() == "2022-03-13T06:00:00-04:00"


def test_without_catchup_a_paused_dag_resumes_at_the_latest_ready_day():
    restriction = TimeRestriction(TT.interval(dt.date(2021, 10, 1)).start, None, catchup=False)
    last = TT.interval(dt.date(2021, 10, 19))
    # unpaused on 11-05 at 05:59 ET: 11-03 is the latest day ready (11-04's is at 06:00)
    info = TT.next_run_info(last, restriction, pendulum.datetime(2021, 11, 5, 5, 59, tz=ET))
    assert info.data_interval == TT.interval(dt.date(2021, 11, 3))
    assert info.run_after == info.data_interval.start  # due at once
    info = TT.next_run_info(last, restriction, pendulum.datetime(2021, 11, 5, 6, 0, tz=ET))
    assert info.data_interval == TT.interval(dt.date(2021, 11, 4))
    # the first run of a new DAG: the latest day ready, not the start date
    info = TT.next_run_info(None, restriction, pendulum.datetime(2021, 11, 5, 6, 0, tz=ET))
    assert info.data_interval == TT.interval(dt.date(2021, 11, 4))


def test_with_catchup_the_scheduler_walks_from_the_start_date():
    restriction = TimeRestriction(TT.interval(dt.date(2021, 10, 1)).start, None, catchup=True)
    info = TT.next_run_info(None, restriction, utc("2021-11-05T12:00:00Z"))
    assert info.data_interval == TT.interval(dt.date(2021, 10, 1))


def test_no_start_date_no_runs_and_an_end_bound_stops_them():
    assert (
        TT.next_run_info(None, TimeRestriction(None, None, True), utc("2021-11-05T12:00Z")) is None
    )
    restriction = TimeRestriction(utc("2021-10-19"), utc("2021-10-19"), catchup=True)
    assert (
        TT.next_run_info(TT.interval(dt.date(2021, 10, 19)), restriction, utc("2021-11-05T12:00Z"))
        is None
    )


@pytest.mark.parametrize(
    ("logical", "day"),
    [
        (pendulum.datetime(2021, 10, 21, 6, 0, tz=ET), "2021-10-20"),  # the morning after
        (pendulum.datetime(2021, 10, 21, 5, 59, tz=ET), "2021-10-19"),  # not yet
        (pendulum.datetime(2021, 10, 21, 23, 0, tz=ET), "2021-10-20"),
        (pendulum.datetime(2021, 11, 7, 6, 0, tz=ET), "2021-11-06"),  # after the clocks changed
    ],
)
def test_a_manual_run_gets_the_last_game_day_ready_at_its_logical_date(logical, day):
    interval = TT.infer_manual_data_interval(run_after=logical)
    assert interval == TT.interval(dt.date.fromisoformat(day))


def test_other_run_types_keep_airflows_run_ids():
    run_after = utc("2021-10-21T14:03:00Z")
    interval = DataInterval(*TT.interval(dt.date(2021, 10, 20)))
    run_id = TT.generate_run_id(
        run_type=DagRunType.MANUAL, run_after=run_after, data_interval=interval
    )
    assert run_id == "manual__2021-10-21T14:03:00+00:00"


def test_it_serializes_and_validates():
    assert GameDayTimetable.deserialize(TT.serialize()) == TT
    assert TT.summary == "game days, 06:00 ET next morning"
    from airflow.exceptions import AirflowTimetableInvalid

    with pytest.raises(AirflowTimetableInvalid, match="ready_hour=24 must be an hour"):
        GameDayTimetable(24).validate()
