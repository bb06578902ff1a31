"""The arithmetic of the progress lines shown by `make demo` and the backfill watcher."""

from nba_backfill.progress import BackfillSnapshot, Snapshot


def snap(**kw):
    base = dict(total=20, done=5, failed=0, running=2, waiting=13, elapsed_s=50.0,
                median_day_s=1.5)  # fmt: skip
    return Snapshot(**{**base, **kw})


def test_time_left_within_one_run_is_the_pace_per_finished_day():
    s = snap()
    assert s.left_s == 150.0  # 10 s per finished day, 15 days to go
    assert s.line("Pass 1") == (
        "Pass 1: 5/20 days done, 2 running, 13 waiting, elapsed 50s, ~2m30s left"
    )


def test_failed_days_count_as_finished_and_are_shown():
    s = snap(done=4, failed=1)
    assert s.left_s == 150.0
    assert "4/20 days done, 1 failed" in s.line("Pass 1")


def test_nothing_finished_yet_is_an_estimate_to_come():
    s = snap(done=0, running=2, waiting=18)
    assert s.left_s is None
    assert s.line("Pass 1").endswith("elapsed 50s, estimating")


def backfill(**kw):
    base = dict(total=944, done=100, failed=0, running=4, queued=840, kept=0, game_days=63,
                elapsed_s=200.0)  # fmt: skip
    return BackfillSnapshot(**{**base, **kw})


def test_a_backfill_counts_its_days_from_the_start():
    # created: every day is there at once, none done yet
    s = backfill(done=0, running=0, queued=944, game_days=0, elapsed_s=3.0)
    assert s.line("backfill 1 of nba_pass1_box_scores") == (
        "backfill 1 of nba_pass1_box_scores: 0/944 days done (0 with games loaded), "
        "944 queued, elapsed 3s, estimating"
    )


def test_a_backfill_is_paced_by_its_finished_days():
    s = backfill()
    assert s.left_s == 1688.0  # 2 s per finished day, 844 to go
    assert s.line("backfill 1") == (
        "backfill 1: 100/944 days done (63 with games loaded), 4 running, 840 queued, "
        "elapsed 3m20s, ~28m08s left"
    )


def test_a_backfill_never_reports_more_days_than_it_has():
    s = backfill(total=7, done=3, failed=1, running=0, queued=0, kept=3, game_days=2)
    assert s.left_s == 0.0  # 3 kept (their runs existed), 3 done, 1 failed: 7 of 7
    assert s.line("b").startswith("b: 6/7 days done (2 with games loaded), 3 kept from earlier")
    assert "1 failed" in s.line("b")


def test_done_is_zero_left():
    assert snap(done=20, running=0, waiting=0).left_s == 0.0
