"""The coverage page's pure figures: seasons, a running run's progress and projected
finish, a backfill as a whole, the cells of the Pass 2 colouring, rows only Pass 2 wrote,
the 30 s cache, the navigation entry (no Airflow processes)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from nba_backfill.config import Settings
from nba_backfill.coverage import (
    TTLCache,
    backfill_summary,
    classify_day,
    season_bounds,
    season_of,
    summarize_tasks,
    with_staleness,
)
from nba_backfill.progress import BackfillSnapshot
from nba_backfill.staleness import DayStatus

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


def test_rows_only_pass2_wrote_are_counted_in_the_day_and_the_totals(warehouse):
    """Pass 2 before Pass 1 for a day: its MERGE inserts the roster's rows with their zones
    and no Pass 1 figures. Those rows are neither Pass 1 rows nor nothing: the day (Pass 1
    missing) and the totals count them, next to a Pass 2 coverage of Pass 1's rows."""
    from nba_backfill import pass1, pass2
    from nba_backfill.coverage import daily_coverage
    from nba_backfill.days import DayRange

    from helpers import gamebook, insert, schedule

    loaded, early = dt.date(2021, 10, 19), dt.date(2021, 10, 20)
    games = {loaded: "20211019_BKN_MIL", early: "20211020_BOS_NYK"}
    insert(warehouse, "nbac_schedule", [schedule(g) for g in games.values()])
    players = {
        "BKN": "Kevin Durant",
        "MIL": "Brook Lopez",
        "BOS": "Al Horford",
        "NYK": "RJ Barrett",
    }
    rows = [
        gamebook(g, team, players[team])
        for g in games.values()
        for team in (g.split("_")[1], g.split("_")[2])
    ]
    insert(warehouse, "nbac_gamebook_player_stats", rows)
    pass1.load_day(warehouse, loaded)
    pass2.merge_window(warehouse, DayRange(loaded, early, "t"))  # before Pass 1 on `early`

    figures = daily_coverage(warehouse, loaded, early, Settings())
    first, second = figures["seasons"][0]["days"]
    assert (first["pass1"], first["pass1_rows"], first["pass2_rows"]) == ("complete", 2, 2)
    assert (first["pass2_only_rows"], first["pass2_coverage"], first["pass2_cell"]) == (
        0, 1.0, "complete",
    )  # fmt: skip
    assert (second["pass1"], second["pass1_rows"], second["pass2_coverage"]) == (
        "missing", 0, None,
    )  # fmt: skip
    assert (second["pass2_only_rows"], second["pass2_cell"]) == (2, "only")
    totals = figures["totals"]
    assert (totals["pass1_rows"], totals["pass2_rows"], totals["pass2_coverage"]) == (2, 2, 1.0)
    assert (totals["pass2_only_rows"], totals["days_pass2_only"]) == (2, 1)
    assert figures["pass2_cells"]["only"].startswith("Pass 2 only")


def test_pass2_cells_tell_a_zero_percent_game_day_from_a_day_without_games():
    cfg = Settings()

    def cell(**row):
        return classify_day({"game_date": dt.date(2021, 10, 20), **row}, cfg)["pass2_cell"]

    assert cell() == "no_games"
    assert cell(other_games=1) == "no_games"  # postponed: no Final game
    assert cell(final_games=2) == "none"  # Pass 1 missing too: Pass 2 0 %
    loaded = {"final_games": 2, "games_complete": 2, "pass1_rows": 60}
    assert cell(**loaded) == "none"  # Pass 1 done, Pass 2 0 %
    assert cell(**loaded, pass2_rows=30, shot_zone_rows=30) == "partial"
    assert cell(**loaded, pass2_rows=60, shot_zone_rows=60) == "complete"
    assert cell(final_games=2, shot_zone_rows=55) == "only"
    day = classify_day({"game_date": dt.date(2021, 10, 20), **loaded, "pass2_rows": 60}, cfg)
    assert (
        with_staleness(day, DayStatus(dt.date(2021, 10, 20), "complete", "stale"))["pass2_cell"]
        == "stale"
    )


