"""Planning from staleness: lookback windows, grouping stale days into windows, and the
ranges Pass 1's asset events carry (validated like params)."""

from __future__ import annotations

import datetime as dt

import pytest

from nba_backfill import pass2
from nba_backfill.days import DayRange, ParamError
from nba_backfill.staleness import (
    DayStatus,
    cap_windows,
    group_days,
    lookback_windows,
    merge_ranges,
)

D = dt.date


def rng(a, b):
    return DayRange(D.fromisoformat(a), D.fromisoformat(b), "t")


def spans(ranges):
    return [(r.start.isoformat(), r.end.isoformat()) for r in ranges]


def test_lookback_reaches_back_from_each_range_and_from_today():
    windows = lookback_windows(
        [rng("2021-11-15", "2021-11-15")], today=D(2026, 12, 1), lookback_days=42,
        sweep_history=False,
    )  # fmt: skip
    assert spans(windows) == [("2021-10-04", "2021-11-15"), ("2026-10-20", "2026-12-01")]
    # a nightly run: its day and today overlap into one window
    nightly = lookback_windows(
        [rng("2021-11-15", "2021-11-15")], today=D(2021, 11, 16), lookback_days=42,
        sweep_history=False,
    )  # fmt: skip
    assert spans(nightly) == [("2021-10-04", "2021-11-16")]
    assert spans(
        lookback_windows([], today=D(2021, 11, 16), lookback_days=0, sweep_history=False)
    ) == [("2021-11-16", "2021-11-16")]
    assert spans(
        lookback_windows([], today=D(2021, 11, 16), lookback_days=42, sweep_history=True)
    ) == [("1946-11-01", "2021-11-16")]


def test_merge_ranges_joins_overlapping_and_adjacent():
    merged = merge_ranges([rng("2021-10-25", "2021-10-30"), rng("2021-10-19", "2021-10-24"),
                           rng("2021-11-02", "2021-11-02"), rng("2021-10-20", "2021-10-21")])  # fmt: skip
    assert spans(merged) == [("2021-10-19", "2021-10-30"), ("2021-11-02", "2021-11-02")]


def test_group_days_stops_at_fresh_days_and_long_gaps():
    days = [D(2021, 11, 1), D(2021, 11, 3), D(2021, 11, 5), D(2021, 11, 20), D(2021, 11, 28)]
    # nothing known fresh: gaps of up to 7 days are crossed (days without games)
    assert spans(group_days(days, [])) == [
        ("2021-11-01", "2021-11-05"), ("2021-11-20", "2021-11-28"),
    ]  # fmt: skip
    # a day known up to date between two stale days splits them
    assert spans(group_days(days, [D(2021, 11, 4)])) == [
        ("2021-11-01", "2021-11-03"), ("2021-11-05", "2021-11-05"),
        ("2021-11-20", "2021-11-28"),
    ]  # fmt: skip
    assert spans(group_days(days, [], max_gap_days=0)) == [(d.isoformat(),) * 2 for d in days]
    assert group_days([], []) == []


def test_cap_windows_joins_the_closest_neighbours():
    windows = [rng("2021-10-01", "2021-10-01"), rng("2021-10-03", "2021-10-03"),
               rng("2021-10-20", "2021-10-21"), rng("2021-10-23", "2021-10-23")]  # fmt: skip
    assert spans(cap_windows(windows, 2)) == [
        ("2021-10-01", "2021-10-03"), ("2021-10-20", "2021-10-23"),
    ]  # fmt: skip
    assert cap_windows(windows, 9) == windows


def event(extra, label="nba_pass1_box_scores/run_1"):
    return pass2.AssetEventRanges(label=label, extra=extra)


TODAY = D(2024, 6, 1)


