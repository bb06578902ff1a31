"""How often Pass 2's wait_for_pass1 looks at Pass 1 (each look is a task process): every
30 s while a backfill has many runs left, every 10 s near its end and after a single
run. The batching itself (one merge after the backfill) is in
tests/e2e/test_airflow_cli.py."""

import datetime as dt

import pytest

from nba_backfill.operators import WaitForPass1Sensor


@pytest.fixture
def sensor():
    return WaitForPass1Sensor(
        task_id="wait_for_pass1",
        pass1_dag_id="nba_pass1_box_scores",
        max_wait=dt.timedelta(hours=2),
    )


@pytest.mark.parametrize(
    "active, seconds",
    [(1, 10.0), (5, 10.0), (6, 12.0), (12, 24.0), (15, 30.0), (16, 30.0), (944, 30.0)],
)
def test_the_next_look_comes_sooner_the_less_pass1_has_left(sensor, active, seconds):
    assert sensor.next_poke_s(active) == seconds


def test_it_waits_in_reschedule_mode_and_gives_up_after_its_max_wait(sensor):
    assert sensor.mode == "reschedule"  # no worker slot held while waiting
    assert sensor.timeout == (dt.timedelta(hours=2) + dt.timedelta(minutes=30)).total_seconds()
