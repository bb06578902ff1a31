"""Load your own files into the warehouse: `python -m nba_backfill.cli load DIR`.

DIR holds a file per table, named after it: `<table>.csv`, `<table>.csv.gz` (with a header
row) or `<table>.parquet`, in the layout of docs/data-contract.md: the four raw tables, and
`player_aliases` (the user's aliases, nba_reference). For each file:

1. it is copied as it is into a staging table of the raw dataset (DuckDB reads it; on
   BigQuery a load job uploads it);
2. its columns are checked against the table's DDL (include/sql/ddl/): a column the table
   does not have, or a required one missing, stops the load naming the file and column;
   a column the file lacks is loaded as NULL;
3. every value is checked against its column's type (include/sql/load/check_staged.sql):
   one that is not a whole number, a date, ... stops the load naming the file, the
   column, how many values and the first of them; the aliases are checked by the rules
   the passes apply them by (load/check_aliases.sql);
4. what each file will change is planned per game (load/plan_games.sql): feeds deliver by
   game, so a raw file replaces the rows of the (game_date, game_id) pairs it holds, and
   nothing else: a correction of one game leaves the other games of its date as they are.
   `replace_dates` (--replace-dates) replaces whole game dates instead, and says which
   games that removes; a Final game that would be left without gamebook rows is named
   loudly (Pass 1 then refuses to switch it to balldontlie: its audit fails);
5. only when every file passed, ONE transaction writes them all: per raw table, a DELETE
   of the rows replaced and an INSERT of the file's rows (load/delete_games.sql,
   load/insert_staged.sql), each reading and rewriting only the partitions of the file's
   dates; the aliases file replaces the aliases in force (load/retire_aliases.sql,
   load/insert_aliases.sql: new rows stamped, rows the file no longer has retired). Loading the same files again changes
   nothing; a failure leaves every table as it was.

Staging tables are dropped whatever happens. The passes then pick the days up as stale.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nba_backfill.sql import ddl_columns, loadable_tables
from nba_backfill.warehouse import QueryResult, Step, Warehouse

# longest first: a.csv.gz is not a.csv
FORMATS = ((".csv.gz", "csv"), (".parquet", "parquet"), (".csv", "csv"))
ALIASES = "player_aliases"
# columns of the aliases table that the loader sets, never a file
LOADER_COLUMNS = {ALIASES: ("updated_at", "retired_at")}
GAMEBOOK = "nbac_gamebook_player_stats"
SHOWN = 10  # games listed by name in a message


class LoadError(ValueError):
    """A file cannot be loaded: the message names the file, the column and the fix."""


def file_tables() -> list[str]:
    return sorted(loadable_tables())


def qualified(table: str) -> str:
    """The table's name with its (default) dataset, for messages."""
    return (
        f"nba_reference.{table}"
        if loadable_tables().get(table) == "reference"
        else f"nba_raw.{table}"
    )


@dataclass
class TableLoad:
    table: str
    path: Path
    rows: int
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    game_dates: int = 0
    games_replaced: int = 0
    games_added: int = 0
    games_removed: list[str] = field(default_factory=list)  # "date game_id (N rows)"
    final_games_left_without: list[str] = field(default_factory=list)
    aliases: dict[str, int] = field(default_factory=dict)  # kept, added, retired
    # the statements run for the file (its plan, then its writes), with what each scanned
    # when the warehouse profiles (DuckDBWarehouse(profile=True))
    statements: list[QueryResult] = field(default_factory=list)

    def describe(self) -> str:
        head = f"{qualified(self.table):<42} {self.rows:>9,} rows from {self.path.name}"
        if self.table == ALIASES:
            a = self.aliases
            return (
                f"{head}: {a.get('added', 0)} alias(es) added, {a.get('retired', 0)} retired, "
                f"{a.get('kept', 0)} kept"
            )
        if not self.first_date:
            return f"{head}, no game dates: nothing to do"
        text = (
            f"{head}, game dates {self.first_date} .. {self.last_date} ({self.game_dates}): "
            f"{self.games_replaced:,} game(s) replaced, {self.games_added:,} added"
        )
        if self.games_removed:
            text += f", {len(self.games_removed):,} removed (--replace-dates: not in the file)"
        return text


def find_files(directory: Path) -> tuple[dict[str, tuple[Path, str]], list[str]]:
    """{table: (path, format)} of the table files in `directory`, and the names of the
    other files (skipped)."""
    if not directory.is_dir():
        raise LoadError(f"{directory} is not a directory: give the folder that holds the files")
    tables = file_tables()
    found: dict[str, tuple[Path, str]] = {}
    skipped = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        match = next(
            (
                (path.name[: -len(suffix)], file_format)
                for suffix, file_format in FORMATS
                if path.name.endswith(suffix)
            ),
            None,
        )
        if match is None or match[0] not in tables:
            skipped.append(path.name)
            continue
        table, file_format = match
        if table in found:
            raise LoadError(
                f"two files for {qualified(table)} in {directory}: {found[table][0].name} and "
                f"{path.name}; keep one"
            )
        found[table] = (path, file_format)
    if not found:
        names = ", ".join(f"{t}.csv" for t in tables)
        raise LoadError(
            f"no table file in {directory}: name each file after its table ({names}; "
            ".csv.gz and .parquet too)"
        )
    return found, skipped


