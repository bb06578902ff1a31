"""What the benchmark times. Each function does one measured thing, on one connection
where the comparison needs it, and returns seconds (and what it counted)."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench import sqlvariants
from nba_backfill.demo import SHOT_ZONE_COLUMNS
from nba_backfill.sql import Identifiers, compile_duckdb


@dataclass
class Timing:
    """Repeated measurements of one thing: median, spread and what each run counted."""

    name: str
    seconds: list[float] = field(default_factory=list)
    counted: dict = field(default_factory=dict)
    runs: list[dict] = field(default_factory=list)  # what each run counted

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def as_dict(self) -> dict:
        return {
            "median_s": round(self.median, 4),
            "min_s": round(min(self.seconds), 4),
            "max_s": round(max(self.seconds), 4),
            "runs": len(self.seconds),
            "all_s": [round(s, 4) for s in self.seconds],
            **self.counted,
        }


def repeat(name: str, runs: int, fn: Callable[[], dict | None], before=None) -> Timing:
    timing = Timing(name)
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        counted = fn()
        timing.seconds.append(time.perf_counter() - started)
        if counted:
            timing.counted = counted
            timing.runs.append(counted)
    print(
        f"  {name:<44} median {timing.median:8.3f} s  "
        f"[{min(timing.seconds):.3f} .. {max(timing.seconds):.3f}] x{runs}",
        flush=True,
    )
    return timing


def bounds(start: dt.date, end: dt.date) -> dict:
    return {"start_date": start, "end_date": end}


# -- A: the old pattern --------------------------------------------------------------


def _row_writer(con):
    """Write one player-game's shot zones from Python, as the old processor did: an UPDATE
    of the row, or an INSERT where the row is missing. Returns the statements sent."""
    import pandas as pd

    assignments = ", ".join(f"{c} = ?" for c in SHOT_ZONE_COLUMNS)
    update = (
        f"update nba_analytics.player_game_summary set {assignments}, "  # noqa: S608
        "shot_zones_processed_at = now() where game_id = ? and player_lookup = ?"
    )
    insert = (
        "insert into nba_analytics.player_game_summary (game_id, game_date, player_lookup, "  # noqa: S608
        f"{', '.join(SHOT_ZONE_COLUMNS)}, shot_zones_processed_at) values "
        f"(?, ?, ?, {', '.join('?' for _ in SHOT_ZONE_COLUMNS)}, now())"
    )

    def write(row) -> int:
        values = [
            None if pd.isna(v) else int(v) for v in (getattr(row, c) for c in SHOT_ZONE_COLUMNS)
        ]
        if con.execute(update, [*values, row.game_id, row.player_lookup]).fetchone()[0]:
            return 1
        game_date = pd.Timestamp(row.game_date).date()
        con.execute(insert, [row.game_id, game_date, row.player_lookup, *values])
        return 2

    return write


def old_pattern(con, days: list[dt.date]) -> dict:
    """Per game day: the shot-zone query of that one day (today's Pass 2 query, narrowed
    to the day), pulled into pandas, then merged into the table row by row from Python
    (UPDATE, or INSERT where the row is missing), as the old processor did. Its two parts
    are timed apart: the per-day queries into pandas, and the row-by-row writes."""
    query = sqlvariants.pass2_source_query()
    write = _row_writer(con)
    queries = statements = 0
    query_s = write_s = 0.0
    for day in days:
        started = time.perf_counter()
        frame = con.execute(query, bounds(day, day)).fetchdf()
        query_s += time.perf_counter() - started
        queries += 1
        started = time.perf_counter()
        for row in frame.itertuples(index=False):
            statements += write(row)
        write_s += time.perf_counter() - started
    return {
        "queries": queries,
        "row_statements": statements,
        "queries_into_pandas_s": round(query_s, 4),
        "row_by_row_writes_s": round(write_s, 4),
    }


def old_heavy_query(con, first: dt.date, day: dt.date) -> dict:
    """The old processor's query of one day as the design notes describe it: the shot-zone
    query over the WHOLE play-by-play table so far (here from the first day of the range to
    `day`), pulled into pandas, the day's rows kept there. Its cost grows with history."""
    frame = con.execute(sqlvariants.pass2_source_query(), bounds(first, day)).fetchdf()
    kept = frame[frame["game_date"] == day]
    return {"rows_pulled": len(frame), "rows_kept": len(kept)}


# -- B: Pass 2 as shipped, and its parts ---------------------------------------------------


def pass2_statement(con, start: dt.date, end: dt.date) -> dict:
    compiled = compile_duckdb("pass2/merge_shot_zones", Identifiers())
    rows = con.execute(compiled.text, bounds(start, end)).fetchone()[0]
    return {"rows_merged": rows, "statements": 1}


def pass2_query_only(con, start: dt.date, end: dt.date) -> dict:
    """B's query, materialised (so that every column is computed), no write to the table."""
    con.execute(
        f"create or replace temp table bench_source as {sqlvariants.pass2_source_query()}",
        bounds(start, end),
    )
    return {"rows": con.execute("select count(*) from bench_source").fetchone()[0]}


