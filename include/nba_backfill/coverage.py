"""Figures of the backfill coverage page ("Coverage" in the UI's navigation,
plugins/nba_coverage_plugin.py).

- `daily_coverage`: what Pass 1 and Pass 2 have written, per calendar day, from ONE
  partition-pruned aggregate statement (include/sql/coverage/daily_coverage.sql) through
  the warehouse seam, so it runs unchanged on DuckDB and BigQuery; each day gets a Pass 1
  status, a Pass 2 coverage and cell (rows that only Pass 2 wrote counted apart) and an
  audit verdict, laid out in NBA seasons (Oct..Jun).
- `pass1_task_links` / `pass1_run_progress`: Airflow's own metadata DB (the api-server
  process that serves the page has it): each day's latest `load_day` mapped task instance
  (for the link into the grid), the progress of running Pass 1 runs, and the newest
  `airflow backfill create` of Pass 1 as a whole (`pass1_backfill_progress`, from
  nba_backfill.progress, the figures of `cli progress`).
- `TTLCache`: the page's figures are cached briefly, so that a page left open (it
  refreshes itself) or many viewers do not send one warehouse query per request.
"""

from __future__ import annotations

import datetime as dt
import statistics
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from nba_backfill import staleness
from nba_backfill.config import Settings
from nba_backfill.days import DayRange, season_label, season_of

SQL_NAME = "coverage/daily_coverage"
PASS1_DAG_ID = "nba_pass1_box_scores"
LOAD_DAY_TASK_ID = "load_day"
# The history the pipeline backfills starts here (design notes); the default view.
DEFAULT_HISTORY_START = dt.date(2021, 10, 1)
# An NBA season runs from October to June; July-September have no games.
SEASON_FIRST_MONTH, SEASON_LAST_MONTH = 10, 6
CACHE_SECONDS = 30.0

# Cell states, in legend order.
PASS1_STATES = {
    "no_games": "No Final games",
    "complete": "Pass 1 complete",
    "stale": "Pass 1 stale",
    "partial": "Pass 1 partial",
    "missing": "Pass 1 missing",
}

# The cell of a day when the calendar is coloured by Pass 2, in legend order. Rows that
# only Pass 2 wrote (Pass 2 ran before Pass 1 for those player-games: the MERGE inserts
# the keys and the zones, Pass 1 completes the rows later) are counted apart: they are
# neither Pass 1 rows nor missing.
PASS2_CELLS = {
    "no_games": "No Final games",
    "none": "Pass 2 0% (game day, nothing processed)",
    "partial": "Pass 2 partial",
    "complete": "Pass 2 100% of Pass 1 rows",
    "only": "Pass 2 only (rows waiting for Pass 1)",
    "stale": "Pass 2 stale",
}

_INT_FIELDS = (
    "final_games",
    "other_games",
    "games_complete",
    "games_one_team",
    "games_missing",
    "games_not_final",
    "games_pass2",
    "games_with_pbp",
    "pass1_rows",
    "gamebook_rows",
    "bdl_rows",
    "null_minutes_rows",
    "pass2_rows",
    "shot_zone_rows",
    "duplicate_keys",
)


def season_bounds(season: int) -> tuple[dt.date, dt.date]:
    """The dates a season's strip shows at least (October to June; a season whose games
    run longer, like 2019-20 and 2020-21, is shown to its last date with rows)."""
    return dt.date(season, SEASON_FIRST_MONTH, 1), dt.date(season + 1, SEASON_LAST_MONTH, 30)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat(timespec="seconds")
    return str(value)


