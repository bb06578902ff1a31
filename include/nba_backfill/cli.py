"""Command line of the project: `python -m nba_backfill.cli <command>` (see --help).

Run it with the README's environment (`source scripts/env.sh`): the warehouse is the one
behind the Airflow connection NBA_WAREHOUSE_CONN_ID, Airflow is the project-local one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

from nba_backfill.config import settings


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _warehouse():
    from nba_backfill.warehouse import get_warehouse

    return get_warehouse()


def _local_duckdb():
    from nba_backfill.warehouse.duckdb_backend import DuckDBWarehouse

    warehouse = _warehouse()
    if not isinstance(warehouse, DuckDBWarehouse):
        sys.exit(
            f"this command builds the embedded warehouse, but connection "
            f"{settings().warehouse_conn_id!r} is {warehouse!r}; point NBA_WAREHOUSE_CONN_ID "
            "at a duckdb connection"
        )
    return warehouse


def season_chunks(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """[start, end] cut at July 1 (between seasons), in order."""
    chunks, first = [], start
    while first <= end:
        cut = dt.date(first.year if first.month < 7 else first.year + 1, 7, 1)
        last = min(end, cut - dt.timedelta(days=1))
        chunks.append((first, last))
        first = last + dt.timedelta(days=1)
    return chunks


def build_demo_warehouse(
    start: dt.date, end: dt.date, seed: int, fresh: bool = False, out=None
) -> dict:
    """(Re)build the local DuckDB warehouse's raw tables with seeded demo data for the range.

    The output table is kept (its rows become stale where the new raw rows say so, and the
    next runs take those days); `fresh` deletes the whole warehouse file first. Either way
    the result says how many output rows were kept or removed. The range is generated and
    loaded a season at a time (between July 1 and June 30: a season's data is the same
    whatever range it is generated in), so that any span fits in memory; `out` gets a line
    per season."""
    import pyarrow as pa

    from nba_backfill import demo

    warehouse = _local_duckdb()
    output_rows = _output_rows(warehouse)
    if fresh and warehouse.path.exists():
        warehouse.path.unlink()
        Path(f"{warehouse.path}.wal").unlink(missing_ok=True)
    warehouse.apply_schema()
    started = time.perf_counter()
    generated = 0.0
    rows: dict[str, int] = dict.fromkeys(demo.TABLE_NAMES, 0)
    stats: dict[str, int] = {}
    aliases: dict[tuple, dict] = {}
    warehouse.empty_raw_tables([*demo.TABLE_NAMES, "player_aliases"])  # the new range only
    for first, last in season_chunks(start, end):
        began = time.perf_counter()
        data = demo.generate(first, last, seed=seed)
        generated += time.perf_counter() - began
        for name in demo.TABLE_NAMES:
            rows[name] += warehouse.load_arrow(name, data.tables[name], replace_dates=False)
        for row in data.tables["player_aliases"].to_pylist():  # (a season spans two chunks)
            aliases.setdefault((row["source"], row["alias"], row["first_season"]), row)
        for key, value in data.stats.items():
            stats[key] = stats.get(key, 0) + value
        if out is not None:
            out(
                f"{first} .. {last}: {data.stats['games_final']:,} games, "
                f"{data.tables['bigdataball_play_by_play'].num_rows:,} play-by-play rows "
                f"({time.perf_counter() - began:.1f} s)"
            )
    alias_rows = list(aliases.values())
    rows["player_aliases"] = warehouse.load_arrow(
        "player_aliases",
        pa.table(
            {name: pa.array([r[name] for r in alias_rows], t) for name, t in demo.ALIAS_COLUMNS}
        ),
    )
    stats["aliases"] = rows["player_aliases"]
    warehouse.checkpoint()
    return {
        "path": str(warehouse.path),
        "rows": rows,
        "output_rows_removed" if fresh else "output_rows_kept": output_rows,
        "generate_s": generated,
        "total_s": time.perf_counter() - started,
        "stats": stats,
        "bytes": warehouse.path.stat().st_size,
    }


def _output_rows(warehouse) -> int:
    """Rows of the output table in the warehouse file (0 when there is none yet)."""
    if not warehouse.path.exists():
        return 0
    con = warehouse.connect()
    try:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'nba_analytics' and table_name = 'player_game_summary'"
        ).fetchone()[0]
        if not found:
            return 0
        return con.execute("select count(*) from nba_analytics.player_game_summary").fetchone()[0]
    finally:
        con.close()


def cmd_build_demo(args) -> int:
    from nba_backfill.loading import qualified

    print(f"Building {_local_duckdb().path} with demo data {args.start} .. {args.end}")
    out = build_demo_warehouse(
        args.start, args.end, args.seed, fresh=args.fresh, out=lambda line: print(f"  {line}")
    )
    print(f"Built {out['path']} with demo data {args.start} .. {args.end} (seed {args.seed}):")
    for name, count in out["rows"].items():
        table = qualified(name)
        print(f"  {table:<42} {count:>10,} rows (the table's earlier rows replaced)")
    print(
        f"  generated in {out['generate_s']:.1f} s, loaded in {out['total_s']:.1f} s total; "
        f"the file is {out['bytes'] / 1024**2:,.0f} MiB"
    )
    if args.fresh:
        print(
            f"  --fresh: the warehouse file was deleted first, with "
            f"{out['output_rows_removed']:,} rows of nba_analytics.player_game_summary"
        )
    else:
        print(
            f"  nba_analytics.player_game_summary kept ({out['output_rows_kept']:,} rows); days "
            "whose raw rows changed are stale for the next runs (`cli status`); `make warehouse "
            "FRESH=1` (--fresh) starts from an empty warehouse instead"
        )
    return 0


def cmd_apply_schema(args) -> int:
    warehouse = _warehouse()
    if args.check:
        return check_schema(warehouse)
    names = warehouse.apply_schema()
    print("applied: " + ", ".join(names))
    return check_schema(warehouse, quiet_when_served=True)


def check_schema(warehouse, *, quiet_when_served: bool = False) -> int:
    """`apply-schema --check`: the output table against what the passes need; changes
    nothing. Exit 0 when the passes can run against it, 1 with what to change."""
    from nba_backfill import target
    from nba_backfill.sql import SCHEDULE_VIEW

    ids = warehouse.identifiers
    shape = target.read_shape(warehouse)
    name = f"{ids.analytics_dataset}.{target.TABLE}"
    if shape is None:
        print(f"{name}: no such table; `apply-schema` creates it (this package's shape)")
        return 1
    problems = shape.problems()
    if problems or not quiet_when_served:
        print(f"{name} ({len(shape.columns)} columns) in {warehouse!r}")
        if ids.schedule_shape != "native":
            print(
                f"  schedule: {ids.raw_dataset}.nbac_schedule in the {ids.schedule_shape!r} "
                f"shape, read through {ids.reference_dataset}.{SCHEDULE_VIEW}"
            )
        written = shape.extra_written
        if written:
            print("  Pass 1 also writes " + ", ".join(written) + " (from the box score)")
        for column, scale in shape.numeric:
            how = "cast" if scale < 0 else f"rounded to {scale} place(s) and cast"
            print(f"  {column}: NUMERIC here, our FLOAT64 value {how}")
        if shape.pass2_blocked_by:
            print(
                "  REQUIRED column(s) " + ", ".join(shape.pass2_blocked_by) + ": Pass 2 never "
                "inserts a row of its own (Pass 1 writes each row first)"
            )
        ours = {n for n, _ in target.needed()} | set(written)
        foreign = sum(1 for c in shape.columns if c.name not in ours)
        if foreign:
            print(
                f"  {foreign} column(s) of another writer: never written; its rows (neither "
                "pass1_processed_at nor shot_zones_processed_at set) are never deleted"
            )
    raw = target.raw_problems(warehouse)
    for problem in raw:
        print(f"  RAW: {problem}")
    if not problems:
        print(f"  {name} serves both passes as it is")
        return 1 if raw else 0
    for problem in problems:
        print(f"  CANNOT SERVE: {problem}")
    script = shape.alter_script(ids.template_vars["analytics"] + f".{target.TABLE}")
    if script:
        print("  Add the missing columns (nullable: no other reader of the table notices):")
        print("\n".join(f"    {line}" for line in script.splitlines()))
    print("  The passes refuse to run against this table until it is changed.")
    return 1


def cmd_load(args) -> int:
    """Load DIR's raw-table files (csv, csv.gz, parquet) into the warehouse."""
    from nba_backfill.loading import LoadError, load_directory

    warehouse = _warehouse()
    directory = Path(args.directory)
    how = "whole game dates (--replace-dates)" if args.replace_dates else "by game"
    print(f"Loading {directory} into {warehouse!r}, replacing {how}")
    started = time.perf_counter()
    try:
        loads = load_directory(
            warehouse,
            directory,
            replace_dates=args.replace_dates,
            warn=lambda line: print(line, file=sys.stderr),
        )
    except LoadError as error:
        print(f"load failed: {error}", file=sys.stderr)
        return 2
    print(
        f"{sum(x.rows for x in loads):,} rows into {len(loads)} table(s) in "
        f"{time.perf_counter() - started:.1f} s; the passes take the days as stale "
        "(python -m nba_backfill.cli status --start ... --end ...)"
    )
    return 0