def check_columns(table: str, path: Path, columns: list[str]) -> list[str]:
    """The file's columns that the table has (in the table's order); refuses unknown
    columns, the loader's own and missing required ones."""
    own = LOADER_COLUMNS.get(table, ())
    ddl = [c for c in ddl_columns(table) if c[0] not in own]
    known = {name for name, _, _ in ddl}
    set_by_loader = [c for c in columns if c in own]
    if set_by_loader:
        raise LoadError(
            f"{path}: column(s) {', '.join(set_by_loader)} are set by the loader (when a row "
            "is added or retired); remove them from the file"
        )
    unknown = [c for c in columns if c not in known]
    if unknown:
        hints = [
            f"{c!r} (did you mean {c.lower()!r}?)" if c.lower() in known else repr(c)
            for c in unknown
        ]
        raise LoadError(
            f"{path}: column(s) {', '.join(hints)} are not columns of {qualified(table)}; rename "
            f"or remove them (its columns: {', '.join(name for name, _, _ in ddl)})"
        )
    missing = [name for name, _, required in ddl if required and name not in columns]
    if missing:
        raise LoadError(
            f"{path}: required column(s) {', '.join(missing)} of {qualified(table)} missing; add "
            "them (see docs/data-contract.md)"
        )
    return [name for name, _, _ in ddl if name in columns]


def check_values(table: str, path: Path, staged: list[str], check: dict[str, Any]) -> None:
    types = {name: kind for name, kind, _ in ddl_columns(table)}
    problems = [
        f"column {name} ({types[name]}): {check[f'{name}__bad']:,} value(s) that are not "
        f"{_WHAT[types[name]]}, the first {check[f'{name}__example']!r}"
        for name in staged
        if check[f"{name}__bad"]
    ]
    problems += [
        f"column {name}: {check[f'{name}__nulls']:,} empty value(s), but every row needs one"
        for name in required_columns(table)
        if check.get(f"{name}__nulls")
    ]
    if problems:
        raise LoadError(
            f"{path} does not fit {qualified(table)}, nothing was loaded:\n  - "
            + "\n  - ".join(problems)
            + "\n  fix the file (docs/data-contract.md has each column's type) and load again"
        )


def required_columns(table: str) -> list[str]:
    own = LOADER_COLUMNS.get(table, ())
    return [name for name, _, needed in ddl_columns(table) if needed and name not in own]


def check_aliases(warehouse: Warehouse, path: Path, staging: str, columns: list[str]) -> None:
    """The aliases file by the rules the passes apply it by (load/check_aliases.sql)."""
    rows = warehouse.run(
        "load/check_aliases",
        template={"staging": staging, "staged": columns},
        labels={"step": "load_check"},
    ).rows
    if rows:
        lines = [
            f"{r['source']} {r['alias_key']!r} -> {r['player_lookup']!r}"
            + (f" (team {r['team_abbr']})" if r["team_abbr"] else "")
            + (
                f" (seasons {r['first_season'] or '..'} .. {r['last_season'] or '..'})"
                if r["first_season"] is not None or r["last_season"] is not None
                else ""
            )
            + f": {r['problem'].rstrip('; ')}"
            for r in rows
        ]
        raise LoadError(
            f"{path}: {len(rows)} alias row(s) cannot be applied, nothing was loaded:\n  - "
            + "\n  - ".join(lines)
            + "\n  sources: nbac_gamebook, bdl_boxscores, play_by_play, any; one spelling may "
            "have one key for a team and season (limit rows by team_abbr, first_season and "
            "last_season); aliases apply once (no chains). See docs/data-contract.md"
        )


_WHAT = {
    "INT64": "whole numbers",
    "FLOAT64": "numbers",
    "BOOL": "true or false",
    "DATE": "dates YYYY-MM-DD",
    "TIMESTAMP": "timestamps (ISO date and time)",
    "STRING": "text",
}


@dataclass
class _Staged:
    table: str
    path: Path
    staging: str
    columns: list[str]
    check: dict[str, Any]


def _plan_games(warehouse: Warehouse, item: _Staged, replace: str, load: TableLoad) -> None:
    """Per game, what the file replaces, adds and (replace == 'dates') removes."""
    dates = {
        "first_date": item.check["first_date"],
        "last_date": item.check["last_date"],
        "dates": sorted(item.check["dates"]),
    }
    plan = warehouse.run(
        "load/plan_games",
        dates,
        template={"table": item.table, "staging": item.staging},
        labels={"step": "load_plan", "table": item.table},
    )
    load.statements.append(plan)
    games = plan.rows
    load.games_replaced = sum(1 for g in games if g["file_rows"] and g["table_rows"])
    load.games_added = sum(1 for g in games if g["file_rows"] and not g["table_rows"])
    if replace == "dates":
        removed = [g for g in games if not g["file_rows"]]
        load.games_removed = [
            f"{g['game_date']} {g['game_id']} ({g['table_rows']:,} rows)" for g in removed
        ]
        if item.table == GAMEBOOK:
            load.final_games_left_without = [
                f"{g['game_date']} {g['game_id']}" for g in removed if g["is_final"]
            ]


