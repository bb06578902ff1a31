"""`make bench`: the seed-scale backfill, side by side with the per-day pattern it replaces.

Builds seed-scale demo data (2021-10-01 .. 2024-05-01, 944 days) in a fresh warehouse
under bench/results/tmp/ (with a fresh Airflow next to it) and measures, in one run, on
the same data (each timing the median of --repeat runs, with its spread):

  A  the old per-day pattern: per game day, the shot-zone query of that day pulled into
     pandas, then merged into the table row by row from Python; its two parts timed apart
     (A1 the per-day queries into pandas, with today's query narrowed to the day; A2 the
     row-by-row writes), and A0, the old processor's heavy query as the design notes
     describe it (over the whole play-by-play table so far, into pandas), sampled at a few
     positions of the range and projected over all of its days;
  B  Pass 2 as shipped: the batched statement over the whole range on Pass 1's rows with
     NULL shot zones (a first run; its query and its MERGE also timed apart), and at 1/8,
     1/4, 1/2 and all of the range (re-runs over rows that hold the same values);
  C  floors for B: one GROUP BY per player-game over the shot rows (query), a plain
     INSERT of as many rows into an empty copy of the table (write);
  D  Pass 1 (then Pass 2) through Airflow over the range, with dag.test() and with the
     real scheduler + LocalExecutor; per-day time against position in the backfill;
  E  Pass 1's floor: the same day logic as one set-based statement over the range;
  F  staleness: the statement every run plans with (day_status) over the whole range, the
     output table's own check (pass2_pending), and a nightly run of both passes when five
     earlier days were re-delivered (what each run takes on, and how long it takes);
  G  `airflow backfill create` over the range, beside a no-op DAG of the same shape;
  L  loading files with `cli load` (bench/loads.py): a season's files into empty tables,
     the same files again, one day's files into the seed range (and what it read).

Writes bench/results/bench.json (named figures), bench/results/bench.md (tables),
bench/results/bench.png (plots) and the summary block of README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
WORK = RESULTS / "tmp"
PASS1, PASS2 = "nba_pass1_box_scores", "nba_pass2_shot_zones"


def configure_airflow(work: Path) -> None:
    """A fresh, private Airflow for the benchmark (set before anything imports Airflow)."""
    for key in [k for k in os.environ if k.startswith(("AIRFLOW__", "AIRFLOW_CONN_"))]:
        del os.environ[key]
    home = work / "airflow"
    os.environ.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS": "nba_backfill.local.airflow_services.SQLITE_CONNECT_ARGS",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC": "nba_backfill.local.airflow_services.SQLITE_CONNECT_ARGS_ASYNC",
            "AIRFLOW__CORE__DAGS_FOLDER": str(bench_dags_folder(work)),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
            "AIRFLOW__API_AUTH__JWT_SECRET": "bench-only-secret",
            "AIRFLOW_CONN_NBA_WAREHOUSE": json.dumps(
                {"conn_type": "duckdb", "extra": {"path": str(work / "warehouse.duckdb")}}
            ),
            "NBA_LOCAL_DATA_DIR": str(work),
            "NBA_BENCH_GAME_DAYS": str(work / "game_days.json"),
            # what scripts/env.sh gives `make ui`: 2 workers per core
            "AIRFLOW__CORE__PARALLELISM": str(2 * (os.cpu_count() or 2)),
        }
    )


NOOP = "nba_bench_noop_shape"


def bench_dags_folder(work: Path) -> Path:
    """The product's DAG files and the no-op floor of Pass 1's shape (bench/dags/), linked
    into one folder for the benchmark's Airflow."""
    folder = work / "dags"
    folder.mkdir(parents=True, exist_ok=True)
    for source in [*sorted((ROOT / "dags").glob("*.py")), ROOT / "bench" / "dags" / f"{NOOP}.py"]:
        (folder / source.name).symlink_to(source)
    return folder