def cmd_accept_fallback(args) -> int:
    """Delete the rows of games Pass 1 loaded from the gamebook whose gamebook rows are
    gone, so that its next run loads them from balldontlie (and Pass 2 again)."""
    from nba_backfill.days import DayRange

    warehouse = _warehouse()
    games = {}
    for game_id in args.game_id:
        try:
            games[game_id] = dt.datetime.strptime(game_id.split("_")[0], "%Y%m%d").date()
        except ValueError:
            print(f"--game-id {game_id!r} is not YYYYMMDD_AWAY_HOME", file=sys.stderr)
            return 2
    held = {
        r["game_id"]: r
        for day in sorted(set(games.values()))
        for r in warehouse.run("audit/gamebook_vanished", {"start_date": day, "end_date": day}).rows
    }
    refused = [g for g in games if g not in held]
    if refused:
        print(
            f"not accepted: {', '.join(refused)}: not a Final game loaded from the gamebook whose "
            "gamebook rows are gone (cli status, or Pass 1's audit, names those); nothing deleted",
            file=sys.stderr,
        )
        return 2
    result = warehouse.run(
        "pass1/accept_fallback",
        {"dates": sorted(set(games.values())), "game_ids": sorted(games)},
        labels={"step": "accept_fallback"},
    )
    for game_id, row in sorted(held.items()):
        print(
            f"  {row['game_date']} {game_id}: its {row['gamebook_rows_loaded']} row(s) deleted; "
            f"the next Pass 1 run loads its {row['bdl_rows']} balldontlie row(s)"
        )
    ranges = [DayRange(d, d, "accepted") for d in sorted(set(games.values()))]
    print(
        f"{result.affected_rows} row(s) deleted; the day(s) are stale for both passes "
        f"({', '.join(str(r.start) for r in ranges)})"
    )
    return 0