def null_shot_zones(con) -> None:
    """The table as before Pass 2's first run: Pass 1's rows, their shot zones NULL."""
    assignments = ", ".join(f"{c} = null" for c in SHOT_ZONE_COLUMNS)
    con.execute(
        f"update nba_analytics.player_game_summary set {assignments}, "  # noqa: S608
        "shot_zones_processed_at = null"
    )
    con.execute("checkpoint")


def pass2_merge_only(con, start: dt.date, end: dt.date) -> dict:
    """B's MERGE, from the materialised source of pass2_query_only."""
    rows = con.execute(sqlvariants.pass2_merge_from("bench_source"), bounds(start, end))
    return {"rows_merged": rows.fetchone()[0]}


# -- C: the floors for B -------------------------------------------------------------------


def group_by_floor(con, start: dt.date, end: dt.date) -> dict:
    """The least work that yields per-player shot counts: one GROUP BY per player-game over
    the range's shot rows, no de-duplication, no joins. Materialised like B's query, so that
    both are measured the same way."""
    con.execute(
        "create or replace temp table bench_floor as "
        "select game_id, player_1_lookup, count(*) as shots, count_if(shot_made) as makes "
        "from nba_raw.bigdataball_play_by_play "
        "where game_date between $start_date and $end_date and event_type = 'shot' "
        "group by game_id, player_1_lookup",
        bounds(start, end),
    )
    return {"groups": con.execute("select count(*) from bench_floor").fetchone()[0]}


INSERT_FLOOR_TABLE = "nba_analytics.bench_insert_floor"


def reset_insert_floor(con) -> None:
    """An empty copy of the output table, in the same database file as the table."""
    con.execute(
        f"create or replace table {INSERT_FLOOR_TABLE} as "  # noqa: S608
        "select * from nba_analytics.player_game_summary limit 0"
    )


def insert_floor(con) -> dict:
    """A plain INSERT of as many rows as B merges into the empty copy of the table."""
    columns = ", ".join(["game_id", "game_date", "player_lookup", *SHOT_ZONE_COLUMNS])
    rows = con.execute(
        f"insert into {INSERT_FLOOR_TABLE} ({columns}, shot_zones_processed_at) "  # noqa: S608
        f"select {columns}, now() from bench_source"
    ).fetchone()[0]
    return {"rows": rows}


# -- E: Pass 1's floor ------------------------------------------------------------------------


def pass1_range_floor(con, start: dt.date, end: dt.date) -> dict:
    rows = con.execute(sqlvariants.pass1_range_statement(), bounds(start, end)).fetchone()[0]
    return {"rows_merged": rows}


def truncate_output(warehouse) -> None:
    con = warehouse.connect()
    try:
        con.execute("delete from nba_analytics.player_game_summary")
        con.execute("checkpoint")
    finally:
        con.close()


# -- F: staleness ---------------------------------------------------------------------------


def staleness_statement(con, start: dt.date, end: dt.date) -> dict:
    """include/sql/state/day_status.sql: what every run plans with."""
    compiled = compile_duckdb("state/day_status", Identifiers())
    rows = con.execute(compiled.text, bounds(start, end)).fetchall()
    return {"days": len(rows)}


def pending_statement(con, end: dt.date) -> dict:
    """include/sql/state/pass2_pending.sql: the output table's own staleness, all history."""
    compiled = compile_duckdb("state/pass2_pending", Identifiers())
    rows = con.execute(compiled.text, {"end_date": end}).fetchall()
    return {"days": len(rows)}


def redeliver(con, day: dt.date) -> None:
    """The feeds deliver again one gamebook row and one play-by-play event of `day`, with
    the same values and a processed_at of now (a correction that changes nothing): the
    day becomes stale for both passes, and its table rows stay what they were."""
    con.execute(
        "insert into nba_raw.nbac_gamebook_player_stats select * replace (now() as "
        "processed_at) from nba_raw.nbac_gamebook_player_stats where game_date = ? "
        "order by processed_at desc, game_id, player_lookup limit 1",
        [day],
    )
    con.execute(
        "insert into nba_raw.bigdataball_play_by_play select * replace (now() as processed_at) "
        "from nba_raw.bigdataball_play_by_play where game_date = ? "
        "order by processed_at desc, event_id limit 1",
        [day],
    )


def slope_figures(series: list[dict], key: str) -> dict:
    import statistics

    values = [r[key] for r in series]
    n = min(100, len(values) // 2)
    first, last = statistics.median(values[:n]), statistics.median(values[-n:])
    xs = list(range(len(values)))
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(values)
    var = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, values, strict=True)) / var
    return {
        "first_n": n,
        "median_first_s": round(first, 4),
        "median_last_s": round(last, 4),
        "last_over_first": round(last / first, 3),
        "slope_ms_per_100_days": round(slope * 100 * 1000, 3),
    }
