"""The coverage page's pure figures: seasons, a running run's progress and projected
finish, the 30 s cache (no Airflow processes)."""

from __future__ import annotations

import datetime as dt

from nba_backfill.config import Settings
from nba_backfill.coverage import TTLCache, classify_day, season_bounds, season_of, summarize_tasks

T0 = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_seasons_run_october_to_june():
    assert season_of(dt.date(2021, 10, 19)) == 2021
    assert season_of(dt.date(2022, 6, 16)) == 2021
    assert season_of(dt.date(2022, 8, 1)) == 2022
    assert season_bounds(2021) == (dt.date(2021, 10, 1), dt.date(2022, 6, 30))


def test_running_run_counts_median_and_projected_finish():
    # 10 days: 4 done (20, 30, 40, 50 s), 2 running, 3 queued / scheduled / none, 1 failed;
    # the first day started at T0 and it is now T0 + 100 s: 4 days done in 100 s, so the
    # 5 remaining days need 125 s more at the observed throughput.
    tasks = [
        {"state": "success", "start_date": at(0), "end_date": at(20), "duration": 20.0},
        {"state": "success", "start_date": at(0), "end_date": at(30), "duration": 30.0},
        {"state": "success", "start_date": at(20), "end_date": at(60), "duration": 40.0},
        {"state": "success", "start_date": at(30), "end_date": at(80), "duration": 50.0},
        {"state": "running", "start_date": at(60), "end_date": None, "duration": None},
        {"state": "running", "start_date": at(80), "end_date": None, "duration": None},
        {"state": "queued", "start_date": None, "end_date": None, "duration": None},
        {"state": "scheduled", "start_date": None, "end_date": None, "duration": None},
        {"state": None, "start_date": None, "end_date": None, "duration": None},
        {"state": "failed", "start_date": at(5), "end_date": at(9), "duration": 4.0},
        {"state": "removed", "start_date": None, "end_date": None, "duration": None},
    ]
    progress = summarize_tasks(tasks, now=at(100))
    assert progress == {
        "mapped_instances": 10,
        "done": 4,
        "running": 2,
        "queued": 3,
        "failed": 1,
        "remaining": 5,
        "median_duration_s": 35.0,
        "projected_finish": at(225).isoformat(timespec="seconds"),
    }


def test_finished_run_projects_its_last_end_and_an_unstarted_run_nothing():
    done = [
        {"state": "success", "start_date": at(0), "end_date": at(7), "duration": 7.0},
        {"state": "skipped", "start_date": at(1), "end_date": at(9), "duration": None},
    ]
    assert summarize_tasks(done, now=at(50))["projected_finish"] == at(9).isoformat()
    waiting = [{"state": "queued"}, {"state": "scheduled"}]
    progress = summarize_tasks(waiting, now=at(50))
    assert (progress["queued"], progress["projected_finish"]) == (2, None)
    assert summarize_tasks([], now=at(50))["mapped_instances"] == 0


def test_day_statuses():
    cfg = Settings()
    base = {"game_date": dt.date(2021, 10, 20), "final_games": 2}
    full = {**base, "games_complete": 2, "pass1_rows": 60, "gamebook_rows": 60}
    assert classify_day({"game_date": dt.date(2021, 10, 2)}, cfg)["pass1"] == "no_games"
    assert classify_day({**base, "games_missing": 2}, cfg)["pass1"] == "missing"
    day = classify_day({**full, "null_minutes_rows": 24, "pass2_rows": 30}, cfg)
    assert (day["pass1"], day["audit"], day["pass2_coverage"], day["null_minutes_share"]) == (
        "complete",
        "pass",
        0.5,
        0.4,
    )
    low = classify_day({**full, "null_minutes_rows": 12}, cfg)
    assert low["audit_problems"] == ["NULL-minutes share 20.0% outside 35%-45%"]
    dupes = classify_day({**full, "null_minutes_rows": 24, "duplicate_keys": 3}, cfg)
    assert (dupes["audit"], dupes["audit_problems"]) == ("fail", ["3 duplicate key row(s)"])
    partial = classify_day(
        {**base, "games_complete": 1, "games_one_team": 1, "pass1_rows": 45}, cfg
    )
    assert (partial["pass1"], partial["audit"]) == ("partial", "fail")


def test_cache_keeps_a_value_for_its_lifetime():
    now = [0.0]
    cache = TTLCache(seconds=30, clock=lambda: now[0])
    calls = []

    def compute():
        calls.append(now[0])
        return len(calls)

    assert cache.get("k", compute) == (1, 0.0)
    now[0] = 29.0
    assert cache.get("k", compute) == (1, 29.0)
    now[0] = 30.5
    assert cache.get("k", compute) == (2, 0.0)
    assert cache.get("other", compute) == (3, 0.0)


def test_stale_days_are_their_own_state_with_reasons(warehouse):
    """A day Pass 1 loaded completely whose box score was corrected since is `stale` (not
    `complete`), from the same staleness statement the passes plan with."""
    from nba_backfill import pass1, pass2
    from nba_backfill.coverage import daily_coverage
    from nba_backfill.days import DayRange

    from helpers import gamebook, insert, schedule

    day = dt.date(2021, 10, 19)
    game = "20211019_BKN_MIL"
    insert(warehouse, "nbac_schedule", [schedule(game)])
    rows = [gamebook(game, "BKN", "Kevin Durant", "kevindurant"),
            gamebook(game, "MIL", "Brook Lopez", "brooklopez")]  # fmt: skip
    insert(warehouse, "nbac_gamebook_player_stats", rows)
    pass1.load_day(warehouse, day)
    pass2.merge_window(warehouse, DayRange(day, day, "t"))

    def the_day():
        figures = daily_coverage(warehouse, day, day, Settings())
        (only,) = figures["seasons"][0]["days"]
        return only, figures["totals"]

    cell, totals = the_day()
    assert (cell["pass1"], cell["pass2_status"], cell["stale_reasons"]) == (
        "complete", "complete", {"pass1": [], "pass2": []},
    )  # fmt: skip
    insert(warehouse, "nbac_gamebook_player_stats", [
        {**rows[0], "points": 3, "processed_at": dt.datetime.now(dt.UTC)},
    ])  # fmt: skip
    cell, totals = the_day()
    assert (cell["pass1"], cell["pass2_status"]) == ("stale", "stale")
    assert cell["stale_reasons"]["pass1"][0].startswith("gamebook/balldontlie rows delivered ")
    assert (totals["days_stale"], totals["days_complete"], totals["days_pass2_stale"]) == (1, 0, 1)
