"""`make bench-growth` (bench H): how the product's costs grow with the history it holds.

For the last 1, 3, 10 and 22 seasons (2025-26 back to 2004-05), each in a fresh warehouse
built by build-demo, measured in one run, every step in a process of its own: its time,
and its peak resident memory (DuckDB is embedded: that process is the warehouse):

  build   build-demo over the span (the file's size, the rows)
  P1      Pass 1 over the span through Airflow's dag.test(): ONE trigger with the param
          chain_runs (runs of at most max_map_length game days that start one another)
  P2      Pass 2 over the span through dag.test(): its statement (split by season only
          where the warehouse cannot take it) and the audits
  S       the staleness statement every run plans with (day_status over the span) and
          the output table's own check (pass2_pending over the whole table)
  status  `cli status` over the span, as a user reads it (a row per season)
  idle    the same process with Airflow imported and nothing run: the floor of the
          memory figures

Each as a ratio to the first span, beside the ratio of game days, and the slope (the log
of the time ratio over the log of the game-days ratio: 1.0 grows linearly). Beside them,
on the first span: the params path (P1 + P2) and `airflow backfill create` of the same
days under the scheduler (LocalExecutor), which must leave the same table.

Writes bench/results/growth.json, growth.md and, per span, the `cli status` output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
WORK = RESULTS / "tmp-growth"
PASS1, PASS2 = "nba_pass1_box_scores", "nba_pass2_shot_zones"
LAST_SEASON = 2025  # 2025-26
SEASONS = (1, 3, 10, 22)
SEED = 20211019
STEPS = ("build", "idle", "pass1", "pass2", "staleness", "status")


def season_span(seasons: int, last: int = LAST_SEASON) -> tuple[dt.date, dt.date]:
    """The last `seasons` seasons up to `last`, August 1 to July 31 (a July final included)."""
    return dt.date(last - seasons + 1, 8, 1), dt.date(last + 1, 7, 31)


# -- the steps, each run in a child process ------------------------------------------


def step(name: str, start: dt.date, end: dt.date, out: Path) -> dict:
    """One measured step over the span, in this (child) process."""
    from nba_backfill import staleness
    from nba_backfill.days import DayRange
    from nba_backfill.warehouse import get_warehouse

    span = DayRange(start, end, "bench")
    began = time.perf_counter()
    if name == "build":
        from nba_backfill.cli import build_demo_warehouse

        built = build_demo_warehouse(start, end, seed=SEED, fresh=True)
        return {
            "seconds": round(time.perf_counter() - began, 2),
            "rows": built["rows"],
            "play_by_play_rows": built["rows"]["bigdataball_play_by_play"],
            "file_mib": round(built["bytes"] / 1024**2, 1),
        }
    if name == "idle":
        from nba_backfill.local.runner import run_dag  # noqa: F401 (what P1 / P2 import)

        get_warehouse().run("pass1/plan_days", {"start_date": start, "end_date": start})
        return {"seconds": round(time.perf_counter() - began, 2)}
    if name == "pass1":
        from nba_backfill.local.runner import run_dag

        outcome = run_dag(
            PASS1,
            {"start_date": str(start), "end_date": str(end), "chain_runs": True},
            xcom_tasks=("load_day",),
        )
        if not outcome.ok:
            raise SystemExit(f"bench H: Pass 1 failed: {outcome}")
        loads = [x for run in outcome.runs for x in run.xcoms["load_day"]]
        return {
            "seconds": round(time.perf_counter() - began, 2),
            "runs": len(outcome.runs),
            "game_days": len(loads),
            "statements_s": round(sum(x["seconds"] for x in loads), 2),
            "rows": sum(x["rows"] for x in loads),
        }
    if name == "pass2":
        from nba_backfill.local.runner import run_dag

        outcome = run_dag(
            PASS2,
            {"start_date": str(start), "end_date": str(end)},
            xcom_tasks=("merge_shot_zones",),
        )
        if not outcome.ok:
            raise SystemExit(f"bench H: Pass 2 failed: {outcome}")
        merged = outcome.xcoms["merge_shot_zones"]
        merged = merged if isinstance(merged, list) else [merged]
        return {
            "seconds": round(time.perf_counter() - began, 2),
            "statements": sum(len(m.get("by_season") or [m]) for m in merged),
            "statement_s": round(sum(m["seconds"] for m in merged), 2),
            "rows": sum(m["rows"] for m in merged),
        }
    if name == "staleness":
        warehouse = get_warehouse()
        staleness.day_statuses(warehouse, DayRange(start, start, "warm-up"))  # (compiles)
        began = time.perf_counter()
        statuses = staleness.day_statuses(warehouse, span)
        status_s = time.perf_counter() - began
        pending = staleness.pass2_pending(warehouse, end + dt.timedelta(days=1))
        left = staleness.not_done(statuses, "pass1") + staleness.not_done(statuses, "pass2")
        if left or any(pending.values()):
            raise SystemExit(f"bench H: days left stale after both passes: {left[:5]}")
        return {
            "seconds": round(time.perf_counter() - began, 3),
            "day_status_s": round(status_s, 3),
            "days": len(statuses),
        }
    if name == "status":
        result = subprocess.run(
            [sys.executable, "-m", "nba_backfill.cli", "status", "--start", str(start),
             "--end", str(end)],
            capture_output=True, text=True, env=os.environ.copy(),
        )  # fmt: skip
        out.write_text(result.stdout)
        if result.returncode != 0:
            raise SystemExit(f"bench H: cli status said days are owed:\n{result.stdout[-2000:]}")
        return {
            "seconds": round(time.perf_counter() - began, 2),
            "lines": len(result.stdout.splitlines()),
        }
    raise SystemExit(f"unknown step {name!r}")


def run_child(name: str, start: dt.date, end: dt.date, work: Path, label: str) -> dict:
    """Run a step in a child process; its figures, wall seconds and peak RSS (MiB)."""
    log = work / f"{label}-{name}.log"
    out = work / f"{label}-{name}.out"
    with open(log, "w") as handle:
        began = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.growth", "--step", name, "--start", str(start),
             "--end", str(end), "--step-out", str(out)],
            cwd=ROOT, env=os.environ.copy(), stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - began
    text = log.read_text()
    if proc.returncode != 0:
        raise SystemExit(f"bench H: step {name} over {start} .. {end} failed:\n{text[-4000:]}")
    found = [line for line in text.splitlines() if line.startswith("RESULT ")]
    figures = json.loads(found[-1][len("RESULT ") :])
    figures.update(wall_s=round(wall, 2), peak_rss_mib=round(usage.ru_maxrss / 1024, 1))
    print(
        f"  {label:<12} {name:<10} {figures['seconds']:8.2f} s  peak {figures['peak_rss_mib']:7.1f} MiB"
        + (f"  ({figures['game_days']} game days, {figures['runs']} run(s))" if name == "pass1" else ""),
        flush=True,
    )  # fmt: skip
    return figures


# -- the harness -----------------------------------------------------------------------


def use_warehouse(path: Path) -> None:
    os.environ["AIRFLOW_CONN_NBA_WAREHOUSE"] = json.dumps(
        {"conn_type": "duckdb", "extra": {"path": str(path)}}
    )


def measure_span(label: str, start: dt.date, end: dt.date, work: Path) -> dict:
    use_warehouse(work / f"{label}.duckdb")
    figures = {"start": str(start), "end": str(end)}
    for name in STEPS:
        figures[name] = run_child(name, start, end, work, label)
    figures["game_days"] = figures["pass1"]["game_days"]
    return figures


def backfill_one_span(start: dt.date, end: dt.date, work: Path, label: str) -> dict:
    """`airflow backfill create` of the span under the scheduler, on the first span's
    warehouse emptied of output rows, until nothing is stale; the same table as the
    params path's."""
    from bench.measures import truncate_output
    from bench.run import runs_since, settle, wait_for_backfill
    from nba_backfill import staleness
    from nba_backfill.checksum import table_checksum
    from nba_backfill.days import DayRange
    from nba_backfill.local.airflow_services import AirflowServices, airflow_cli
    from nba_backfill.warehouse import duckdb_warehouse

    path = work / f"{label}.duckdb"
    use_warehouse(path)
    warehouse = duckdb_warehouse(path)
    reference = table_checksum(warehouse, start, end)
    env = os.environ.copy()
    airflow_cli("dags", "reserialize", env=env)
    for dag_id in (PASS1, PASS2):
        airflow_cli("dags", "unpause", dag_id, env=env)
    with AirflowServices(env, work / "service-logs") as services:
        settle(services)
        truncate_output(warehouse)
        since = dt.datetime.now(dt.UTC)
        airflow_cli(
            "backfill", "create", "--dag-id", PASS1, "--from-date", str(start), "--to-date",
            str(end), "--max-active-runs", "4", env=env, timeout=600,
        )  # fmt: skip
        runs = wait_for_backfill(PASS1, since, services, deadline_s=7200)
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline:
            pass2_runs = runs_since((PASS2,), since)
            if all(r[2] in ("success", "failed") for r in pass2_runs):
                statuses = staleness.day_statuses(warehouse, DayRange(start, end, "bench"))
                if not staleness.not_done(statuses, "pass1") + staleness.not_done(
                    statuses, "pass2"
                ):
                    break
            time.sleep(5)
        else:
            raise SystemExit("bench H: days left stale after the backfill")
        finished = max([r[5] for r in runs] + [r[5] for r in pass2_runs])
    out = {
        "seconds": round((finished - since).total_seconds(), 1),
        "runs": len(runs),
        "pass2_runs": len(pass2_runs),
        "table_matches_params_path": table_checksum(warehouse, start, end) == reference,
    }
    if not out["table_matches_params_path"]:
        raise SystemExit("bench H: the backfill's table differs from the params path's")
    print(f"  backfill     {out['seconds']:8.1f} s  ({out['runs']} runs)", flush=True)
    return out


