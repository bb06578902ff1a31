"""The arithmetic of the progress lines shown by `make demo` and the backfill watcher."""

from nba_backfill.progress import Snapshot


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


def test_a_backfill_is_paced_by_its_runs():
    s = snap(total=3, done=3, running=0, waiting=0, elapsed_s=3600.0, runs_total=10,
             runs_finished=4)  # fmt: skip
    assert s.left_s == 5400.0
    assert s.line("backfill 1") == (
        "backfill 1: 3/3 days done, runs 4/10, elapsed 1h00m, ~1h30m left"
    )


def test_done_is_zero_left():
    assert snap(done=20, running=0, waiting=0).left_s == 0.0