def ensure_pool(name: str, slots: int, description: str) -> None:
    """Create or resize the Airflow pool that bounds concurrent warehouse writes.

    Deferred tasks keep their slot (`include_deferred`): on BigQuery a MERGE runs while its
    task is deferred, and the pool must still bound the MERGEs running at once."""
    from airflow.models.pool import Pool

    Pool.create_or_update_pool(
        name=name, slots=slots, description=description, include_deferred=True
    )


def cmd_ensure_pool(args) -> int:
    cfg = settings()
    ensure_pool(
        cfg.write_pool,
        cfg.write_pool_slots,
        "Concurrent writes to nba_analytics.player_game_summary (BigQuery: 2 mutating DML "
        "statements per table at once)",
    )
    return 0


def _print_run(label: str, outcome) -> None:
    print(f"  {label:<21} {outcome.state} in {outcome.seconds:.1f} s ({outcome.run_id})")


def print_summary(start: dt.date, end: dt.date, pass1_run=None, pass2_run=None) -> bool:
    """What the table holds for the range, with the audits. True if every audit passed."""
    from nba_backfill import staleness
    from nba_backfill.audits import audit_pass1, audit_pass2
    from nba_backfill.checksum import table_checksum
    from nba_backfill.days import DayRange

    warehouse = _warehouse()
    day_range = DayRange(start, end, "summary")
    report1 = audit_pass1(warehouse, day_range, settings())
    report2 = audit_pass2(warehouse, day_range, settings())
    f, g = report1.figures, report2.figures
    print()
    print(f"Summary for {start} .. {end} ({warehouse!r})")
    if pass1_run is not None:
        _print_run("Pass 1 run", pass1_run)
        loads = pass1_run.xcoms.get("load_day") or []
        loads = [loads] if isinstance(loads, dict) else loads
        if loads:
            sql_s = sum(x["seconds"] for x in loads)
            print(
                f"  load_day tasks        {len(loads)} (rows merged "
                f"{sum(x['rows'] or 0 for x in loads):,}, SQL time {sql_s:.1f} s, "
                f"{sql_s / len(loads) * 1000:.0f} ms/day)"
            )
    if pass2_run is not None:
        _print_run("Pass 2 run", pass2_run)
        merges = pass2_run.xcoms.get("merge_shot_zones") or []
        for m in [merges] if isinstance(merges, dict) else merges:
            print(
                f"  merge_shot_zones      {m['start_date']} .. {m['end_date']}: {m['rows']:,} "
                f"rows merged by one statement in {m['seconds']:.2f} s"
            )
    print(f"  game days loaded      {f['game_days']}")
    print(f"  games                 {f['games']}")
    print(
        f"  rows written          {f['pass1_rows']:,} "
        f"(gamebook {f['gamebook_rows'] or 0:,}, balldontlie {f['bdl_rows'] or 0:,})"
    )
    share = f["null_minutes_share"]
    print(
        f"  NULL minutes share    {share:.1%}" if share is not None else "  NULL minutes share    -"
    )
    print(
        f"  shot-zone coverage    {g['rows_with_shot_zones']:,} of {g['rows_in_range']:,} rows; "
        f"{g['games_with_pbp']} games with play-by-play, {g['games_without_pbp']} without "
        "(NULL zones)"
    )
    for key, rule in (
        ("zones", "zones = FGA"),
        ("threes", "threes = 3PA"),
        ("makes", "ast + unast = FGM"),
    ):
        if f"{key}_match_rate" in g:
            print(
                f"  match {rule:<18}{g[f'{key}_match_rate']:.2%} of {g['compared_player_games']:,} active player-games"
            )
    print(f"  table checksum        {table_checksum(warehouse, start, end)}")
    statuses = staleness.day_statuses(warehouse, day_range)
    lines = staleness.summarize(statuses)
    print(f"  staleness             {lines[0]}; {lines[1]}")
    for line in lines[2:]:
        print(f"    {line}")
    print("  audits:")
    for line in f"{report1.describe()}\n{report2.describe()}".splitlines():
        print(f"    {line}")
    return report1.passed and report2.passed and len(lines) == 2