def machine() -> dict:
    import duckdb

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1)
    from importlib.metadata import version

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": mem_gib,
        "python": sys.version.split()[0],
        "duckdb": duckdb.__version__,
        "airflow": version("apache-airflow"),
        "measured_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def per_day_series(run_id: str) -> list[dict]:
    """load_day task instances of a run, in execution order, with their SQL seconds."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        tis = (
            session.query(TaskInstance)
            .filter_by(dag_id=PASS1, run_id=run_id, task_id="load_day")
            .all()
        )
        xcoms = {
            x.map_index: XComModel.deserialize_value(x)
            for x in session.query(XComModel).filter_by(
                dag_id=PASS1, run_id=run_id, task_id="load_day", key="return_value"
            )
        }
        rows = [
            {
                "day": xcoms[ti.map_index]["day"],
                "started": ti.start_date.timestamp(),
                "task_s": (ti.end_date - ti.start_date).total_seconds(),
                "sql_s": xcoms[ti.map_index]["seconds"],
            }
            for ti in tis
            if ti.map_index in xcoms and ti.start_date and ti.end_date
        ]
    rows.sort(key=lambda r: r["started"])
    for position, row in enumerate(rows):
        row["position"] = position
    return rows


def run_dag_test(params: dict, repeat: int, warehouse) -> dict:
    from bench.measures import Timing, truncate_output
    from nba_backfill.local.runner import run_dag

    p1, p2, both, overhead = (
        Timing("D: Pass 1, dag.test"),
        Timing("Pass 2, dag.test"),
        Timing("D: Pass 1 + Pass 2, dag.test"),
        [],
    )
    series = None
    for i in range(repeat):
        truncate_output(warehouse)
        o1 = run_dag(PASS1, params, xcom_tasks=("load_day",))
        o2 = run_dag(PASS2, params)
        if not (o1.ok and o2.ok):
            raise SystemExit(f"bench: a DAG run failed: {o1} {o2}")
        loads = o1.xcoms["load_day"]
        sql_s = sum(x["seconds"] for x in loads)
        p1.seconds.append(o1.seconds)
        p2.seconds.append(o2.seconds)
        both.seconds.append(o1.seconds + o2.seconds)
        overhead.append((o1.seconds - sql_s) / len(loads))
        if series is None:
            series = per_day_series(o1.run_id)
        print(
            f"  dag.test run {i + 1}/{repeat}: Pass 1 {o1.seconds:.1f} s ({len(loads)} days, "
            f"SQL {sql_s:.1f} s), Pass 2 {o2.seconds:.1f} s",
            flush=True,
        )
    import statistics

    per_task = [r["task_s"] - r["sql_s"] for r in series]
    return {
        "pass1": p1,
        "pass2": p2,
        "both": both,
        "game_days": len(series),
        "airflow_overhead_per_day_s": round(statistics.median(overhead), 4),
        "airflow_overhead_per_day_all_s": [round(x, 4) for x in overhead],
        "task_overhead_median_s": round(statistics.median(per_task), 4),
        "series": series,
    }


def run_scheduler(params: dict, repeat: int, warehouse, work: Path) -> dict:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    from bench.measures import Timing, truncate_output
    from nba_backfill.local.airflow_services import AirflowServices, airflow_cli

    env = os.environ.copy()
    airflow_cli("dags", "reserialize", env=env)
    for dag_id in (PASS1, PASS2):
        airflow_cli("dags", "unpause", dag_id, env=env)
    p1, p2, total = (
        Timing("D: Pass 1, scheduler + LocalExecutor"),
        Timing("Pass 2, scheduler (asset-triggered)"),
        Timing("D: Pass 1 + Pass 2, scheduler"),
    )
    with AirflowServices(env, work / "service-logs") as services:
        for i in range(repeat):
            truncate_output(warehouse)
            started = dt.datetime.now(dt.UTC)
            airflow_cli("dags", "trigger", PASS1, "-c", json.dumps(params), env=env)
            deadline = time.monotonic() + 1800
            while time.monotonic() < deadline:
                with create_session() as session:
                    runs = (
                        session.query(DagRun)
                        .filter(DagRun.dag_id.in_([PASS1, PASS2]))
                        .filter(DagRun.run_type.in_(["manual", "asset_triggered"]))
                        .filter(DagRun.queued_at >= started)
                        .all()
                    )
                    done = {r.dag_id: r for r in runs if str(r.state) in ("success", "failed")}
                    if PASS2 in done and PASS1 in done:
                        r1, r2 = done[PASS1], done[PASS2]
                        break
                time.sleep(2)
            else:
                raise SystemExit(
                    "bench: scheduler runs did not finish:\n" + services.tail("scheduler")
                )
            if str(r1.state) != "success" or str(r2.state) != "success":
                raise SystemExit(f"bench: scheduler runs failed: {r1.state} {r2.state}")
            pass2_runs = [r[1] for r in runs_since((PASS2,), started)]
            processes = task_processes(PASS1, [r1.run_id]) + task_processes(PASS2, pass2_runs)
            p1.seconds.append((r1.end_date - r1.queued_at).total_seconds())
            p2.seconds.append((r2.end_date - r2.queued_at).total_seconds())
            total.seconds.append((r2.end_date - r1.queued_at).total_seconds())
            print(
                f"  scheduler run {i + 1}/{repeat}: Pass 1 {p1.seconds[-1]:.1f} s, "
                f"Pass 2 {p2.seconds[-1]:.1f} s, both {total.seconds[-1]:.1f} s",
                flush=True,
            )
    return {
        "pass1": p1,
        "pass2": p2,
        "both": total,
        "pass2_runs": len(pass2_runs),
        "task_processes": processes,
    }


def task_processes(dag_id: str, run_ids: list[str]) -> int:
    """Task processes the runs started: every try of every task instance that ran, and
    every reschedule of a sensor (each poke is a process of its own)."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.taskreschedule import TaskReschedule
    from airflow.utils.session import create_session
    from sqlalchemy import func

    with create_session() as session:
        ran = (
            session.query(TaskInstance)
            .filter(TaskInstance.dag_id == dag_id, TaskInstance.run_id.in_(run_ids))
            .filter(TaskInstance.start_date.isnot(None))
            .filter(TaskInstance.state.in_(["success", "failed"]))
            .all()
        )
        tries = sum(max(ti.try_number, 1) for ti in ran)
        reschedules = (
            session.query(func.count(TaskReschedule.id))
            .filter(TaskReschedule.ti_id.in_([ti.id for ti in ran]))
            .scalar()
        )
    return tries + reschedules