def _steps(item: _Staged, replace: str) -> list[Step]:
    labels = {"step": "load", "table": item.table}
    if item.table == ALIASES:
        template = {"staging": item.staging, "staged": item.columns}
        return [
            Step("load/retire_aliases", template=template, labels=labels),
            Step("load/insert_aliases", template=template, labels=labels),
        ]
    dates = {
        "first_date": item.check["first_date"],
        "last_date": item.check["last_date"],
        "dates": sorted(item.check["dates"]),
    }
    return [
        Step(
            "load/delete_games",
            dates,
            template={"table": item.table, "staging": item.staging, "replace": replace},
            labels=labels,
        ),
        Step(
            "load/insert_staged",
            template={
                "table": item.table,
                "staging": item.staging,
                "columns": [[name, kind] for name, kind, _ in ddl_columns(item.table)],
                "staged": item.columns,
            },
            labels=labels,
        ),
    ]


def load_directory(
    warehouse: Warehouse,
    directory: Path,
    out: Callable[[str], None] = print,
    *,
    replace_dates: bool = False,
    warn: Callable[[str], None] | None = None,
) -> list[TableLoad]:
    """Check every file, plan it per game, then write them all in one transaction (see
    the module's docstring). `warn` gets the loud lines (default: `out`)."""
    warn = warn or out
    replace = "dates" if replace_dates else "games"
    files, skipped = find_files(directory)
    for name in skipped:
        out(f"  skipped {name}: not named after a table")
    shape = warehouse.identifiers.schedule_shape
    if "nbac_schedule" in files and shape != "native":
        raise LoadError(
            f"{files['nbac_schedule'][0]}: the schedule is in the {shape!r} shape here "
            "(NBA_SCHEDULE_SHAPE): it is written by its own feed, and `cli load` loads "
            "schedules of this package's shape only; load it with that feed, or remove the "
            "file from the folder (the other files load as they are)"
        )
    warehouse.apply_schema()
    staged: dict[str, str] = {}
    try:
        items = []
        for table, (path, file_format) in files.items():
            staging = f"_load_{table}_{uuid.uuid4().hex[:8]}"
            staged[table] = staging
            columns = check_columns(table, path, warehouse.stage_file(path, staging, file_format))
            types = {name: kind for name, kind, _ in ddl_columns(table)}
            (check,) = warehouse.run(
                "load/check_staged",
                template={
                    "staging": staging,
                    "columns": [[c, types[c]] for c in columns],
                    "required": required_columns(table),
                },
                labels={"step": "load_check", "table": table},
            ).rows
            check_values(table, path, columns, check)
            if table == ALIASES:
                check_aliases(warehouse, path, staging, columns)
            items.append(_Staged(table, path, staging, columns, check))
        loads, steps, owners = [], [], []
        for item in items:
            load = TableLoad(item.table, item.path, item.check["rows"])
            if item.table == ALIASES:
                plan = warehouse.run(
                    "load/plan_aliases",
                    template={"staging": item.staging, "staged": item.columns},
                    labels={"step": "load_plan", "table": item.table},
                )
                load.statements.append(plan)
                (load.aliases,) = plan.rows
            elif item.check["dates"]:
                load.first_date = item.check["first_date"]
                load.last_date = item.check["last_date"]
                load.game_dates = len(item.check["dates"])
                _plan_games(warehouse, item, replace, load)
            if item.table == ALIASES or item.check["dates"]:
                for step in _steps(item, replace):
                    steps.append(step)
                    owners.append(load)
            loads.append(load)
        if steps:
            for load, result in zip(owners, warehouse.run_transaction(steps), strict=True):
                load.statements.append(result)
        for load in loads:
            out(f"  {load.describe()}")
            if load.games_removed:
                shown = ", ".join(load.games_removed[:SHOWN])
                more = len(load.games_removed) - SHOWN
                out(f"      removed: {shown}" + (f" and {more:,} more" if more > 0 else ""))
            if load.final_games_left_without:
                _warn_final_games(load, warn)
        return loads
    finally:
        for staging in staged.values():
            warehouse.drop_staging(staging)


def _warn_final_games(load: TableLoad, warn: Callable[[str], None]) -> None:
    games = load.final_games_left_without
    shown = ", ".join(games[:SHOWN]) + (
        f" and {len(games) - SHOWN:,} more" if len(games) > SHOWN else ""
    )
    warn(
        f"WARNING: --replace-dates left {len(games):,} Final game(s) of the schedule without "
        f"any {GAMEBOOK} row where they had some: {shown}. Pass 1 keeps their rows as they "
        "are and its audit fails, naming them, until their gamebook rows are loaded again "
        "(or you accept the balldontlie fallback: python -m nba_backfill.cli "
        "accept-fallback --game-id ...)."
    )