def cmd_demo(args) -> int:
    from nba_backfill.loading import qualified
    from nba_backfill.local.runner import PASS1_DAG_ID, PASS2_DAG_ID, run_dag
    from nba_backfill.progress import ProgressPrinter, runs_queued_since

    started = time.perf_counter()
    print(f"[1/3] Building a fresh local warehouse with demo data {args.start} .. {args.end}")
    built = build_demo_warehouse(args.start, args.end, args.seed, fresh=True)
    if built["output_rows_removed"]:
        print(
            f"      (the previous warehouse file was replaced, with its "
            f"{built['output_rows_removed']:,} rows of nba_analytics.player_game_summary)"
        )
    for name, count in built["rows"].items():
        print(f"      {qualified(name):<42} {count:>8,} rows")
    stats = built["stats"]
    print(
        f"      players spelled apart: {stats['player_games_accented']:,} player-games with "
        f"accents in the gamebook only ({stats['player_games_transliterated']:,} with ı or ø), "
        f"{stats['player_games_suffix_apart']:,} with a suffix in one source only, "
        f"{stats['player_games_aliased']:,} by nickname, middle name or surname "
        f"(resolved by the demo's {stats['aliases']} aliases in nba_reference.player_aliases)"
    )
    print(f"      done in {built['total_s']:.1f} s")
    params = {"start_date": args.start.isoformat(), "end_date": args.end.isoformat()}
    print(f"[2/3] Pass 1 through Airflow ({PASS1_DAG_ID}, dag.test)")
    since = dt.datetime.now(dt.UTC)
    runs = runs_queued_since(PASS1_DAG_ID, since)
    with ProgressPrinter("Pass 1", PASS1_DAG_ID, runs, every=3):
        outcome = run_dag(PASS1_DAG_ID, params, xcom_tasks=("load_day",))
    print(f"      {outcome.state} in {outcome.seconds:.1f} s")
    # dag.test() runs one DAG; the scheduler would start Pass 2 from Pass 1's asset event
    # with the same range, which is what this does explicitly.
    print(f"[3/3] Pass 2 through Airflow ({PASS2_DAG_ID}, dag.test)")
    outcome2 = run_dag(PASS2_DAG_ID, params, xcom_tasks=("merge_shot_zones",))
    print(f"      {outcome2.state} in {outcome2.seconds:.1f} s")
    passed = print_summary(args.start, args.end, outcome, outcome2)
    print(f"\nmake demo finished in {time.perf_counter() - started:.1f} s")
    return 0 if outcome.ok and outcome2.ok and passed else 1