def ratios(spans: list[dict]) -> list[dict]:
    """Each span's figures as ratios to the first span's, and the slope against game days
    (log time ratio / log game-days ratio; 1.0 is linear)."""
    base = spans[0]
    out = []
    for span in spans:
        size = span["game_days"] / base["game_days"]
        row = {"label": span["label"], "game_days": span["game_days"], "size_ratio": round(size, 2)}
        for name, key in (("pass1", "seconds"), ("pass2", "statement_s"), ("pass2", "seconds"),
                          ("staleness", "seconds"), ("status", "seconds"), ("build", "seconds")):  # fmt: skip
            ratio = span[name][key] / base[name][key] if base[name][key] else float("nan")
            row[f"{name}_{key}_ratio"] = round(ratio, 2)
            if size > 1.5:
                row[f"{name}_{key}_slope"] = round(math.log(ratio) / math.log(size), 2)
        for name in ("pass1", "pass2", "staleness"):
            row[f"{name}_rss_ratio"] = round(
                span[name]["peak_rss_mib"] / base[name]["peak_rss_mib"], 2
            )
        out.append(row)
    return out


def report(figures: dict) -> str:
    spans = figures["spans"]
    lines = [
        "# Bench H: growth with the history held",
        "",
        f"Measured {figures['measured_at']} on {figures['machine']}. Each step in a process of",
        "its own: seconds, and its peak resident memory (MiB; DuckDB is embedded, so the",
        "process is the warehouse). `idle` is that process with Airflow imported and one",
        "small statement run: the floor of the memory figures.",
        "",
        "| span | game days | warehouse | P1 chained dag.test | P2 statement | P2 dag.test "
        "| staleness | cli status | idle |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in spans:
        lines.append(
            f"| {s['label']} ({s['start']} .. {s['end']}) | {s['game_days']:,} "
            f"| {s['build']['file_mib']:,.0f} MiB, built in {s['build']['seconds']:.0f} s "
            f"| {s['pass1']['seconds']:.1f} s, {s['pass1']['peak_rss_mib']:,.0f} MiB, "
            f"{s['pass1']['runs']} run(s) "
            f"| {s['pass2']['statement_s']:.2f} s ({s['pass2']['statements']} statement(s)) "
            f"| {s['pass2']['seconds']:.1f} s, {s['pass2']['peak_rss_mib']:,.0f} MiB "
            f"| {s['staleness']['seconds']:.2f} s, {s['staleness']['peak_rss_mib']:,.0f} MiB "
            f"| {s['status']['seconds']:.1f} s, {s['status']['lines']} lines "
            f"| {s['idle']['peak_rss_mib']:,.0f} MiB |"
        )
    lines += [
        "",
        "Ratios to the first span (slope: log time ratio / log game-days ratio; 1.0 = linear):",
        "",
        "| span | game days x | P1 time x (slope) | P2 statement x (slope) | P2 run x "
        "| staleness x (slope) | P1 / P2 / staleness memory x |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in figures["ratios"]:

        def slope(key: str, r: dict = r) -> str:
            return f" ({r[key]})" if key in r else ""

        lines.append(
            f"| {r['label']} | {r['size_ratio']} | {r['pass1_seconds_ratio']}"
            f"{slope('pass1_seconds_slope')} | {r['pass2_statement_s_ratio']}"
            f"{slope('pass2_statement_s_slope')} | {r['pass2_seconds_ratio']} "
            f"| {r['staleness_seconds_ratio']}{slope('staleness_seconds_slope')} "
            f"| {r['pass1_rss_ratio']} / {r['pass2_rss_ratio']} / {r['staleness_rss_ratio']} |"
        )
    first = spans[0]
    lines += [
        "",
        f"Paths over the first span ({first['label']}, {first['game_days']} game days):",
        f"- params path: Pass 1 {first['pass1']['seconds']:.1f} s (one trigger) + Pass 2 "
        f"{first['pass2']['seconds']:.1f} s",
    ]
    if figures.get("backfill"):
        b = figures["backfill"]
        lines.append(
            f"- `airflow backfill create` under the scheduler: {b['seconds']:.0f} s "
            f"({b['runs']} runs, {b['pass2_runs']} Pass 2 run(s)); the same table: "
            f"{b['table_matches_params_path']}"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--seasons", default=",".join(map(str, SEASONS)), help="spans, in seasons up to 2025-26"
    )
    parser.add_argument(
        "--spans", default="", help="explicit spans instead: START:END,START:END (smoke tests)"
    )
    parser.add_argument("--skip-backfill", action="store_true")
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--work", default=str(WORK))
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--start", help=argparse.SUPPRESS)
    parser.add_argument("--end", help=argparse.SUPPRESS)
    parser.add_argument("--step-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.step:  # a child: one step, its figures on the last line
        start, end = dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
        figures = step(args.step, start, end, Path(args.step_out))
        print("RESULT " + json.dumps(figures), flush=True)
        return 0

    import shutil

    from bench.run import configure_airflow, machine

    out, work = Path(args.out), Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    out.mkdir(parents=True, exist_ok=True)
    configure_airflow(work)
    os.environ.pop("NBA_BENCH_GAME_DAYS", None)
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"], check=True, capture_output=True
    )
    from nba_backfill.cli import ensure_pool
    from nba_backfill.config import settings

    ensure_pool(settings().write_pool, settings().write_pool_slots, "bench")
    if args.spans:
        spans = [
            (f"span{i + 1}", *(dt.date.fromisoformat(d) for d in part.split(":")))
            for i, part in enumerate(args.spans.split(","))
        ]
    else:
        spans = [
            (f"{n} season{'s' if n > 1 else ''}", *season_span(n))
            for n in (int(x) for x in args.seasons.split(","))
        ]
    info = machine()
    figures: dict = {
        "measured_at": info["measured_at"],
        "machine": f"{info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB",
        "spans": [],
    }
    began = time.perf_counter()
    for label, start, end in spans:
        print(f"[H] {label}: {start} .. {end}", flush=True)
        slug = label.replace(" ", "-")
        span = measure_span(slug, start, end, work)
        span["label"] = label
        shutil.copyfile(work / f"{slug}-status.out", out / f"growth-status-{slug}.txt")
        figures["spans"].append(span)
        # the warehouses of earlier spans are not needed again (the first's is, for G)
        if len(figures["spans"]) > 1:
            (work / f"{slug}.duckdb").unlink(missing_ok=True)
    figures["ratios"] = ratios(figures["spans"])
    if not args.skip_backfill:
        label, start, end = spans[0]
        print(f"[H] airflow backfill create over {label}", flush=True)
        figures["backfill"] = backfill_one_span(start, end, work, label.replace(" ", "-"))
    figures["total_s"] = round(time.perf_counter() - began, 1)
    (out / "growth.json").write_text(json.dumps(figures, indent=2, default=str))
    (out / "growth.md").write_text(report(figures))
    print(report(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