def classify_day(row: dict[str, Any], cfg: Settings) -> dict[str, Any]:
    """One day's figures (a row of daily_coverage.sql) with its statuses.

    - pass1: no_games (no Final game), complete (every Final game has rows for both teams),
      missing (no Final game has Pass 1 rows), partial (anything in between);
    - pass2_coverage: share of the day's Pass 1 rows that Pass 2 has processed (None
      without Pass 1 rows); pass2_only_rows: rows that only Pass 2 wrote (no Pass 1 yet);
    - audit: fail when keys repeat, a loaded game has one team only, or the NULL-minutes
      share of gamebook rows is outside the configured band; pass when Pass 1 rows exist
      and none of these hold; none without Pass 1 rows.
    """
    day = {k: int(row.get(k) or 0) for k in _INT_FIELDS}
    day["date"] = _iso(row["game_date"])[:10]
    final, complete = day["final_games"], day["games_complete"]
    if final == 0:
        pass1 = "no_games"
    elif complete == final:
        pass1 = "complete"
    elif day["pass1_rows"] == 0:
        pass1 = "missing"
    else:
        pass1 = "partial"
    day["pass1"] = pass1
    day["pass2_coverage"] = (
        round(day["pass2_rows"] / day["pass1_rows"], 4) if day["pass1_rows"] else None
    )
    # shot_zone_rows counts every row Pass 2 processed, pass2_rows those Pass 1 wrote too
    day["pass2_only_rows"] = max(day["shot_zone_rows"] - day["pass2_rows"], 0)
    day["pass2_cell"] = pass2_cell(day)
    share = day["null_minutes_rows"] / day["gamebook_rows"] if day["gamebook_rows"] else None
    day["null_minutes_share"] = round(share, 4) if share is not None else None
    problems = []
    if day["duplicate_keys"]:
        problems.append(f"{day['duplicate_keys']} duplicate key row(s)")
    if day["games_one_team"]:
        problems.append(f"{day['games_one_team']} game(s) with rows for one team only")
    if day["games_not_final"]:
        problems.append(f"{day['games_not_final']} game(s) loaded that are not Final")
    lo, hi = cfg.null_minutes_min_share, cfg.null_minutes_max_share
    if share is not None and not lo <= share <= hi:
        problems.append(f"NULL-minutes share {share:.1%} outside {lo:.0%}-{hi:.0%}")
    if problems:
        audit = "fail"
    elif day["pass1_rows"]:
        audit = "pass"
    else:
        audit = "none"
    day["audit"] = audit
    day["audit_problems"] = problems
    day["pass1_processed_at"] = _iso(row.get("pass1_processed_at"))
    day["shot_zones_processed_at"] = _iso(row.get("shot_zones_processed_at"))
    return day


def pass2_cell(day: dict[str, Any]) -> str:
    """The day's look when the calendar is coloured by Pass 2 (a key of PASS2_CELLS).

    A game day where Pass 2 has processed nothing is `none` (0 %), never confused with a day
    without games; a day whose only rows are Pass 2's is `only`; `stale` (the staleness
    verdict) is applied by `with_staleness`."""
    if day["pass1_rows"]:
        if day["pass2_rows"] == 0:
            return "none"
        return "complete" if day["pass2_rows"] >= day["pass1_rows"] else "partial"
    if day["pass2_only_rows"]:
        return "only"
    return "none" if day["final_games"] else "no_games"


def _empty_day(day: dt.date) -> dict[str, Any]:
    return {"game_date": day}


def with_staleness(day: dict[str, Any], status: staleness.DayStatus | None) -> dict[str, Any]:
    """A classified day with the verdicts of include/sql/state/day_status.sql: a day Pass 1
    loaded completely whose inputs changed since is `stale`; reasons for both passes."""
    day["pass2_status"] = status.pass2 if status else None
    day["stale_reasons"] = {p: status.reasons(p) if status else [] for p in staleness.PASSES}
    if status is not None and status.pass1 == "stale" and day["pass1"] == "complete":
        day["pass1"] = "stale"
    if status is not None and status.pass2 == "stale":
        day["pass2_cell"] = "stale"
    return day