def cmd_progress(args) -> int:
    from nba_backfill.progress import watch_backfill

    return watch_backfill(args.dag_id, every=args.every)


def cmd_summary(args) -> int:
    return 0 if print_summary(args.start, args.end) else 1


def cmd_status(args) -> int:
    """Per pass: days complete, stale and missing; then each day that is not complete."""
    from nba_backfill import staleness
    from nba_backfill.days import DayRange

    warehouse = _warehouse()
    statuses = staleness.day_statuses(warehouse, DayRange(args.start, args.end, "status"))
    print(f"Status of {args.start} .. {args.end} ({warehouse!r})")
    for line in staleness.summarize(statuses):
        print(f"  {line}")
    return 0 if not any(s.pass1 in staleness.NOT_DONE or s.pass2 in staleness.NOT_DONE
                        for s in statuses) else 1  # fmt: skip


def cmd_settle_orphans(args) -> int:
    from nba_backfill.local.runner import PASS1_DAG_ID, PASS2_DAG_ID, settle_orphans

    settled = settle_orphans((PASS1_DAG_ID, PASS2_DAG_ID))
    for run in settled:
        print(f"  marked failed: {run}")
    print(f"{len(settled)} orphaned dag.test() run(s) settled")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nba_backfill.cli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def ranged(name: str, help_: str, default_start="2021-10-19", default_end="2021-11-18"):
        p = sub.add_parser(name, help=help_)
        p.add_argument("--start", type=_date, default=_date(default_start))
        p.add_argument("--end", type=_date, default=_date(default_end))
        return p

    p = ranged(
        "build-demo",
        "(re)build the local warehouse's raw tables with seeded demo data (the output table is "
        "kept unless --fresh)",
    )
    p.add_argument(
        "--fresh",
        action="store_true",
        help="delete the warehouse file first, output table included (says how many rows)",
    )
    p.add_argument("--seed", type=int, default=20211019)
    p.set_defaults(func=cmd_build_demo)
    p = ranged("demo", "build demo data, run both passes through Airflow, print a summary")
    p.add_argument("--seed", type=int, default=20211019)
    p.set_defaults(func=cmd_demo)
    ranged("summary", "print what the table holds for a range, with audits").set_defaults(
        func=cmd_summary
    )
    ranged(
        "status",
        "per pass, the days complete, stale and missing in a range, and why each is not "
        "complete (exit 1 if any)",
    ).set_defaults(func=cmd_status)
    sub.add_parser(
        "settle-orphans",
        help="mark failed the dag.test() runs (make demo, tests) a killed process left "
        "running, which hold the write pool's slots",
    ).set_defaults(func=cmd_settle_orphans)
    p = sub.add_parser(
        "progress",
        help="follow the newest `airflow backfill create` of a DAG: days done of total, "
        "elapsed, time left (until it completes)",
    )
    p.add_argument("--dag-id", default="nba_pass1_box_scores")
    p.add_argument("--every", type=float, default=10.0, help="seconds between lines")
    p.set_defaults(func=cmd_progress)
    p = sub.add_parser(
        "apply-schema",
        help="create datasets and tables if missing (and the schedule view of "
        "NBA_SCHEDULE_SHAPE); --check: compare the output table with what the passes "
        "need and print the ALTER TABLE script that adds what is missing, changing nothing",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="change nothing: say whether the passes can run against the output table, "
        "what they write besides their columns, and what to add (exit 1 if they cannot)",
    )
    p.set_defaults(func=cmd_apply_schema)
    p = sub.add_parser(
        "load",
        help="load DIR's files (<table>.csv, .csv.gz or .parquet, the layout of "
        "docs/data-contract.md): each raw file replaces the rows of the games it holds; "
        "player_aliases.csv replaces the aliases in force",
        description="Load every <raw table>.csv, .csv.gz or .parquet of DIR, and "
        "player_aliases.csv, into the warehouse of the nba_warehouse connection. Columns and "
        "values are checked against the tables' DDL (and the aliases by the rules the passes "
        "apply them by) before anything is written. Feeds deliver by game: each raw file "
        "replaces the rows of the (game_date, game_id) pairs it holds and nothing else; "
        "player_aliases.csv is the whole table of aliases in force (rows it no longer has "
        "are retired). All files are written in one transaction; loading the same files "
        "again changes nothing. The output lists, per table, the games replaced and added. "
        "See docs/data-contract.md for each table's columns.",
    )
    p.add_argument("directory", help="folder with the files, named after their tables")
    p.add_argument(
        "--replace-dates",
        action="store_true",
        help="replace every row of the files' game dates, removing the games of those dates "
        "a file does not hold (listed; a Final game left without gamebook rows is named as a "
        "WARNING)",
    )
    p.set_defaults(func=cmd_load)
    p = sub.add_parser(
        "accept-fallback",
        help="for games Pass 1 loaded from the gamebook whose gamebook rows are gone: delete "
        "their rows so that the next Pass 1 run loads them from balldontlie",
    )
    p.add_argument("--game-id", action="append", required=True, help="YYYYMMDD_AWAY_HOME")
    p.set_defaults(func=cmd_accept_fallback)
    sub.add_parser("ensure-pool", help="create/resize the write pool").set_defaults(
        func=cmd_ensure_pool
    )
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    sys.exit(main())