def runs_since(dag_ids: tuple[str, ...], since: dt.datetime, run_types=None) -> list:
    """(dag_id, run_id, state, run_type, queued_at, end_date) of the runs queued since."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import func

    with create_session() as session:
        query = session.query(DagRun).filter(
            DagRun.dag_id.in_(dag_ids),
            func.coalesce(DagRun.queued_at, DagRun.start_date) >= since,
        )
        if run_types:
            query = query.filter(DagRun.run_type.in_(run_types))
        return [
            (r.dag_id, r.run_id, str(r.state), str(r.run_type), r.queued_at, r.end_date)
            for r in query.all()
        ]


def settle(services, deadline_s: float = 600) -> None:
    """Wait until no run of any DAG is queued or running (what unpausing started)."""
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        with create_session() as session:
            if not session.query(DagRun).filter(DagRun.state.in_(["queued", "running"])).count():
                return
        time.sleep(2)
    raise SystemExit("bench: runs did not settle:\n" + services.tail("scheduler"))


def wait_for_backfill(dag_id: str, since: dt.datetime, services, deadline_s: float) -> list:
    """Wait until the DAG's newest backfill is complete; its runs (all must succeed)."""
    from nba_backfill.progress import latest_backfill

    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        backfill = latest_backfill(dag_id)
        if backfill and backfill[1] >= since - dt.timedelta(seconds=5) and backfill[2]:
            runs = runs_since((dag_id,), since, ["backfill"])
            failed = [r[1] for r in runs if r[2] != "success"]
            if failed:
                raise SystemExit(f"bench: backfill runs of {dag_id} failed: {failed[:5]}")
            return runs
        time.sleep(3)
    raise SystemExit(
        f"bench: the backfill of {dag_id} did not finish:\n" + services.tail("scheduler")
    )


