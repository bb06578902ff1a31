"""Load your own raw files into the warehouse: `python -m nba_backfill.cli load DIR`.

DIR holds a file per raw table, named after it: `<table>.csv`, `<table>.csv.gz` (with a
header row) or `<table>.parquet`, in the layout of docs/data-contract.md. For each file:

1. it is copied as it is into a staging table of the raw dataset (DuckDB reads it; on
   BigQuery a load job uploads it);
2. its columns are checked against the table's DDL (include/sql/ddl/): a column the table
   does not have, or a required one missing, stops the load naming the file and column;
   a column the file lacks is loaded as NULL;
3. every value is checked against its column's type (include/sql/load/check_staged.sql):
   one that is not a whole number, a date, ... stops the load naming the file, the
   column, how many values and the first of them;
4. only when every file passed, each table gets ONE statement
   (include/sql/load/replace_dates.sql) that replaces the rows of the game dates the file
   holds by the file's rows: loading the same files again changes nothing, and a failed
   statement leaves its table as it was.

Staging tables are dropped whatever happens. The passes then pick the days up as stale.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nba_backfill.sql import ddl_columns, partition_filtered_tables
from nba_backfill.warehouse import Warehouse

# longest first: a.csv.gz is not a.csv
FORMATS = ((".csv.gz", "csv"), (".parquet", "parquet"), (".csv", "csv"))


class LoadError(ValueError):
    """A file cannot be loaded: the message names the file, the column and the fix."""


def raw_tables() -> list[str]:
    return sorted(table for var, table in partition_filtered_tables() if var == "raw")


@dataclass
class TableLoad:
    table: str
    path: Path
    rows: int
    first_date: dt.date | None
    last_date: dt.date | None
    game_dates: int
    affected_rows: int | None = None

    def describe(self) -> str:
        dates = (
            f"game dates {self.first_date} .. {self.last_date} ({self.game_dates})"
            if self.first_date
            else "no game dates"
        )
        return f"nba_raw.{self.table:<28} {self.rows:>9,} rows from {self.path.name}, {dates}"


def find_files(directory: Path) -> tuple[dict[str, tuple[Path, str]], list[str]]:
    """{table: (path, format)} of the raw-table files in `directory`, and the names of the
    other files (skipped)."""
    if not directory.is_dir():
        raise LoadError(f"{directory} is not a directory: give the folder that holds the files")
    tables = raw_tables()
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
                f"two files for nba_raw.{table} in {directory}: {found[table][0].name} and "
                f"{path.name}; keep one"
            )
        found[table] = (path, file_format)
    if not found:
        names = ", ".join(f"{t}.csv" for t in tables)
        raise LoadError(
            f"no raw-table file in {directory}: name each file after its table ({names}; "
            ".csv.gz and .parquet too)"
        )
    return found, skipped


def check_columns(table: str, path: Path, columns: list[str]) -> list[str]:
    """The file's columns that the table has (in the table's order); refuses unknown
    columns and missing required ones."""
    ddl = ddl_columns(table)
    known = {name for name, _, _ in ddl}
    unknown = [c for c in columns if c not in known]
    if unknown:
        hints = [
            f"{c!r} (did you mean {c.lower()!r}?)" if c.lower() in known else repr(c)
            for c in unknown
        ]
        raise LoadError(
            f"{path}: column(s) {', '.join(hints)} are not columns of nba_raw.{table}; rename "
            f"or remove them (its columns: {', '.join(name for name, _, _ in ddl)})"
        )
    missing = [name for name, _, required in ddl if required and name not in columns]
    if missing:
        raise LoadError(
            f"{path}: required column(s) {', '.join(missing)} of nba_raw.{table} missing; add "
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
    required = [name for name, _, needed in ddl_columns(table) if needed]
    problems += [
        f"column {name}: {check[f'{name}__nulls']:,} empty value(s), but every row needs one"
        for name in required
        if check.get(f"{name}__nulls")
    ]
    if problems:
        raise LoadError(
            f"{path} does not fit nba_raw.{table}, nothing was loaded:\n  - "
            + "\n  - ".join(problems)
            + "\n  fix the file (docs/data-contract.md has each column's type) and load again"
        )


_WHAT = {
    "INT64": "whole numbers",
    "FLOAT64": "numbers",
    "BOOL": "true or false",
    "DATE": "dates YYYY-MM-DD",
    "TIMESTAMP": "timestamps (ISO date and time)",
    "STRING": "text",
}


def load_directory(
    warehouse: Warehouse, directory: Path, out: Callable[[str], None] = print
) -> list[TableLoad]:
    """Check every file, then replace each table's game dates by its file (see module)."""
    files, skipped = find_files(directory)
    for name in skipped:
        out(f"  skipped {name}: not named after a raw table")
    warehouse.apply_schema()
    staged: dict[str, str] = {}
    plans = []
    try:
        for table, (path, file_format) in files.items():
            staging = f"_load_{table}_{uuid.uuid4().hex[:8]}"
            staged[table] = staging
            columns = check_columns(table, path, warehouse.stage_file(path, staging, file_format))
            types = {name: kind for name, kind, _ in ddl_columns(table)}
            required = [name for name, _, needed in ddl_columns(table) if needed]
            (check,) = warehouse.run(
                "load/check_staged",
                template={
                    "staging": staging,
                    "columns": [[c, types[c]] for c in columns],
                    "required": required,
                },
                labels={"step": "load_check", "table": table},
            ).rows
            check_values(table, path, columns, check)
            plans.append((table, path, staging, columns, check))
        loads = []
        for table, path, staging, columns, check in plans:
            load = TableLoad(
                table, path, check["rows"], check["first_date"], check["last_date"],
                len(check["dates"] or []),
            )  # fmt: skip
            if check["dates"]:
                result = warehouse.run(
                    "load/replace_dates",
                    {
                        "first_date": check["first_date"],
                        "last_date": check["last_date"],
                        "dates": sorted(check["dates"]),
                    },
                    template={
                        "table": table,
                        "staging": staging,
                        "columns": [[name, kind] for name, kind, _ in ddl_columns(table)],
                        "staged": columns,
                    },
                    labels={"step": "load", "table": table},
                )
                load.affected_rows = result.affected_rows
            loads.append(load)
            out(f"  {load.describe()}")
        return loads
    finally:
        for staging in staged.values():
            warehouse.drop_staging(staging)
