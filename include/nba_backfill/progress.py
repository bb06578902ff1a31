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
    """Where a set of runs stands. `total` counts mapped day instances known so far."""

    total: int
    done: int
    failed: int
    running: int
    waiting: int
    elapsed_s: float
    median_day_s: float | None
    runs_total: int = 1
    runs_finished: int = 0

    @property
    def left_s(self) -> float | None:
        """Time left at the pace so far: wall time per finished day within one run; per
        finished run for a backfill (one run per day, whose game days are only known once
        the run has planned them)."""
        if self.runs_total > 1:
            finished, total = self.runs_finished, self.runs_total
        else:
            finished, total = self.done + self.failed, self.total
        if total and finished >= total:
            return 0.0
        if not finished:
            return None
        return self.elapsed_s / finished * (total - finished)

    def line(self, label: str) -> str:
        left = self.left_s
        parts = [
            f"{label}: {self.done}/{self.total} days done",
            f"{self.failed} failed" if self.failed else None,
            f"{self.running} running" if self.running else None,
            f"{self.waiting} waiting" if self.waiting else None,
            f"runs {self.runs_finished}/{self.runs_total}" if self.runs_total > 1 else None,
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
    from airflow.models.dagrun import DagRun
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
        runs = (
            session.query(DagRun.state)
            .filter(DagRun.dag_id == dag_id, DagRun.run_id.in_(run_ids))
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
        runs_total=len(runs),
        runs_finished=sum(1 for (s,) in runs if str(s) in ("success", "failed")),
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
    """(backfill id, its created_at, its run ids, completed?) of the DAG's newest backfill."""
    from airflow.models.backfill import Backfill
    from airflow.models.dagrun import DagRun
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
        run_ids = [
            r for (r,) in session.query(DagRun.run_id).filter(DagRun.backfill_id == backfill.id)
        ]
        return backfill.id, backfill.created_at, run_ids, backfill.completed_at is not None


def watch_backfill(dag_id: str, *, every: float = 10.0, out=sys.stdout) -> int:
    """Print the newest backfill's progress until it completes; 1 if a day failed."""
    found = latest_backfill(dag_id)
    if found is None:
        print(f"no backfill of {dag_id}: create one with `airflow backfill create`", file=out)
        return 2
    backfill_id, created_at, _, _ = found
    since = created_at if created_at.tzinfo else created_at.replace(tzinfo=dt.UTC)
    last = ""
    while True:
        _, _, run_ids, completed = latest_backfill(dag_id)
        snap = snapshot(dag_id, run_ids, since=since)
        line = snap.line(f"backfill {backfill_id} of {dag_id}")
        if line != last:
            print(line, file=out, flush=True)
            last = line
        if completed or (snap.runs_total and snap.runs_finished == snap.runs_total):
            return 1 if snap.failed else 0
        time.sleep(every)