def run_backfills(start: dt.date, end: dt.date, warehouse, work: Path, reference) -> dict:
    """G: `airflow backfill create` over the range under the scheduler + LocalExecutor, as
    the README tells users to run it (both DAGs unpaused, --max-active-runs 4), until
    nothing is stale; beside it the no-op floor of the same shape and timetable."""
    from bench.measures import truncate_output
    from nba_backfill import staleness
    from nba_backfill.checksum import table_checksum
    from nba_backfill.days import DayRange
    from nba_backfill.local.airflow_services import AirflowServices, airflow_cli

    env = os.environ.copy()
    airflow_cli("dags", "reserialize", env=env)
    for dag_id in (PASS1, PASS2, NOOP):
        airflow_cli("dags", "unpause", dag_id, env=env)
    backfill = ["--from-date", str(start), "--to-date", str(end), "--max-active-runs", "4"]
    out: dict = {}
    with AirflowServices(env, work / "service-logs-backfill") as services:
        settle(services)
        print(f"  G0: backfill of the no-op DAG ({NOOP})", flush=True)
        since = dt.datetime.now(dt.UTC)
        airflow_cli("backfill", "create", "--dag-id", NOOP, *backfill, env=env, timeout=600)
        runs = wait_for_backfill(NOOP, since, services, deadline_s=3600)
        noop_s = (max(r[5] for r in runs) - since).total_seconds()
        out["noop"] = {
            "seconds": round(noop_s, 1),
            "runs": len(runs),
            "task_processes": task_processes(NOOP, [r[1] for r in runs]),
        }
        print(f"    {len(runs)} runs in {noop_s:.0f} s", flush=True)
        settle(services)

        print(
            "  G1: backfill of Pass 1, Pass 2 on its asset events, until nothing is stale",
            flush=True,
        )
        truncate_output(warehouse)
        since = dt.datetime.now(dt.UTC)
        airflow_cli("backfill", "create", "--dag-id", PASS1, *backfill, env=env, timeout=600)
        runs = wait_for_backfill(PASS1, since, services, deadline_s=3600)
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline:
            pass2_runs = runs_since((PASS2,), since)
            if all(r[2] in ("success", "failed") for r in pass2_runs):
                statuses = staleness.day_statuses(warehouse, DayRange(start, end, "bench"))
                left = staleness.not_done(statuses, "pass1") + staleness.not_done(statuses, "pass2")
                if not left:
                    break
            time.sleep(5)
        else:
            raise SystemExit(
                "bench: days left stale after the backfill:\n" + services.tail("scheduler")
            )
        failed = [r[1] for r in pass2_runs if r[2] != "success"]
        if failed:
            raise SystemExit(f"bench: Pass 2 runs failed during the backfill: {failed}")
        finished = max([r[5] for r in runs] + [r[5] for r in pass2_runs])
        backfill_s = (finished - since).total_seconds()
        pass1_done = (max(r[5] for r in runs) - since).total_seconds()
        out["backfill"] = {
            "seconds": round(backfill_s, 1),
            "pass1_runs_done_s": round(pass1_done, 1),
            "runs": len(runs),
            "pass2_runs": len(pass2_runs),
            "task_processes": task_processes(PASS1, [r[1] for r in runs])
            + task_processes(PASS2, [r[1] for r in pass2_runs]),
        }
        print(
            f"    {len(runs)} Pass 1 runs done after {pass1_done:.0f} s, nothing stale after "
            f"{backfill_s:.0f} s; {len(pass2_runs)} Pass 2 runs",
            flush=True,
        )
    out["table_matches_params_path"] = table_checksum(warehouse, start, end) == reference
    if not out["table_matches_params_path"]:
        raise SystemExit("bench: the table the backfill built differs from the params path's")
    return out


