"""Turn the benchmark's timings into named figures, targets, and the files it writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"


def _ratio(a, b) -> float | None:
    return round(a / b, 2) if a and b else None


# What each timing contains, for bench.md and the README (every figure says what it is).
LABELS = {
    "A_old_pattern": "A: the old per-day pattern, whole (A1 + A2), into NULL zones",
    "A1_per_day_queries": "A1: its per-day shot-zone queries into pandas (today's query, one day each)",
    "A2_row_by_row_writes": "A2: its row-by-row UPDATE / INSERT from Python",
    "B_pass2_statement": "B: Pass 2's statement over the range, first run (Pass 1 rows with NULL zones)",
    "B_pass2_query": "B: its query alone, materialised (no write)",
    "B_pass2_merge": "B: its MERGE alone, from the materialised query, into NULL zones",
    "C_group_by_floor": "C: floor of B's query: one GROUP BY of shot rows per player-game (no de-duplication, no roster, no write)",
    "C_insert_floor": "C: floor of B's MERGE: an INSERT of the same rows into an empty copy of the table",
    "D_pass1_dag_test": "D: Pass 1 over the range, one run with params, dag.test()",
    "D_pass2_dag_test": "D: Pass 2 over the range, one run with params, dag.test()",
    "D_both_dag_test": "D: both passes, dag.test()",
    "D_pass1_scheduler": "D: Pass 1 over the range, one run with params, scheduler + LocalExecutor",
    "D_pass2_scheduler": "D: Pass 2 woken by Pass 1's asset event, scheduler",
    "D_both_scheduler": "D: both passes, scheduler (Pass 1 queued -> Pass 2 done)",
    "G_backfill": "G: `airflow backfill create` over the range (one run per game day), both DAGs unpaused, until nothing is stale (one run)",
    "G_noop_floor": "G: floor of G: a no-op DAG of Pass 1's shape and timetable, backfilled over the range (one run)",
    "E_pass1_set_based": "E: floor of Pass 1: its day logic as one statement over the range",
    "F_staleness_statement": "F: the staleness statement (state/day_status.sql) over the range",
    "F_pass2_pending": "F: Pass 2's own check of the output table, all history (state/pass2_pending.sql)",
    "L1_load_empty": "L1: `cli load` of one season's files (4 CSV) into empty tables",
    "L2_load_again": "L2: the same files again, into the warehouse that holds them",
    "L3_load_one_day": "L3: one day's files (4 CSV) into the seed range",
}


def _n(value) -> str:
    """A count with thousands separators, or "not run"."""
    return "not run" if value is None else f"{value:,}"


def _single(seconds: float) -> dict:
    """A timing measured once (the backfill paths: one repetition, ~15 min each)."""
    return {"median_s": seconds, "min_s": seconds, "max_s": seconds, "runs": 1}


def figures(
    *,
    a_old,
    a_queries,
    a_writes,
    a_heavy,
    b_total,
    b_query,
    b_merge,
    c_query,
    c_write,
    scaling,
    d_test,
    d_sched,
    g_backfill,
    e_floor,
    f_status,
    f_pending,
    nightly,
    days,
    calendar_days,
    loads=None,
) -> dict:
    from bench.measures import slope_figures

    out: dict = {
        "timings": {
            "A_old_pattern": a_old.as_dict() if a_old else None,
            "A1_per_day_queries": a_queries.as_dict() if a_queries else None,
            "A2_row_by_row_writes": a_writes.as_dict() if a_writes else None,
            "B_pass2_statement": b_total.as_dict(),
            "B_pass2_query": b_query.as_dict(),
            "B_pass2_merge": b_merge.as_dict(),
            "C_group_by_floor": c_query.as_dict(),
            "C_insert_floor": c_write.as_dict(),
            "D_pass1_dag_test": d_test["pass1"].as_dict(),
            "D_pass2_dag_test": d_test["pass2"].as_dict(),
            "D_both_dag_test": d_test["both"].as_dict(),
            "D_pass1_scheduler": d_sched["pass1"].as_dict() if d_sched else None,
            "D_pass2_scheduler": d_sched["pass2"].as_dict() if d_sched else None,
            "D_both_scheduler": d_sched["both"].as_dict() if d_sched else None,
            "G_backfill": _single(g_backfill["backfill"]["seconds"]) if g_backfill else None,
            "G_noop_floor": _single(g_backfill["noop"]["seconds"]) if g_backfill else None,
            "E_pass1_set_based": e_floor.as_dict(),
            "F_staleness_statement": f_status.as_dict(),
            "F_pass2_pending": f_pending.as_dict(),
            "L1_load_empty": loads["L1_empty"] if loads else None,
            "L2_load_again": loads["L2_again"] if loads else None,
            "L3_load_one_day": loads["L3_one_day"] if loads else None,
        },
        "loads": loads,
        "nightly_with_stale_days": nightly,
        "scaling_B": scaling,
        "A0_heavy_query_sampled": a_heavy,
    }
    per_day_sql = slope_figures(d_test["series"], "sql_s")
    per_day_task = slope_figures(d_test["series"], "task_s")
    both_test = d_test["both"].median
    both_sched = d_sched["both"].median if d_sched else None
    ratios = {
        "A_over_B": _ratio(a_old.median, b_total.median) if a_old else None,
        "A1_over_B": _ratio(a_queries.median, b_total.median) if a_queries else None,
        "A2_over_B": _ratio(a_writes.median, b_total.median) if a_writes else None,
        "A0_projected_over_B": _ratio(a_heavy["projected_total_s"], b_total.median)
        if a_heavy
        else None,
        "B_query_over_group_by_floor": _ratio(b_query.median, c_query.median),
        "B_merge_over_insert_floor": _ratio(b_merge.median, c_write.median),
        "D_over_E": _ratio(d_test["pass1"].median, e_floor.median),
        "D_scheduler_over_E": _ratio(d_sched["pass1"].median, e_floor.median) if d_sched else None,
        "per_day_last100_over_first100_sql": per_day_sql["last_over_first"],
        "per_day_last100_over_first100_task": per_day_task["last_over_first"],
        "F_staleness_over_B": _ratio(f_status.median, b_total.median),
        "G_backfill_over_D_params": _ratio(g_backfill["backfill"]["seconds"], both_sched)
        if g_backfill and both_sched
        else None,
        "G_backfill_over_noop": _ratio(
            g_backfill["backfill"]["seconds"], g_backfill["noop"]["seconds"]
        )
        if g_backfill
        else None,
    }
    out["backfill_paths"] = (
        {
            "params_path": {
                "seconds": round(both_sched, 1) if both_sched else None,
                "pass2_runs": d_sched.get("pass2_runs") if d_sched else None,
                "task_processes": d_sched.get("task_processes") if d_sched else None,
            },
            "backfill": g_backfill["backfill"],
            "noop_floor": g_backfill["noop"],
            "table_matches_params_path": g_backfill["table_matches_params_path"],
        }
        if g_backfill
        else None
    )
    out["ratios"] = ratios
    out["per_day"] = {"sql": per_day_sql, "task": per_day_task}
    out["airflow"] = {
        "overhead_per_mapped_day_s": d_test["airflow_overhead_per_day_s"],
        "overhead_per_mapped_day_all_s": d_test["airflow_overhead_per_day_all_s"],
        "task_duration_minus_sql_median_s": d_test["task_overhead_median_s"],
    }
    out["throughput"] = {
        "calendar_days_per_hour_dag_test": round(calendar_days / both_test * 3600),
        "game_days_per_hour_dag_test": round(days / both_test * 3600),
        "calendar_days_per_hour_scheduler": round(calendar_days / both_sched * 3600)
        if both_sched
        else None,
        "game_days_per_hour_scheduler": round(days / both_sched * 3600) if both_sched else None,
    }
    out["jobs"] = {
        "A_queries": a_old.counted.get("queries") if a_old else None,
        "A_row_statements": a_old.counted.get("row_statements") if a_old else None,
        "B_statements": 1,
    }
    out["targets"] = [
        (
            "B at least 25x faster than A (the whole old per-day pattern)",
            ratios["A_over_B"],
            ">=",
            25,
        ),
        ("B faster than A1 alone (the per-day queries, no writes)", ratios["A1_over_B"], ">=", 1),
        (
            "B's query within 4x of the GROUP BY floor",
            ratios["B_query_over_group_by_floor"],
            "<=",
            4,
        ),
        ("B's MERGE within 2x of the INSERT floor", ratios["B_merge_over_insert_floor"], "<=", 2),
        (
            "staleness statement over the range / Pass 2's statement",
            ratios["F_staleness_over_B"],
            "<=",
            0.25,
        ),
        (
            "Pass 1 per-day SQL time, last 100 / first 100 days",
            ratios["per_day_last100_over_first100_sql"],
            "<=",
            1.2,
        ),
        (
            "Airflow cost per mapped day above its SQL (s)",
            d_test["airflow_overhead_per_day_s"],
            "<=",
            0.150,
        ),
        ("Pass 1 + Pass 2 over the range, dag.test() (s)", round(both_test, 1), "<=", 180),
        (
            "Pass 1 + Pass 2 over the range, scheduler (s)",
            round(both_sched, 1) if both_sched else None,
            "<=",
            240,
        ),
        (
            "G: backfill create / one run with params (scheduler, both passes)",
            ratios["G_backfill_over_D_params"],
            "<=",
            3,
        ),
        ("G: backfill create / its no-op floor", ratios["G_backfill_over_noop"], "<=", 1.3),
        (
            "G: Pass 2 runs during the backfill",
            g_backfill["backfill"]["pass2_runs"] if g_backfill else None,
            "<=",
            5,
        ),
        ("L: a season's files again / into empty tables", loads["L2_over_L1"] if loads else None,
         "<=", 1.5),
        ("L: one day's files into the seed range (s)",
         loads["L3_one_day"]["median_s"] if loads else None, "<=", 10),
        ("L: row groups of the play-by-play one day's load reads (most, per statement)",
         loads["L3_pbp_row_groups_scanned"] if loads else None, "<=", 2),
    ]  # fmt: skip
    out["targets"] = [
        {
            "target": name,
            "measured": value,
            "limit": f"{op} {limit}",
            "met": None if value is None else (value >= limit if op == ">=" else value <= limit),
        }
        for name, value, op, limit in out["targets"]
    ]
    return out


def markdown(fig: dict) -> str:
    m = fig["machine"]
    t = fig["timings"]
    lines = [
        f"Measured {m['measured_at']} on {m['cpu']} ({m['cores']} cores, {m['memory_gib']} GiB), "
        f"Python {m['python']}, DuckDB {m['duckdb']}, Airflow {m['airflow']}; range "
        f"{fig['range']['start']} .. {fig['range']['end']} ({fig['data']['calendar_days']} days, "
        f"{fig['data']['game_days']} game days, {fig['data']['rows']['bigdataball_play_by_play']:,} "
        "play-by-play rows). Medians of repeated runs, [min .. max].",
        "",
        "| target | measured | limit | met |",
        "|---|---|---|---|",
    ]
    for row in fig["targets"]:
        met = {True: "yes", False: "**no**", None: "not run"}[row["met"]]
        lines.append(f"| {row['target']} | {row['measured']} | {row['limit']} | {met} |")
    lines += [
        "",
        "| timing | what it contains | median s | spread s | runs |",
        "|---|---|---|---|---|",
    ]
    for name, value in t.items():
        if value:
            lines.append(
                f"| {name} | {LABELS.get(name, '')} | {value['median_s']} | {value['min_s']} .. "
                f"{value['max_s']} | {value['runs']} |"
            )
    r, a, th, j = fig["ratios"], fig["airflow"], fig["throughput"], fig["jobs"]
    lines.append("")
    if r["A_over_B"]:
        lines.append(
            f"- A/B = {r['A_over_B']}: the whole old per-day pattern (A sent {j['A_queries']} "
            f"queries and {j['A_row_statements']} row statements; B is {j['B_statements']} "
            f"statement). Of A, the per-day queries into pandas (A1) are {r['A1_over_B']}x B "
            f"and the row-by-row writes (A2) {r['A2_over_B']}x B."
        )
    heavy = fig.get("A0_heavy_query_sampled")
    if heavy:
        samples = ", ".join(f"day {x['position'] + 1}: {x['median_s']} s" for x in heavy["samples"])
        lines.append(
            f"- A0, the old processor's query per day over all play-by-play so far (sampled: "
            f"{samples}), projected over the {heavy['days']} days: {heavy['projected_total_s']} s "
            f"= {r['A0_projected_over_B']}x B. (The old system's own figure, 6,000-10,000 s a "
            "day, was reported on its production data, not measured here.)"
        )
    lines += [
        f"- B/C: B's query {r['B_query_over_group_by_floor']}x its GROUP BY floor (which skips "
        "the de-duplication of every event, the roster and the zones); B's MERGE into NULL "
        f"zones {r['B_merge_over_insert_floor']}x an INSERT of the same rows into an empty table",
        f"- D/E = {r['D_over_E']} with dag.test()"
        + (f", {r['D_scheduler_over_E']} with the scheduler" if r["D_scheduler_over_E"] else ""),
        f"- Pass 1 per-day SQL: median of the last 100 days / first 100 = "
        f"{r['per_day_last100_over_first100_sql']} (slope "
        f"{fig['per_day']['sql']['slope_ms_per_100_days']} ms per 100 days); task duration "
        f"{r['per_day_last100_over_first100_task']}",
        f"- Airflow cost per mapped day above its SQL: {a['overhead_per_mapped_day_s'] * 1000:.0f} ms "
        f"(dag.test wall minus SQL, per day); task duration minus SQL: "
        f"{a['task_duration_minus_sql_median_s'] * 1000:.0f} ms",
        f"- Throughput, both passes: {th['calendar_days_per_hour_dag_test']:,} days/hour with "
        "dag.test()"
        + (
            f", {th['calendar_days_per_hour_scheduler']:,} days/hour with the scheduler"
            if th["calendar_days_per_hour_scheduler"]
            else ""
        ),
        "- B scaling (re-runs over rows that already hold the same values): "
        + ", ".join(f"{k} of the range {v['median_s']} s" for k, v in fig["scaling_B"].items()),
        f"- Staleness: the statement every run plans with takes {r['F_staleness_over_B']}x Pass 2's "
        f"statement over the same range ({t['F_staleness_statement']['median_s']} s for "
        f"{t['F_staleness_statement'].get('days')} days); the output table's own check, all "
        f"history: {t['F_pass2_pending']['median_s']} s",
    ]
    g = fig.get("backfill_paths")
    if g:
        p, b, f = g["params_path"], g["backfill"], g["noop_floor"]
        lines.append(
            f"- G, `airflow backfill create` over the range: {b['runs']} runs (one per day), "
            f"Pass 1's done after {b['pass1_runs_done_s']} s, nothing stale after "
            f"{b['seconds']} s = {r['G_backfill_over_D_params'] or '-'}x one run with params "
            f"({p['seconds'] or 'not run'} s) and {r['G_backfill_over_noop']}x the no-op floor "
            f"({f['seconds']} s for {f['runs']} runs); Pass 2 ran {b['pass2_runs']} times "
            f"(params path: {_n(p['pass2_runs'])}); task processes: backfill "
            f"{_n(b['task_processes'])}, no-op floor {_n(f['task_processes'])}, params path "
            f"{_n(p['task_processes'])}; table identical to the params path's: "
            f"{'yes' if g['table_matches_params_path'] else 'NO'}"
        )
    lo = fig.get("loads")
    if lo:
        lines.append(
            f"- L, `cli load`: one season ({lo['season'][0]} .. {lo['season'][1]}, "
            f"{lo['season_rows']:,} rows in 4 CSV files) into empty tables at "
            f"{lo['L1_rows_per_s']:,} rows/s, the same files again at {lo['L2_rows_per_s']:,} "
            f"rows/s ({lo['L2_over_L1']}x the first load); one day ({lo['day']}, "
            f"{lo['day_rows']:,} rows) into the seed range in {lo['L3_one_day']['median_s']} s, "
            f"each statement reading at most {lo['L3_pbp_row_groups_scanned']} of the "
            f"{lo['L3_pbp_row_groups_total']} row groups of the play-by-play (DuckDB's profiler)"
        )
    n = fig.get("nightly_with_stale_days")
    if n:
        lines.append(
            f"- Nightly runs with {len(n['stale_days'])} re-delivered days: Pass 1 loaded "
            f"{n['pass1_days']} days (the night's and the {len(n['stale_days'])} stale ones) in "
            f"{n['pass1_s']} s through dag.test(), Pass 2 merged {n['pass2_windows']} windows in "
            f"{n['pass2_s']} s"
        )
    return "\n".join(lines) + "\n"


def plot(fig: dict, series: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(2, 2, figsize=(13, 8.5))
    pos = [r["position"] for r in series]
    for ax, key, title in (
        (axes[0][0], "sql_s", "Pass 1: SQL time per day vs position in the backfill"),
        (axes[0][1], "task_s", "Pass 1: load_day task duration vs position"),
    ):
        values = [r[key] * 1000 for r in series]
        ax.scatter(pos, values, s=6, alpha=0.5)
        window = 25
        rolling = [
            sorted(values[max(0, i - window) : i + window + 1])[
                len(values[max(0, i - window) : i + window + 1]) // 2
            ]
            for i in range(len(values))
        ]
        ax.plot(pos, rolling, color="C3", label="rolling median (51 days)")
        ax.set_xlabel("position in the backfill (game days, execution order)")
        ax.set_ylabel("ms")
        ax.set_title(title)
        ax.set_ylim(bottom=0)
        ax.legend()
    t = fig["timings"]
    names = [
        ("A old per-day", "A_old_pattern"),
        ("A1 its queries", "A1_per_day_queries"),
        ("A2 its row writes", "A2_row_by_row_writes"),
        ("B Pass 2", "B_pass2_statement"),
        ("B query", "B_pass2_query"),
        ("C GROUP BY floor", "C_group_by_floor"),
        ("B MERGE", "B_pass2_merge"),
        ("C INSERT floor", "C_insert_floor"),
    ]
    present = [(label, t[key]) for label, key in names if t.get(key)]
    ax = axes[1][0]
    ax.barh([p[0] for p in present], [p[1]["median_s"] for p in present], color="C0")
    ax.set_xscale("log")
    ax.set_xlabel("seconds (log), median")
    ax.set_title("Shot zones for the whole range")
    ax.invert_yaxis()
    ax = axes[1][1]
    fractions = [float(k) for k in fig["scaling_B"]]
    seconds = [v["median_s"] for v in fig["scaling_B"].values()]
    ax.plot(fractions, seconds, marker="o", label="B (Pass 2 statement)")
    ax.plot(
        fractions,
        [seconds[-1] * f for f in fractions],
        linestyle="--",
        color="grey",
        label="linear",
    )
    ax.set_xlabel("fraction of the range")
    ax.set_ylabel("seconds, median")
    ax.set_title("Pass 2 scaling")
    ax.legend()
    figure.suptitle(
        f"Seed-scale backfill {fig['range']['start']} .. {fig['range']['end']} on "
        f"{fig['machine']['cores']} cores ({fig['machine']['measured_at']})"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write(fig: dict, series: list[dict], out: Path, *, update_readme: bool, readme: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(
        json.dumps({**fig, "per_day_series": series}, indent=2, default=str) + "\n"
    )
    text = markdown(fig)
    (out / "bench.md").write_text("# Benchmark results\n\n" + text)
    plot(fig, series, out / "bench.png")
    print()
    print(text)
    print(f"wrote {out / 'bench.json'}, {out / 'bench.md'}, {out / 'bench.png'}")
    if update_readme and readme.exists():
        content = readme.read_text()
        block = f"{README_START}\n{text}\n![benchmark plots](bench/results/bench.png)\n{README_END}"
        if README_START in content:
            content = re.sub(
                re.escape(README_START) + ".*?" + re.escape(README_END),
                lambda _: block,
                content,
                flags=re.S,
            )
        else:
            content += f"\n## Benchmark\n\n`make bench` (see bench/run.py) printed:\n\n{block}\n"
        readme.write_text(content)
        print(f"updated the benchmark block of {readme}")
