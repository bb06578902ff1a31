"""Deliveries by game: `cli load` replaces the rows of the (game_date, game_id) pairs a file
holds and nothing else; `--replace-dates` replaces whole dates and says which games that
removes; a reload reads and rewrites only its own partitions (DuckDB's own figures); the
player aliases file replaces the aliases in force. On the real DuckDB warehouse with demo
data (2021-10-20 has 13 games, as the real day had)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from nba_backfill import demo, pass1, staleness
from nba_backfill.days import DayRange
from nba_backfill.loading import LoadError, load_directory
from nba_backfill.warehouse import duckdb_warehouse

DAY = dt.date(2021, 10, 20)
NEXT = dt.date(2021, 10, 21)
GAME = "20211020_LAL_MIL"
TABLES = ("nbac_schedule", "nbac_gamebook_player_stats", "bdl_player_boxscores",
          "bigdataball_play_by_play")  # fmt: skip
TIMESTAMPS = ("pass1_processed_at", "shot_zones_processed_at")


@pytest.fixture(scope="module")
def data():
    return demo.generate(DAY, NEXT)


def raw_tables(data) -> dict[str, pa.Table]:
    return {name: data.tables[name] for name in TABLES}


def write_dir(path, tables: dict[str, pa.Table]):
    path.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        pq.write_table(table, path / f"{name}.parquet")
    return path


def rows_by_game(warehouse, table: str) -> dict[str, list[tuple]]:
    with warehouse.connect() as con:
        rows = con.execute(f"select * from nba_raw.{table} order by all").fetchall()  # noqa: S608
        names = [d[0] for d in con.description]
    out: dict[str, list[tuple]] = {}
    for row in rows:
        out.setdefault(row[names.index("game_id")], []).append(row)
    return out


def output_by_game(warehouse) -> dict[str, list[tuple]]:
    """The output table's rows per game, bookkeeping timestamps left out (every row of a
    day Pass 1 writes again gets its new pass1_processed_at)."""
    with warehouse.connect() as con:
        columns = [
            r[0]
            for r in con.execute("describe nba_analytics.player_game_summary").fetchall()
            if r[0] not in TIMESTAMPS
        ]
        rows = con.execute(
            f"select {', '.join(columns)} from nba_analytics.player_game_summary order by all"  # noqa: S608
        ).fetchall()
    out: dict[str, list[tuple]] = {}
    for row in rows:
        out.setdefault(row[columns.index("game_id")], []).append(row)
    return out


def one_game(table: pa.Table, game_id: str) -> pa.Table:
    return table.filter(pc.equal(table["game_id"], game_id))


def test_a_one_game_correction_leaves_the_other_games_of_its_date_as_they_were(
    warehouse, tmp_path, data
):
    load_directory(warehouse, write_dir(tmp_path / "all", raw_tables(data)), out=lambda _: None)
    for day in (DAY, NEXT):
        pass1.load_day(warehouse, day)
    raw_before = {t: rows_by_game(warehouse, t) for t in TABLES}
    output_before = output_by_game(warehouse)
    assert (
        sum(1 for g in raw_before["nbac_gamebook_player_stats"] if g.startswith("20211020")) == 13
    )

    # the correction: GAME's gamebook again, one player gone, another's points changed
    gamebook = one_game(data.tables["nbac_gamebook_player_stats"], GAME).to_pylist()
    gone, changed = gamebook[0]["player_name"], gamebook[1]["player_name"]
    corrected = [
        {**r, "points": 99, "processed_at": dt.datetime.now(dt.UTC)}
        if r["player_name"] == changed
        else {**r, "processed_at": dt.datetime.now(dt.UTC)}
        for r in gamebook[1:]
    ]
    fix = pa.Table.from_pylist(corrected, schema=data.tables["nbac_gamebook_player_stats"].schema)
    lines = []
    (load,) = load_directory(
        warehouse,
        write_dir(tmp_path / "fix", {"nbac_gamebook_player_stats": fix}),
        out=lines.append,
    )
    assert (load.games_replaced, load.games_added, load.games_removed) == (1, 0, [])
    assert lines[0].endswith("game dates 2021-10-20 .. 2021-10-20 (1): 1 game(s) replaced, 0 added")

    raw_after = {t: rows_by_game(warehouse, t) for t in TABLES}
    for table in TABLES:  # every other game of every table, byte for byte
        others = {g: r for g, r in raw_before[table].items() if g != GAME}
        assert {g: r for g, r in raw_after[table].items() if g != GAME} == others
    assert len(raw_after["nbac_gamebook_player_stats"][GAME]) == len(gamebook) - 1
    assert raw_after["bdl_player_boxscores"][GAME] == raw_before["bdl_player_boxscores"][GAME]

    # the day is stale for Pass 1, the next day is not; after it, only GAME changed
    status = {s.day: s.pass1 for s in staleness.day_statuses(warehouse, DayRange(DAY, NEXT, "t"))}
    assert status == {DAY: "stale", NEXT: "complete"}
    pass1.load_day(warehouse, DAY)
    output_after = output_by_game(warehouse)
    assert {g: r for g, r in output_after.items() if g != GAME} == {
        g: r for g, r in output_before.items() if g != GAME
    }
    keys = {row[3]: row for row in output_after[GAME]}  # player_lookup
    assert demo.lookup_of(gone) not in keys
    assert keys[demo.lookup_of(changed)][11] == 99  # points
    assert all(row[29] == "nbac_gamebook" for row in output_after[GAME])  # still the gamebook


def test_replace_dates_removes_exactly_the_games_it_names(warehouse, tmp_path, data):
    load_directory(warehouse, write_dir(tmp_path / "all", raw_tables(data)), out=lambda _: None)
    before = rows_by_game(warehouse, "nbac_gamebook_player_stats")
    fix = one_game(data.tables["nbac_gamebook_player_stats"], GAME)
    lines, warnings = [], []
    (load,) = load_directory(
        warehouse,
        write_dir(tmp_path / "fix", {"nbac_gamebook_player_stats": fix}),
        out=lines.append,
        warn=warnings.append,
        replace_dates=True,
    )
    others = sorted(g for g in before if g.startswith("20211020") and g != GAME)
    assert len(others) == 12
    assert [x.split()[1] for x in load.games_removed] == others
    assert load.final_games_left_without == [f"2021-10-20 {g}" for g in others]
    assert lines[0].endswith(
        "(1): 1 game(s) replaced, 0 added, 12 removed (--replace-dates: not in the file)"
    )
    assert lines[1].startswith("      removed: 2021-10-20 20211020_ATL_MIA (")
    (warning,) = warnings
    assert warning.startswith(
        "WARNING: --replace-dates left 12 Final game(s) of the schedule without any "
        "nbac_gamebook_player_stats row where they had some: 2021-10-20 20211020_ATL_MIA"
    )
    after = rows_by_game(warehouse, "nbac_gamebook_player_stats")
    assert sorted(after) == sorted([GAME] + [g for g in before if g.startswith("20211021")])
    assert {g: r for g, r in after.items() if g.startswith("20211021")} == {
        g: r for g, r in before.items() if g.startswith("20211021")
    }


def test_by_game_nothing_is_removed_and_no_warning(warehouse, tmp_path, data):
    load_directory(warehouse, write_dir(tmp_path / "all", raw_tables(data)), out=lambda _: None)
    fix = one_game(data.tables["nbac_gamebook_player_stats"], GAME)
    warnings = []
    (load,) = load_directory(
        warehouse,
        write_dir(tmp_path / "fix", {"nbac_gamebook_player_stats": fix}),
        out=lambda _: None,
        warn=warnings.append,
    )
    assert (load.games_removed, load.final_games_left_without, warnings) == ([], [], [])


def test_a_reload_reads_and_rewrites_only_its_own_partitions(tmp_path):
    """A one-day file into a play-by-play table of 1.2M rows over 600 dates: every statement
    of the load scans at most the row groups of that date (DuckDB's profiler: row groups
    scanned of those the table has), not the table."""
    warehouse = duckdb_warehouse(tmp_path / "big.duckdb")
    warehouse.apply_schema()
    with warehouse.connect() as con:
        con.execute(
            """
            insert into nba_raw.bigdataball_play_by_play (game_id, game_date, event_id,
                event_sequence, event_type, processed_at)
            select
                strftime(date '2015-10-01' + (i // 2000)::int, '%Y%m%d') || '_G' || (i // 500 % 4),
                date '2015-10-01' + (i // 2000)::int,
                'e' || i, i % 500, 'rebound', timestamp '2020-01-01'
            from range(1200000) as r(i)
            order by 2
            """
        )
    day = dt.date(2015, 10, 1) + dt.timedelta(days=300)
    game = f"{day:%Y%m%d}_G1"
    file_rows = pa.table({
        "game_id": [game] * 400, "game_date": [day] * 400,
        "event_id": [f"x{i}" for i in range(400)], "event_type": ["shot"] * 400,
    })  # fmt: skip
    folder = tmp_path / "day"
    folder.mkdir()
    pacsv.write_csv(file_rows, folder / "bigdataball_play_by_play.csv")
    profiled = duckdb_warehouse(tmp_path / "big.duckdb")
    profiled.profile = True
    (load,) = load_directory(profiled, folder, out=lambda _: None)
    assert (load.games_replaced, load.games_added) == (1, 0)
    names = [s.sql_name for s in load.statements]
    assert names == ["load/plan_games", "load/delete_games", "load/insert_staged"]
    scans = [
        scan
        for statement in load.statements
        for scan in statement.scans
        if scan.table == "nba_raw.bigdataball_play_by_play"
    ]
    assert len(scans) >= 2  # the plan and the delete read the table ...
    for scan in scans:  # ... each only the row groups of its date (1, or 2 at a boundary)
        assert scan.row_groups_total >= 9, scan
        assert scan.row_groups_scanned <= 2, scan
        assert scan.rows_scanned <= 2 * 122_880, scan
    assert load.statements[1].affected_rows == 500  # the game's rows, no other
    assert load.statements[2].affected_rows == 400
    with warehouse.connect() as con:
        counts = dict(con.execute(
            "select game_id, count(*) from nba_raw.bigdataball_play_by_play "
            "where game_date = ? group by 1", [day]
        ).fetchall())  # fmt: skip
    assert counts == {f"{day:%Y%m%d}_G0": 500, game: 400, f"{day:%Y%m%d}_G2": 500,
                      f"{day:%Y%m%d}_G3": 500}  # fmt: skip


def aliases_file(folder, rows: list[dict]):
    folder.mkdir(parents=True, exist_ok=True)
    columns = ["source", "alias", "team_abbr", "first_season", "last_season", "player_lookup",
               "note"]  # fmt: skip
    pacsv.write_csv(
        pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in columns}),
        folder / "player_aliases.csv",
    )
    return folder


def alias_table(warehouse) -> list[tuple]:
    with warehouse.connect() as con:
        return con.execute(
            "select source, alias, team_abbr, first_season, last_season, player_lookup, note, "
            "updated_at, retired_at from nba_reference.player_aliases order by all"
        ).fetchall()


MOE = {"source": "play_by_play", "alias": "Moe Harkless", "player_lookup": "mauriceharkless"}
NIC = {"source": "nbac_gamebook", "alias": "Nic Claxton", "team_abbr": "BKN",
       "first_season": "2021", "last_season": "2022", "player_lookup": "nicolasclaxton"}  # fmt: skip


def test_the_aliases_file_replaces_the_aliases_in_force(warehouse, tmp_path):
    lines = []
    (load,) = load_directory(warehouse, aliases_file(tmp_path / "a", [MOE, NIC]), out=lines.append)
    assert load.aliases == {"kept": 0, "added": 2, "retired": 0}
    assert lines[0].endswith("2 rows from player_aliases.csv: 2 alias(es) added, 0 retired, 0 kept")
    first = alias_table(warehouse)
    assert [r[:7] for r in first] == [
        ("nbac_gamebook", "Nic Claxton", "BKN", 2021, 2022, "nicolasclaxton", None),
        ("play_by_play", "Moe Harkless", None, None, None, "mauriceharkless", None),
    ]
    assert all(r[7] is not None and r[8] is None for r in first)
    # the same file again changes nothing
    (load,) = load_directory(
        warehouse, aliases_file(tmp_path / "b", [MOE, NIC]), out=lambda _: None
    )
    assert load.aliases == {"kept": 2, "added": 0, "retired": 0}
    assert alias_table(warehouse) == first
    # a changed row (a note too): the old one retired (kept, for staleness), the new one
    # added; a row the file no longer has: retired
    (load,) = load_directory(
        warehouse,
        aliases_file(tmp_path / "d", [{**MOE, "team_abbr": "POR", "note": "nickname"}]),
        out=lambda _: None,
    )
    assert load.aliases == {"kept": 0, "added": 1, "retired": 2}
    rows = alias_table(warehouse)
    assert len(rows) == 3
    in_force = [r for r in rows if r[8] is None]
    assert [r[:7] for r in in_force] == [
        ("play_by_play", "Moe Harkless", "POR", None, None, "mauriceharkless", "nickname")
    ]
    assert in_force[0][7] > first[1][7]  # stamped when it was loaded
    retired = sorted(r[:8] for r in rows if r[8] is not None)
    assert retired == sorted(r[:8] for r in first)  # as they were, retired_at set


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([MOE, {**MOE, "player_lookup": "moe2"}],
         "play_by_play 'moeharkless' -> 'mauriceharkless': also play_by_play moeharkless -> moe applies"),
        ([MOE, {**MOE, "source": "any", "team_abbr": "POR"}], "also any moeharkless -> mauriceharkless"),
        ([MOE, MOE], "the row is there more than once"),
        ([{**MOE, "source": "gamebook"}], "unknown source"),
        ([{**MOE, "alias": "1234"}], "the alias has no letter"),
        ([{**MOE, "player_lookup": "Moe Harkless!"}], "the alias is its own key"),
        ([{**NIC, "first_season": "2023"}], "(seasons 2023 .. 2022): first_season after last_season"),
        ([MOE, {**NIC, "alias": "Maurice Harkless"}], "the key is itself an alias"),
    ],
    ids=["two keys for one spelling", "'any' and a team overlapping", "a row twice",
         "an unknown source", "an alias without a letter", "an alias that is its own key",
         "seasons the wrong way round", "a chain"],
)  # fmt: skip
def test_an_aliases_file_the_passes_could_not_apply_is_refused(warehouse, tmp_path, rows, message):
    load_directory(warehouse, aliases_file(tmp_path / "ok", [NIC]), out=lambda _: None)
    before = alias_table(warehouse)
    with pytest.raises(LoadError) as error:
        load_directory(warehouse, aliases_file(tmp_path / "bad", rows), out=lambda _: None)
    assert "alias row(s) cannot be applied, nothing was loaded" in str(error.value)
    assert message in str(error.value)
    assert alias_table(warehouse) == before


def test_the_loaders_columns_are_not_taken_from_a_file(warehouse, tmp_path):
    folder = aliases_file(tmp_path / "a", [MOE])
    text = (folder / "player_aliases.csv").read_text().splitlines()
    (folder / "player_aliases.csv").write_text(
        "\n".join([text[0] + ',"updated_at"', text[1] + ',"2021-01-01"']) + "\n"
    )
    with pytest.raises(LoadError, match="column\\(s\\) updated_at are set by the loader"):
        load_directory(warehouse, folder, out=lambda _: None)


def cli(*args: str):
    import os
    import subprocess
    import sys

    from conftest import ROOT

    return subprocess.run(
        [sys.executable, "-m", "nba_backfill.cli", *args],
        capture_output=True, text=True, env=os.environ.copy(), cwd=ROOT, timeout=300,
    )  # fmt: skip


def test_a_lost_gamebook_fails_pass1_loudly_until_reloaded_or_accepted(warehouse, tmp_path, data):
    """The issue's case through the command line: --replace-dates with one game's gamebook
    leaves 12 Final games of its date without gamebook rows. Pass 1 keeps them as they
    were (never quietly from balldontlie), `cli status` and the audit name them; accepting
    the fallback for one loads it from balldontlie; loading their gamebook again ends it."""
    from nba_backfill.audits import audit_pass1
    from nba_backfill.config import settings

    load_directory(warehouse, write_dir(tmp_path / "all", raw_tables(data)), out=lambda _: None)
    pass1.load_day(warehouse, DAY)
    before = output_by_game(warehouse)
    fix = write_dir(
        tmp_path / "fix",
        {"nbac_gamebook_player_stats": one_game(data.tables["nbac_gamebook_player_stats"], GAME)},
    )
    done = cli("load", str(fix), "--replace-dates")
    assert done.returncode == 0, done.stderr
    assert "12 removed (--replace-dates: not in the file)" in done.stdout
    assert "WARNING: --replace-dates left 12 Final game(s)" in done.stderr

    pass1.load_day(warehouse, DAY)
    assert output_by_game(warehouse) == before  # nothing switched, nothing lost
    status = cli("status", "--start", str(DAY), "--end", str(DAY))
    assert status.returncode == 1
    assert "12 game(s) loaded from the gamebook, which has no row of them now" in status.stdout
    report = audit_pass1(warehouse, DayRange(DAY, DAY, "t"), settings())
    (check,) = [c for c in report.checks if c.name == "games keep the source they were loaded from"]
    assert not check.passed and len(check.details) == 12

    held = sorted(g for g in before if g.startswith("20211020") and g != GAME)
    refused = cli("accept-fallback", "--game-id", GAME)  # its gamebook is there: refused
    assert refused.returncode == 2 and "nothing deleted" in refused.stderr
    accepted = cli("accept-fallback", "--game-id", held[0])
    assert accepted.returncode == 0, accepted.stderr
    pass1.load_day(warehouse, DAY)
    after = output_by_game(warehouse)
    assert {row[29] for row in after[held[0]]} == {"bdl_boxscores"}  # primary_source_used
    assert all(after[g] == before[g] for g in held[1:])

    load_directory(warehouse, write_dir(tmp_path / "again", {
        "nbac_gamebook_player_stats": data.tables["nbac_gamebook_player_stats"],
    }), out=lambda _: None)  # fmt: skip
    pass1.load_day(warehouse, DAY)
    assert output_by_game(warehouse) == before
    assert audit_pass1(warehouse, DayRange(DAY, DAY, "t"), settings()).checks[2].passed