def test_a_backfill_as_a_whole_runs_done_of_total_and_projected_finish():
    """The runs panel's backfill line: 10 days (one run each), 3 done and 1 kept from an
    earlier run, 2 running, 3 queued, 1 failed, 100 s after it was created: 4 finished
    runs in 100 s leave 5 runs for 125 s more."""
    snap = BackfillSnapshot(
        total=10, done=3, failed=1, running=2, queued=3, kept=1, game_days=2, elapsed_s=100.0
    )
    backfill = {
        "id": 7,
        "created_at": at(0),
        "completed_at": None,
        "from_date": "2021-10-19",
        "to_date": "2021-10-28",
        "max_active_runs": 4,
        "is_paused": False,
    }
    summary = backfill_summary(snap, backfill, now=at(100))
    assert {k: summary[k] for k in ("id", "state", "from_date", "to_date", "max_active_runs")} == {
        "id": 7, "state": "running", "from_date": "2021-10-19", "to_date": "2021-10-28",
        "max_active_runs": 4,
    }  # fmt: skip
    assert (summary["total"], summary["done"], summary["kept"], summary["failed"]) == (10, 4, 1, 1)
    assert (summary["running"], summary["queued"], summary["remaining"]) == (2, 3, 5)
    assert (summary["game_days"], summary["elapsed_s"], summary["left_s"]) == (2, 100.0, 125.0)
    assert summary["projected_finish"] == at(225).isoformat(timespec="seconds")
    assert summary["line"].startswith("backfill 7 of nba_pass1_box_scores: 4/10 days done")

    # nothing finished yet: no projection; completed: when it completed
    fresh = BackfillSnapshot(10, 0, 0, 4, 6, 0, 0, 20.0)
    assert backfill_summary(fresh, backfill, now=at(20))["projected_finish"] is None
    over = BackfillSnapshot(10, 10, 0, 0, 0, 0, 8, 300.0)
    done = backfill_summary(over, {**backfill, "completed_at": at(300)}, now=at(900))
    assert (done["state"], done["projected_finish"], done["left_s"]) == (
        "completed", at(300).isoformat(timespec="seconds"), None,
    )  # fmt: skip


def test_navigation_entry_has_a_name_that_fits_and_keeps_its_url():
    """The UI's navigation bar shows a top-level entry's name under its icon and cuts off
    what does not fit ("Backfill c..."): a short name, the same URL."""
    import importlib.util

    from nba_backfill.config import PROJECT_ROOT

    path = PROJECT_ROOT / "plugins" / "nba_coverage_plugin.py"
    spec = importlib.util.spec_from_file_location("nba_coverage_plugin_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (view,) = module.NbaCoveragePlugin.external_views
    assert view["name"] == "Coverage" and len(view["name"]) <= 9
    assert (view["href"], view["url_route"]) == ("/nba-coverage/", "backfill-coverage")


def test_ui_tests_write_their_screenshots_outside_the_tracked_files(tmp_path, monkeypatch):
    """A test's screenshot goes to build/screenshots/ (git-ignored), or NBA_SCREENSHOT_DIR:
    never docs/, which only `make screenshots` refreshes."""
    import subprocess

    from ui_browser import DOCS, ROOT, save_screenshot, screenshot_dir

    class Page:  # what save_screenshot uses of a Playwright page
        def screenshot(self, path: str) -> None:
            Path(path).write_bytes(b"\x89PNG" + bytes(20_000))

    monkeypatch.delenv("NBA_SCREENSHOT_DIR", raising=False)
    assert screenshot_dir() == ROOT / "build" / "screenshots"
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", str(screenshot_dir() / "backfill-coverage.png")],
        cwd=ROOT,
    )
    assert ignored.returncode == 0, "build/screenshots/ is not git-ignored"
    monkeypatch.setenv("NBA_SCREENSHOT_DIR", str(tmp_path / "shots"))
    path = save_screenshot(Page(), "backfill-coverage.png")
    assert path == tmp_path / "shots" / "backfill-coverage.png" and path.exists()
    assert not path.is_relative_to(DOCS)


def test_make_screenshots_runs_without_pytest():
    """scripts/refresh_screenshots.py (`make screenshots`) imports the browser helpers of
    tests/ui/ui_browser.py, and nothing of pytest."""
    import subprocess
    import sys

    from ui_browser import ROOT

    code = (
        "import runpy, sys; sys.modules['pytest'] = None; "
        "sys.argv = ['refresh_screenshots.py', '--help']; "
        "runpy.run_path('scripts/refresh_screenshots.py', run_name='__main__')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "--start" in result.stdout and "docs/" in result.stdout