def split_old_pattern(a_old) -> tuple:
    """A's two parts, as Timings of their own, from the same runs (each run times them)."""
    from bench.measures import Timing

    queries = Timing("A1: its per-day queries into pandas")
    writes = Timing("A2: its row-by-row writes")
    for parts in a_old.runs:
        queries.seconds.append(parts["queries_into_pandas_s"])
        writes.seconds.append(parts["row_by_row_writes_s"])
    queries.counted = {"queries": a_old.counted["queries"]}
    writes.counted = {"row_statements": a_old.counted["row_statements"]}
    return queries, writes


def sample_heavy_query(con, days: list[dt.date], runs: int) -> dict:
    """A0 at 6 positions of the range (its cost grows with the history before each day),
    then the sum over every day, by linear interpolation between the samples."""
    import statistics

    from bench.measures import old_heavy_query

    positions = sorted({0, *(round((len(days) - 1) * f) for f in (0.1, 0.25, 0.5, 0.75, 1.0))})
    samples = []
    for i in positions:
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            counted = old_heavy_query(con, days[0], days[i])
            seconds.append(time.perf_counter() - started)
        samples.append(
            {
                "position": i,
                "day": str(days[i]),
                "median_s": round(statistics.median(seconds), 4),
                **counted,
            }
        )
        print(
            f"  A0 day {i + 1}/{len(days)} ({days[i]}): {samples[-1]['median_s']:.3f} s", flush=True
        )
    total = 0.0
    for a, b in zip(samples, samples[1:], strict=False):
        total += (a["median_s"] + b["median_s"]) / 2 * (b["position"] - a["position"])
    total += samples[0]["median_s"]
    return {"samples": samples, "projected_total_s": round(total, 1), "days": len(days)}