def daily_coverage(warehouse, start: dt.date, end: dt.date, cfg: Settings) -> dict[str, Any]:
    """The page's calendar: one strip per season with a cell per date, from two
    statements (the figures, and the staleness verdicts every pass plans with)."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    started = time.perf_counter()
    result = warehouse.run(
        SQL_NAME,
        {"start_date": start, "end_date": end},
        labels={"view": "backfill_coverage"},
    )
    statuses = {s.day: s for s in staleness.day_statuses(warehouse, DayRange(start, end, "view"))}
    by_date = {}
    for row in result.rows:
        day = row["game_date"]
        day = day.date() if isinstance(day, dt.datetime) else day
        by_date[day] = row
    seasons_with_rows = sorted({season_of(d) for d in by_date})
    seasons = []
    for season in seasons_with_rows:
        first, last = season_bounds(season)
        held = [d for d in by_date if season_of(d) == season]
        first, last = max(min(first, *held), start), min(max(last, *held), end)
        days = []
        current = first
        while current <= last:
            days.append(
                with_staleness(
                    classify_day(by_date.get(current) or _empty_day(current), cfg),
                    statuses.get(current),
                )
            )
            current += dt.timedelta(days=1)
        # (a strip reaches its season's days with rows: off_season is a safety net)
        seasons.append(
            {
                "season": season,
                "label": season_label(season),
                "start": first.isoformat(),
                "end": last.isoformat(),
                "days": days,
            }
        )
    in_strips = {d["date"] for s in seasons for d in s["days"]}
    off_season = [
        with_staleness(classify_day(row, cfg), statuses.get(day))
        for day, row in sorted(by_date.items())
        if day.isoformat() not in in_strips
    ]
    all_days = [d for s in seasons for d in s["days"]] + off_season
    totals = {k: sum(d[k] for d in all_days) for k in (*_INT_FIELDS, "pass2_only_rows")}
    totals["game_days"] = sum(1 for d in all_days if d["final_games"])
    totals["days_pass2_only"] = sum(1 for d in all_days if d["pass2_only_rows"])
    for cell in PASS2_CELLS:
        totals[f"days_pass2_cell_{cell}"] = sum(1 for d in all_days if d["pass2_cell"] == cell)
    for state in PASS1_STATES:
        totals[f"days_{state}"] = sum(1 for d in all_days if d["pass1"] == state)
    totals["days_audit_fail"] = sum(1 for d in all_days if d["audit"] == "fail")
    for state in staleness.NOT_DONE:
        totals[f"days_pass2_{state}"] = sum(1 for d in all_days if d["pass2_status"] == state)
    totals["null_minutes_share"] = (
        round(totals["null_minutes_rows"] / totals["gamebook_rows"], 4)
        if totals["gamebook_rows"]
        else None
    )
    totals["pass2_coverage"] = (
        round(totals["pass2_rows"] / totals["pass1_rows"], 4) if totals["pass1_rows"] else None
    )
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "warehouse": getattr(warehouse, "backend", "?"),
        "null_minutes_band": [cfg.null_minutes_min_share, cfg.null_minutes_max_share],
        "pass1_states": PASS1_STATES,
        "pass2_cells": PASS2_CELLS,
        "seasons": seasons,
        "off_season_days": off_season,
        "totals": totals,
        "query": {
            "sql": f"include/sql/{SQL_NAME}.sql, include/sql/{staleness.STATUS_SQL}.sql",
            "statements": 2,
            "rows": len(result.rows),
            "elapsed_s": round(time.perf_counter() - started, 3),
            "bytes_processed": result.bytes_processed,
        },
    }


def ui_prefix() -> str:
    """The path the Airflow UI is served under ('' at the root of the host)."""
    from urllib.parse import urlparse

    from airflow.configuration import conf

    return urlparse(conf.get("api", "base_url", fallback="") or "").path.rstrip("/")


def mapped_ti_url(run_id: str, map_index: int, prefix: str = "") -> str:
    """The Airflow 3 UI route of a mapped task instance (the UI's router:
    dags/:dagId/runs/:runId/tasks/:taskId/mapped/:mapIndex)."""
    return (
        f"{prefix}/dags/{PASS1_DAG_ID}/runs/{quote(run_id, safe='')}"
        f"/tasks/{LOAD_DAY_TASK_ID}/mapped/{map_index}"
    )


def pass1_task_links(start: dt.date, end: dt.date, prefix: str = "") -> dict[str, dict]:
    """Each day's latest `load_day` mapped task instance (labelled by its date)."""
    from airflow.models.taskinstance import TaskInstance as TI
    from airflow.utils.session import create_session
    from sqlalchemy import select

    query = select(
        TI.rendered_map_index, TI.run_id, TI.map_index, TI.state, TI.start_date, TI.try_number
    ).where(
        TI.dag_id == PASS1_DAG_ID,
        TI.task_id == LOAD_DAY_TASK_ID,
        TI.map_index >= 0,
        TI.rendered_map_index >= start.isoformat(),
        TI.rendered_map_index <= end.isoformat(),
    )
    floor = dt.datetime.min.replace(tzinfo=dt.UTC)
    latest: dict[str, Any] = {}
    with create_session() as session:
        for row in session.execute(query):
            label = row.rendered_map_index
            started = row.start_date or floor
            if label not in latest or started >= (latest[label].start_date or floor):
                latest[label] = row
    return {
        label: {
            "run_id": row.run_id,
            "map_index": row.map_index,
            "state": str(row.state) if row.state else None,
            "try_number": row.try_number,
            "url": mapped_ti_url(row.run_id, row.map_index, prefix),
        }
        for label, row in latest.items()
    }


DONE_STATES = {"success", "skipped"}
FAILED_STATES = {"failed", "upstream_failed"}
RUNNING_STATES = {"running", "deferred", "restarting"}