def test_event_ranges_are_read_and_merged():
    events = [
        event({"ranges": [{"start_date": "2021-10-19", "end_date": "2021-10-21"},
                          {"start_date": "2021-11-02", "end_date": "2021-11-02"}]}),
        event({"start_date": "2021-10-22", "end_date": "2021-10-22"}),  # an older event's form
        event({}),  # no range: it only wakes Pass 2
    ]  # fmt: skip
    assert spans(pass2.event_ranges(events, today=TODAY)) == [
        ("2021-10-19", "2021-10-22"), ("2021-11-02", "2021-11-02"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"start_date": "2021-10-25", "end_date": "2021-10-19"}, "end_date=2021-10-19 is before start_date=2021-10-25"),
        ({"start_date": "2099-01-01", "end_date": "2099-01-02"}, "end_date=2099-01-02 is in the future (today is 2024-06-01"),
        ({"start_date": "1897-01-01", "end_date": "2023-12-01"}, "start_date=1897-01-01 is before the first NBA game (1946-11-01)"),
        ({"start_date": "1900-01-01", "end_date": "2023-12-01"}, "start_date=1900-01-01 is before the first NBA game"),
        ({"start_date": "2021-13-01", "end_date": "2021-10-19"}, "start_date='2021-13-01' is not a calendar date"),
        ({"start_date": "2021-10-19"}, "a range must have start_date and end_date"),
        ({"ranges": "2021-10-19"}, "extra 'ranges' must be a list"),
        ({"ranges": [None]}, "a range must have start_date and end_date"),
    ],
)  # fmt: skip
def test_bad_event_ranges_are_refused_naming_the_event(extra, message):
    with pytest.raises(ParamError) as error:
        pass2.event_ranges([event(extra, label="nba_pass1_box_scores/bad_run")], today=TODAY)
    assert "asset event nba_pass1_box_scores/bad_run: " in str(error.value)
    assert message in str(error.value)


def test_reasons_in_words():
    stamp = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
    status = DayStatus(
        D(2021, 11, 5), "stale", "stale",
        {"final_games": 7, "games_without_pass1": 1, "games_without_stats": 1,
         "stats_delivered_at": stamp, "pass1_at": stamp - dt.timedelta(days=2),
         "pbp_delivered_at": stamp, "pass2_at": stamp - dt.timedelta(days=1),
         "pass1_latest": stamp - dt.timedelta(days=2)},
    )  # fmt: skip
    assert status.describe("pass1") == (
        "2021-11-05 Pass 1 stale: 1 of 7 Final game(s) without Pass 1 rows; 1 Final game(s) "
        "with no gamebook or balldontlie row at all: load their box scores; gamebook/balldontlie "
        "rows delivered 2026-12-01 10:00:00 UTC, after Pass 1 wrote the day (2026-11-29 "
        "10:00:00 UTC)"
    )
    assert status.reasons("pass2") == [
        "play-by-play delivered 2026-12-01 10:00:00 UTC, after the shot zones (2026-11-30 10:00:00 UTC)",
        "roster rows delivered 2026-12-01 10:00:00 UTC, after the shot zones (2026-11-30 10:00:00 UTC)",
    ]
    assert DayStatus(D(2021, 11, 5), "complete", None).reasons("pass1") == []


def test_status_over_many_seasons_reads_a_season_per_row_and_lists_a_few_days():
    """`cli status` over the whole history: a row per season (the 2020 bubble with
    2019-20, a July final with its season), the owed days listed, at most a few."""
    from nba_backfill.staleness import DayStatus, summarize

    days = [D(2019, 11, 1), D(2020, 8, 20), D(2020, 10, 11), D(2021, 1, 5), D(2021, 7, 20)]
    statuses = [DayStatus(d, "complete", "complete") for d in days]
    statuses += [DayStatus(D(2021, 11, i), "complete", "missing") for i in range(1, 5)]
    lines = summarize(statuses, max_day_lines=3)
    assert lines[:2] == [
        "Pass 1: 9 complete, 0 stale, 0 missing",
        "Pass 2: 5 complete, 0 stale, 4 missing",
    ]
    rows = {line.split()[0]: line.split() for line in lines[3:6]}
    assert rows["2019-20"][1:] == ["3", "3", "/", "0", "/", "0", "3", "/", "0", "/", "0"]
    assert rows["2020-21"][1:] == ["2", "2", "/", "0", "/", "0", "2", "/", "0", "/", "0"]
    assert rows["2021-22"][1:] == ["4", "4", "/", "0", "/", "0", "0", "/", "0", "/", "4", "<-"]
    assert lines[6].startswith("2021-11-01  pass2  missing")
    assert len(lines) == 10 and lines[-1] == "... and 1 more (narrow --start/--end to list them)"
    # one season: no season rows
    assert len(summarize(statuses[:3])) == 2
