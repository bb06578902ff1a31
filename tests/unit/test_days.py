"""Which days a run processes: params validation and data intervals."""

from __future__ import annotations

import datetime as dt

import pytest

from nba_backfill.days import GAME_TZ, DayRange, ParamError, interval_range, resolve_range

RUN_AFTER = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)


def resolve(params, **kwargs):
    kwargs.setdefault("run_after", RUN_AFTER)
    kwargs.setdefault("conf", params)
    return resolve_range(params, **kwargs)


def test_params_give_an_inclusive_range():
    rng = resolve({"start_date": "2021-10-19", "end_date": "2021-10-25"})
    assert rng == DayRange(dt.date(2021, 10, 19), dt.date(2021, 10, 25), "params")
    assert rng.days == 7
    assert rng.as_dict() == {"start_date": "2021-10-19", "end_date": "2021-10-25"}


def test_one_day():
    rng = resolve({"start_date": "2021-10-19", "end_date": "2021-10-19"})
    assert rng.days == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start_date": "2021-10-19"}, "param end_date is missing"),
        ({"end_date": "2021-10-19"}, "param start_date is missing"),
        ({"start_date": "2021/10/19", "end_date": "2021-10-20"}, "param start_date='2021/10/19' is not a date in the form YYYY-MM-DD"),
        ({"start_date": "2021-02-30", "end_date": "2021-03-01"}, "param start_date='2021-02-30' is not a calendar date"),
        ({"start_date": "2021-10-19", "end_date": "yesterday"}, "param end_date='yesterday' is not a date"),
        ({"start_date": 20211019, "end_date": "2021-10-20"}, "param start_date must be a date string YYYY-MM-DD, got int"),
        ({"start_date": "2021-10-19' OR 1=1 --", "end_date": "2021-10-20"}, "param start_date=\"2021-10-19' OR 1=1 --\" is not a date"),
        ({"start_date": "2021-10-25", "end_date": "2021-10-19"}, "param end_date=2021-10-19 is before start_date=2021-10-25"),
        ({"start_date": "2024-05-30", "end_date": "2024-06-02"}, "param end_date=2024-06-02 is in the future (today is 2024-06-01"),
        ({"start_date": "1946-10-31", "end_date": "1946-11-02"}, "param start_date=1946-10-31 is before the first NBA game (1946-11-01)"),
        ({"start_date": "2021-10-19", "end_date": "2021-10-20", "teams": "BKN"}, "unknown param(s) teams"),
    ],
)  # fmt: skip
def test_bad_params_are_refused_with_the_param_named(params, message):
    with pytest.raises(ParamError) as error:
        resolve(params)
    assert message in str(error.value)


def test_empty_strings_count_as_not_given():
    start = dt.datetime(2021, 10, 19, 6, 0, tzinfo=GAME_TZ)
    rng = resolve(
        {"start_date": "", "end_date": None},
        data_interval_start=start,
        data_interval_end=start + dt.timedelta(days=1),
    )
    assert rng == DayRange(dt.date(2021, 10, 19), dt.date(2021, 10, 19), "data interval")


def test_a_long_range_is_not_refused_by_its_calendar_span():
    # ten seasons: whether one run may load them is counted in game days (pass1.plan)
    params = {"start_date": "2012-10-01", "end_date": "2022-06-30"}
    assert resolve(params).days == 3560


def test_today_is_allowed_in_us_eastern():
    # 02:00 UTC on June 2nd is still June 1st in New York
    run_after = dt.datetime(2024, 6, 2, 2, 0, tzinfo=dt.UTC)
    assert resolve({"start_date": "2024-06-01", "end_date": "2024-06-01"}, run_after=run_after)
    with pytest.raises(ParamError, match="in the future"):
        resolve({"start_date": "2024-06-02", "end_date": "2024-06-02"}, run_after=run_after)


def test_nightly_interval_is_the_game_day_of_its_logical_date():
    # CronDataIntervalTimetable("0 6 * * *", America/New_York): the run stamped
    # 2021-10-19 06:00 ET covers [10-19 06:00, 10-20 06:00) ET = the games of 10-19.
    start = dt.datetime(2021, 10, 19, 6, 0, tzinfo=GAME_TZ)
    rng = interval_range(start, start + dt.timedelta(days=1))
    assert (rng.start, rng.end) == (dt.date(2021, 10, 19), dt.date(2021, 10, 19))


def test_interval_in_utc_is_read_in_eastern_time():
    start = dt.datetime(2021, 10, 19, 10, 0, tzinfo=dt.UTC)  # 06:00 EDT
    rng = interval_range(start, start + dt.timedelta(days=3))
    assert (rng.start, rng.end) == (dt.date(2021, 10, 19), dt.date(2021, 10, 21))


def test_zero_length_interval_processes_the_day_before():
    moment = dt.datetime(2021, 10, 20, 6, 0, tzinfo=GAME_TZ)
    rng = interval_range(moment, moment)
    assert (rng.start, rng.end) == (dt.date(2021, 10, 19), dt.date(2021, 10, 19))


def test_no_params_and_no_interval_is_refused():
    with pytest.raises(ParamError, match="set params start_date and end_date"):
        resolve({})