def summarize_tasks(
    tasks: Iterable[dict[str, Any]], now: dt.datetime, run_end: dt.datetime | None = None
) -> dict[str, Any]:
    """Progress of one run's mapped `load_day` instances.

    The projected finish extrapolates the run's observed throughput (days finished since
    its first day started), which accounts for the pool's parallelism and scheduling
    delays; the median is the typical duration of one day's task."""
    counts = {"done": 0, "running": 0, "queued": 0, "failed": 0}
    durations, starts, ends = [], [], []
    total = 0
    for ti in tasks:
        state = ti.get("state") or "none"
        if state == "removed":
            continue
        total += 1
        if state in DONE_STATES:
            counts["done"] += 1
        elif state in FAILED_STATES:
            counts["failed"] += 1
        elif state in RUNNING_STATES:
            counts["running"] += 1
        else:  # none, scheduled, queued, up_for_retry, up_for_reschedule
            counts["queued"] += 1
        if ti.get("start_date"):
            starts.append(ti["start_date"])
        if state == "success" and ti.get("duration") is not None:
            durations.append(float(ti["duration"]))
        if ti.get("end_date") and state in DONE_STATES | FAILED_STATES:
            ends.append(ti["end_date"])
    remaining = counts["running"] + counts["queued"]
    median = statistics.median(durations) if durations else None
    projected = None
    if total and remaining == 0:
        projected = max(ends) if ends else run_end
    elif counts["done"] and starts:
        elapsed = (now - min(starts)).total_seconds()
        if elapsed > 0:
            per_day = elapsed / counts["done"]
            projected = now + dt.timedelta(seconds=per_day * remaining)
    return {
        "mapped_instances": total,
        **counts,
        "remaining": remaining,
        "median_duration_s": round(median, 3) if median is not None else None,
        "projected_finish": _iso(projected),
    }


def pass1_run_progress(
    now: dt.datetime | None = None,
    limit_finished: int = 1,
    prefix: str = "",
    limit_active: int = 8,
) -> dict[str, Any]:
    """Active Pass 1 runs and the latest finished ones, with their load_day progress;
    `backfill`: the newest backfill of Pass 1 as a whole (`pass1_backfill_progress`).

    A backfill creates one queued run per day up front (hundreds over a few seasons): its
    queued runs are counted, not listed (the backfill's line says where it stands); the
    other active runs are listed, running first, at most `limit_active`."""
    from airflow.models.dagrun import DagRun
    from airflow.models.taskinstance import TaskInstance as TI
    from airflow.utils.session import create_session
    from sqlalchemy import and_, case, func, or_, select

    now = now or dt.datetime.now(dt.UTC)
    with create_session() as session:
        active_filter = (DagRun.dag_id == PASS1_DAG_ID, DagRun.state.in_(("running", "queued")))
        counts = dict(
            session.execute(
                select(DagRun.state, func.count()).where(*active_filter).group_by(DagRun.state)
            ).all()
        )
        active = list(
            session.scalars(
                select(DagRun)
                .where(
                    *active_filter,
                    or_(
                        DagRun.state == "running",
                        and_(DagRun.state == "queued", DagRun.run_type != "backfill"),
                    ),
                )
                .order_by(case((DagRun.state == "running", 0), else_=1), DagRun.run_after.desc())
                .limit(limit_active)
            )
        )
        finished = list(
            session.scalars(
                select(DagRun)
                .where(DagRun.dag_id == PASS1_DAG_ID, DagRun.state.in_(("success", "failed")))
                .order_by(DagRun.end_date.desc())
                .limit(limit_finished)
            )
        )
        runs = []
        for run in [*active, *finished]:
            tis = session.execute(
                select(TI.state, TI.start_date, TI.end_date, TI.duration).where(
                    TI.dag_id == PASS1_DAG_ID,
                    TI.run_id == run.run_id,
                    TI.task_id == LOAD_DAY_TASK_ID,
                    TI.map_index >= 0,
                )
            )
            tasks = [
                {
                    "state": str(r.state) if r.state else None,
                    "start_date": r.start_date,
                    "end_date": r.end_date,
                    "duration": r.duration,
                }
                for r in tis
            ]
            conf = run.conf or {}
            runs.append(
                {
                    "run_id": run.run_id,
                    "state": str(run.state),
                    "run_type": str(run.run_type),
                    "start_date": _iso(run.start_date),
                    "end_date": _iso(run.end_date),
                    "range": [conf.get("start_date"), conf.get("end_date")],
                    "url": f"{prefix}/dags/{PASS1_DAG_ID}/runs/{quote(run.run_id, safe='')}",
                    **summarize_tasks(tasks, now, run.end_date),
                }
            )
    running = sum(n for state, n in counts.items() if str(state) == "running")
    queued = sum(n for state, n in counts.items() if str(state) == "queued")
    return {
        "now": _iso(now),
        "running": running,
        "queued": queued,
        "active_not_listed": running + queued - len(active),
        "runs": runs,
        "backfill": pass1_backfill_progress(now, prefix),
    }