def run_nightly_with_stale_days(warehouse, days: list[dt.date], stale: int = 5) -> dict:
    """Five game days before the last one are re-delivered (late corrections); then the
    nightly runs of the last game day: Pass 1 (its interval, through dag.test with the
    nightly logical date) and Pass 2 (the range its asset event carries)."""
    from bench.measures import redeliver
    from nba_backfill.days import GAME_TZ
    from nba_backfill.local.runner import run_dag

    nightly = days[-1]
    corrected = [days[-3 - 3 * i] for i in range(stale)]  # within the lookback, apart
    with warehouse.connect() as con:
        for day in corrected:
            redeliver(con, day)
    morning = dt.datetime.combine(nightly + dt.timedelta(days=1), dt.time(6), tzinfo=GAME_TZ)
    o1 = run_dag(PASS1, {}, logical_date=morning, xcom_tasks=("plan_days",))
    o2 = run_dag(
        PASS2, {"start_date": str(nightly), "end_date": str(nightly)}, xcom_tasks=("plan_windows",)
    )
    if not (o1.ok and o2.ok):
        raise SystemExit(f"bench: the nightly runs failed: {o1} {o2}")
    planned = [dt.date.fromisoformat(d) for d in o1.xcoms["plan_days"]]
    if sorted(planned) != sorted([*corrected, nightly]):
        raise SystemExit(
            f"bench: the nightly Pass 1 planned {planned}, not {corrected} + {nightly}"
        )
    print(
        f"  nightly with {stale} stale days: Pass 1 {o1.seconds:.1f} s ({len(planned)} days), "
        f"Pass 2 {o2.seconds:.1f} s ({len(o2.xcoms['plan_windows'])} windows)",
        flush=True,
    )
    return {
        "stale_days": [str(d) for d in corrected],
        "nightly_day": str(nightly),
        "pass1_days": len(planned),
        "pass1_s": round(o1.seconds, 2),
        "pass2_windows": len(o2.xcoms["plan_windows"]),
        "pass2_s": round(o2.seconds, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--start", default="2021-10-01")
    parser.add_argument("--end", default="2024-05-01")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    parser.add_argument(
        "--scheduler-repeat", type=int, default=1, help="runs of D under the scheduler"
    )
    parser.add_argument("--skip-scheduler", action="store_true")
    parser.add_argument("--skip-old-pattern", action="store_true")
    parser.add_argument(
        "--skip-backfill", action="store_true", help="skip G (airflow backfill create, ~30 min)"
    )
    parser.add_argument("--skip-loads", action="store_true", help="skip L (cli load)")
    parser.add_argument(
        "--load-season",
        default="2022-10-01:2023-06-30",
        help="L's files: the demo data of START:END (one season)",
    )
    parser.add_argument("--no-readme", action="store_true", help="do not update README.md")
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--work", default=str(WORK), help="scratch folder (warehouse, Airflow)")
    args = parser.parse_args(argv)
    start, end = dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
    out, work = Path(args.out), Path(args.work)

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    configure_airflow(work)
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"], check=True, capture_output=True
    )

    from bench import measures, report, sqlvariants
    from bench.measures import repeat
    from nba_backfill import pass1
    from nba_backfill.checksum import table_checksum
    from nba_backfill.cli import build_demo_warehouse, ensure_pool
    from nba_backfill.config import settings
    from nba_backfill.days import DayRange
    from nba_backfill.warehouse import duckdb_warehouse

    ensure_pool(settings().write_pool, settings().write_pool_slots, "bench")
    figures: dict = {"machine": machine(), "range": {"start": str(start), "end": str(end)}}
    print(f"bench: {start} .. {end}, {args.repeat} runs per timing, on {figures['machine']['cpu']}")

    print("[build] seed-scale demo data in a fresh warehouse", flush=True)
    built = build_demo_warehouse(start, end, seed=20211019)
    warehouse = duckdb_warehouse(work / "warehouse.duckdb")
    days = [
        dt.date.fromisoformat(d) for d in pass1.plan_days(warehouse, DayRange(start, end, "bench"))
    ]
    figures["data"] = {
        "calendar_days": (end - start).days + 1,
        "game_days": len(days),
        "rows": built["rows"],
        "generate_s": round(built["generate_s"], 2),
        "build_s": round(built["total_s"], 2),
    }
    print(f"  {built['rows']} in {built['total_s']:.1f} s; {len(days)} game days")
    (work / "game_days.json").write_text(json.dumps([d.isoformat() for d in days]))
    params = {"start_date": str(start), "end_date": str(end)}

    print("[D] Pass 1 then Pass 2 through Airflow, dag.test()", flush=True)
    d_test = run_dag_test(params, args.repeat, warehouse)
    reference = table_checksum(warehouse, start, end)
    nightly = None
    if len(days) >= 20:
        print("[F] a nightly run of both passes with five re-delivered days", flush=True)
        nightly = run_nightly_with_stale_days(warehouse, days)
        if table_checksum(warehouse, start, end) != reference:
            raise SystemExit("bench: the nightly runs changed the table (same values re-delivered)")

    con = warehouse.connect()
    print("[E] Pass 1's floor: its day logic as one statement over the range", flush=True)
    e_floor = repeat(
        "E: Pass 1 as one set-based statement",
        args.repeat,
        lambda: measures.pass1_range_floor(con, start, end),
        before=lambda: con.execute("delete from nba_analytics.player_game_summary"),
    )

    print("[B, C] Pass 2's statement, its parts and their floors (one connection)", flush=True)
    b_total = repeat(
        "B: Pass 2 statement, first run (query + MERGE)",
        args.repeat,
        lambda: measures.pass2_statement(con, start, end),
        before=lambda: measures.null_shot_zones(con),
    )
    f_status = repeat(
        "F: staleness statement over the range",
        args.repeat,
        lambda: measures.staleness_statement(con, start, end),
    )
    f_pending = repeat(
        "F: Pass 2 pending (output table, all of it)",
        args.repeat,
        lambda: measures.pending_statement(con, end),
    )
    b_query = repeat(
        "B: its query (materialised, no write)",
        args.repeat,
        lambda: measures.pass2_query_only(con, start, end),
    )
    b_merge = repeat(
        "B: its MERGE into NULL zones (materialised)",
        args.repeat,
        lambda: measures.pass2_merge_only(con, start, end),
        before=lambda: measures.null_shot_zones(con),
    )
    c_query = repeat(
        "C: GROUP BY floor (shots per player-game)",
        args.repeat,
        lambda: measures.group_by_floor(con, start, end),
    )
    c_write = repeat(
        "C: INSERT floor (same rows, empty table)",
        args.repeat,
        lambda: measures.insert_floor(con),
        before=lambda: measures.reset_insert_floor(con),
    )
    con.execute(f"drop table {measures.INSERT_FLOOR_TABLE}")
    scaling = {}
    for fraction in (0.125, 0.25, 0.5, 1.0):
        last = days[max(0, round(len(days) * fraction) - 1)]
        timing = repeat(
            f"B at {fraction:g} of the range (to {last})",
            args.repeat,
            lambda last=last: measures.pass2_statement(con, start, last),
        )
        scaling[str(fraction)] = {"end_date": str(last), **timing.as_dict()}

    a_old = a_queries = a_writes = a_heavy = None
    if not args.skip_old_pattern:
        print("[A] the old pattern: per day, query -> pandas -> row-by-row merge", flush=True)
        sqlvariants.pass2_source_query()  # compiled once, before any timing
        a_old = repeat(  # once: minutes a run, and 30x or more away from B
            "A: old per-day pattern (A1 + A2)",
            1,
            lambda: measures.old_pattern(con, days),
            before=lambda: measures.null_shot_zones(con),
        )
        a_queries, a_writes = split_old_pattern(a_old)
        print("[A0] the old heavy query, sampled: all play-by-play so far, per day", flush=True)
        a_heavy = sample_heavy_query(con, days, args.repeat)
    con.close()
    con.close()
    pass2_figures = {}
    if table_checksum(warehouse, start, end) != reference:
        raise SystemExit("bench: the table after A/B/E differs from the one Airflow built")
    pass2_figures["table_matches_airflow_build"] = True

    d_sched = None
    if not args.skip_scheduler:
        print("[D] Pass 1 then Pass 2 under the scheduler + LocalExecutor", flush=True)
        d_sched = run_scheduler(params, args.scheduler_repeat, warehouse, work)
    g_backfill = None
    if not args.skip_backfill:
        print("[G] airflow backfill create over the range, under the scheduler", flush=True)
        g_backfill = run_backfills(start, end, warehouse, work, reference)

    loads = None
    if not args.skip_loads:
        print("[L] cli load: a season's files, the same again, one day into the seed range")
        from bench.loads import measure_loads

        season = tuple(dt.date.fromisoformat(x) for x in args.load_season.split(":"))
        loads = measure_loads(warehouse, work, args.repeat, days[len(days) // 2], season)

    figures.update(
        report.figures(
            a_old=a_old,
            a_queries=a_queries,
            a_writes=a_writes,
            a_heavy=a_heavy,
            b_total=b_total,
            b_query=b_query,
            b_merge=b_merge,
            c_query=c_query,
            c_write=c_write,
            scaling=scaling,
            d_test=d_test,
            d_sched=d_sched,
            g_backfill=g_backfill,
            e_floor=e_floor,
            f_status=f_status,
            f_pending=f_pending,
            nightly=nightly,
            loads=loads,
            days=len(days),
            calendar_days=figures["data"]["calendar_days"],
        )
    )
    figures["checks"] = pass2_figures
    report.write(
        figures, d_test["series"], out, update_readme=not args.no_readme, readme=ROOT / "README.md"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
