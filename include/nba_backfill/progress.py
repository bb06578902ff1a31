"""Progress of long local commands: days done of total, elapsed, and what is left.

Read from Airflow's metadata DB (the mapped `load_day` instances and the runs), so the same
figures serve `make demo` (a thread beside `dag.test()`) and the local backfill recipe
(`python -m nba_backfill.cli progress`, beside the scheduler).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

FINISHED = {"success", "failed", "upstream_failed", "skipped", "removed"}


@dataclass(frozen=True)
class Snapshot:
    """Where one run's mapped days stand (`make demo`). `total` counts the mapped day
    instances known so far."""

    total: int
    done: int
    failed: int
    running: int
    waiting: int
    elapsed_s: float
    median_day_s: float | None

    @property
    def left_s(self) -> float | None:
        """Time left at the pace so far: wall time per finished day."""
        finished = self.done + self.failed
        if self.total and finished >= self.total:
            return 0.0
        if not finished:
            return None
        return self.elapsed_s / finished * (self.total - finished)

    def line(self, label: str) -> str:
        left = self.left_s
        parts = [
            f"{label}: {self.done}/{self.total} days done",
            f"{self.failed} failed" if self.failed else None,
            f"{self.running} running" if self.running else None,
            f"{self.waiting} waiting" if self.waiting else None,
            f"elapsed {_duration(self.elapsed_s)}",
            f"~{_duration(left)} left" if left is not None else "estimating",
        ]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class BackfillSnapshot:
    """Where a backfill stands, counted in its days: one run per day (Pass 1's timetable),
    all of them created with the backfill, so the total is known from the start. A day is
    done when its run finished; `game_days` counts the days that loaded games (the others
    had none). Days whose run existed already and was not re-run are `kept`."""

    total: int
    done: int
    failed: int
    running: int
    queued: int
    kept: int
    game_days: int
    elapsed_s: float

    @property
    def left_s(self) -> float | None:
        finished = self.done + self.failed
        if finished >= self.total - self.kept:
            return 0.0
        if not finished:
            return None
        return self.elapsed_s / finished * (self.total - self.kept - finished)

    def line(self, label: str) -> str:
        left = self.left_s
        parts = [
            f"{label}: {self.done + self.kept}/{self.total} days done "
            f"({self.game_days} with games loaded)",
            f"{self.kept} kept from earlier runs" if self.kept else None,
            f"{self.failed} failed" if self.failed else None,
            f"{self.running} running" if self.running else None,
            f"{self.queued} queued" if self.queued else None,
            f"elapsed {_duration(self.elapsed_s)}",
            f"~{_duration(left)} left" if left is not None else "estimating",
        ]
        return ", ".join(p for p in parts if p)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def snapshot(
    dag_id: str,
    run_ids: Iterable[str],
    *,
    since: dt.datetime,
    task_id: str = "load_day",
    now: dt.datetime | None = None,
) -> Snapshot:
    """The mapped `task_id` instances of the runs, counted by state."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    run_ids = list(run_ids)
    now = now or dt.datetime.now(dt.UTC)
    with create_session() as session:
        tis = (
            session.query(TaskInstance.state, TaskInstance.start_date, TaskInstance.end_date)
            .filter(
                TaskInstance.dag_id == dag_id,
                TaskInstance.run_id.in_(run_ids),
                TaskInstance.task_id == task_id,
                TaskInstance.map_index >= 0,
            )
            .all()
        )
    states = [str(s) if s is not None else "none" for s, _, _ in tis]
    durations = [
        (end - start).total_seconds()
        for state, start, end in tis
        if str(state) == "success" and start and end
    ]
    return Snapshot(
        total=len(tis),
        done=states.count("success") + states.count("skipped"),
        failed=sum(states.count(s) for s in ("failed", "upstream_failed")),
        running=states.count("running"),
        waiting=sum(1 for s in states if s not in FINISHED and s != "running"),
        elapsed_s=(now - since).total_seconds(),
        median_day_s=statistics.median(durations) if durations else None,
    )


class ProgressPrinter(threading.Thread):
    """Prints a progress line every `every` seconds while `dag.test()` runs in this process."""

    def __init__(
        self,
        label: str,
        dag_id: str,
        find_runs: Callable[[], list[str]],
        *,
        every: float = 5.0,
        out=sys.stdout,
    ) -> None:
        super().__init__(daemon=True)
        self.label, self.dag_id, self.find_runs = label, dag_id, find_runs
        self.every, self.out = every, out
        self.since = dt.datetime.now(dt.UTC)
        self._stop_event = threading.Event()
        self._last = ""

    def run(self) -> None:
        while not self._stop_event.wait(self.every):
            self.report()

    def report(self) -> None:
        try:
            runs = self.find_runs()
            if not runs:
                return
            snap = snapshot(self.dag_id, runs, since=self.since)
        except Exception:  # SQLite busy for a moment: the next tick will do
            return
        line = snap.line(self.label)
        if snap.total and line != self._last:  # (no total while the days are planned)
            print(f"      {line}", file=self.out, flush=True)
            self._last = line

    def __enter__(self) -> ProgressPrinter:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop_event.set()
        self.join(timeout=10)
        self.report()  # the final count


def runs_queued_since(dag_id: str, since: dt.datetime) -> Callable[[], list[str]]:
    def find() -> list[str]:
        from airflow.models.dagrun import DagRun
        from airflow.utils.session import create_session
        from sqlalchemy import func

        with create_session() as session:
            return [
                r
                for (r,) in session.query(DagRun.run_id).filter(
                    DagRun.dag_id == dag_id,
                    # dag.test() runs are never queued: they only have a start date
                    func.coalesce(DagRun.queued_at, DagRun.start_date) >= since,
                )
            ]

    return find


def latest_backfill(dag_id: str):
    """(id, created_at, completed?) of the DAG's newest backfill, or None."""
    from airflow.models.backfill import Backfill
    from airflow.utils.session import create_session

    with create_session() as session:
        backfill = (
            session.query(Backfill)
            .filter(Backfill.dag_id == dag_id)
            .order_by(Backfill.id.desc())
            .first()
        )
        if backfill is None:
            return None
        created = backfill.created_at
        return (
            backfill.id,
            created if created.tzinfo else created.replace(tzinfo=dt.UTC),
            (backfill.completed_at is not None),
        )


def backfill_snapshot(
    dag_id: str, backfill_id: int, *, since: dt.datetime, task_id: str = "load_day",
    now: dt.datetime | None = None,
) -> BackfillSnapshot:  # fmt: skip
    """The backfill's days (its BackfillDagRun rows) by the state of their runs."""
    from airflow.models.backfill import BackfillDagRun
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    now = now or dt.datetime.now(dt.UTC)
    with create_session() as session:
        days = (
            session.query(BackfillDagRun.dag_run_id, DagRun.state, DagRun.run_id)
            .outerjoin(DagRun, DagRun.id == BackfillDagRun.dag_run_id)
            .filter(BackfillDagRun.backfill_id == backfill_id)
            .all()
        )
        run_ids = [run_id for _, _, run_id in days if run_id]
        game_days = (
            session.query(TaskInstance.run_id)
            .filter(
                TaskInstance.dag_id == dag_id,
                TaskInstance.run_id.in_(run_ids),
                TaskInstance.task_id == task_id,
                TaskInstance.map_index >= 0,
                TaskInstance.state == "success",
            )
            .distinct()
            .count()
        )
    states = [str(state) for run, state, _ in days if run is not None]
    return BackfillSnapshot(
        total=len(days),
        done=states.count("success"),
        failed=states.count("failed"),
        running=states.count("running"),
        queued=states.count("queued"),
        kept=sum(1 for run, _, _ in days if run is None),
        game_days=game_days,
        elapsed_s=(now - since).total_seconds(),
    )


def watch_backfill(dag_id: str, *, every: float = 10.0, out=sys.stdout) -> int:
    """Print the newest backfill's progress until it completes; 1 if a day failed."""
    found = latest_backfill(dag_id)
    if found is None:
        print(f"no backfill of {dag_id}: create one with `airflow backfill create`", file=out)
        return 2
    backfill_id, since, _ = found
    last = ""
    while True:
        _, _, completed = latest_backfill(dag_id)
        snap = backfill_snapshot(dag_id, backfill_id, since=since)
        line = snap.line(f"backfill {backfill_id} of {dag_id}")
        if line != last:
            print(line, file=out, flush=True)
            last = line
        if completed or snap.done + snap.failed + snap.kept >= snap.total:
            return 1 if snap.failed else 0
        time.sleep(every)