def backfill_summary(
    snap: Any, backfill: dict[str, Any], now: dt.datetime, prefix: str = ""
) -> dict[str, Any]:
    """A backfill as a whole, from its `nba_backfill.progress.BackfillSnapshot` (one run per
    day, all created with the backfill) and its row of the `backfill` table: runs done of
    total, the days it covers, and when it should finish at the pace so far (a finished
    backfill: when it completed)."""
    completed_at = backfill.get("completed_at")
    left = None if completed_at else snap.left_s
    if completed_at:
        projected = completed_at
    elif left is not None:
        projected = now + dt.timedelta(seconds=left)
    else:
        projected = None
    if completed_at:
        state = "cancelled" if backfill.get("cancelled") else "completed"
    else:
        state = "paused" if backfill.get("is_paused") else "running"
    return {
        "id": backfill["id"],
        "dag_id": PASS1_DAG_ID,
        "state": state,
        "from_date": backfill.get("from_date"),
        "to_date": backfill.get("to_date"),
        "max_active_runs": backfill.get("max_active_runs"),
        "created_at": _iso(backfill.get("created_at")),
        "completed_at": _iso(completed_at),
        # runs: one per day of the range; `done` counts the days kept from earlier runs too
        "total": snap.total,
        "done": snap.done + snap.kept,
        "kept": snap.kept,
        "failed": snap.failed,
        "running": snap.running,
        "queued": snap.queued,
        "remaining": max(snap.total - snap.done - snap.kept - snap.failed, 0),
        "game_days": snap.game_days,
        "elapsed_s": round(snap.elapsed_s, 1),
        "left_s": round(left, 1) if left is not None else None,
        "projected_finish": _iso(projected),
        "line": snap.line(f"backfill {backfill['id']} of {PASS1_DAG_ID}"),
        "url": f"{prefix}/dags/{PASS1_DAG_ID}/runs",
    }


def pass1_backfill_progress(now: dt.datetime | None = None, prefix: str = "") -> dict | None:
    """The newest `airflow backfill create` of Pass 1, as a whole (None without one):
    `nba_backfill.progress`'s `latest_backfill` and `backfill_snapshot`, the figures that
    `python -m nba_backfill.cli progress` prints."""
    from airflow.models.backfill import Backfill
    from airflow.utils.session import create_session

    from nba_backfill import progress

    found = progress.latest_backfill(PASS1_DAG_ID)
    if found is None:
        return None
    backfill_id, created, completed = found
    with create_session() as session:
        row = session.get(Backfill, backfill_id)
        info = {
            "id": backfill_id,
            "created_at": created,
            "completed_at": _aware(row.completed_at) if completed else None,
            "from_date": _aware(row.from_date).date().isoformat(),
            "to_date": _aware(row.to_date).date().isoformat(),
            "max_active_runs": row.max_active_runs,
            "is_paused": bool(row.is_paused),
        }
    now = now or dt.datetime.now(dt.UTC)
    snap = progress.backfill_snapshot(
        PASS1_DAG_ID, backfill_id, since=created, now=info["completed_at"] or now
    )
    # `airflow backfill` cancel: paused, then completed with its queued runs failed
    info["cancelled"] = bool(completed and info["is_paused"])
    return backfill_summary(snap, info, now, prefix)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class TTLCache:
    """A small thread-safe cache: a value is recomputed when older than `seconds`."""

    def __init__(self, seconds: float = CACHE_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self._values: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any, compute: Callable[[], Any]) -> tuple[Any, float]:
        """(value, age in seconds); computes at most once per key at a time."""
        with self._lock:
            hit = self._values.get(key)
            now = self.clock()
            if hit is not None and now - hit[0] < self.seconds:
                return hit[1], now - hit[0]
            value = compute()
            self._values[key] = (self.clock(), value)
            if len(self._values) > 64:
                oldest = min(self._values, key=lambda k: self._values[k][0])
                del self._values[oldest]
            return value, 0.0
