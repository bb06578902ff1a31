"""The output table as it is in the warehouse, against what the passes need of it.

The passes were written for the table of include/sql/ddl/player_game_summary.sql, which
`cli apply-schema` creates where there is none. An existing warehouse may already hold a
`player_game_summary` of its own shape (README, "Run it on an existing warehouse"): more
columns, some of them REQUIRED, NUMERIC where ours are FLOAT64, and without the columns
that staleness and the audits read. This module reads the table's columns from the
warehouse and decides, before anything is written:

- what is missing: every column of our DDL must be there (the passes write or read each
  one); the `ALTER TABLE ... ADD COLUMN` script that adds them (nullable: a change no
  reader of the table notices) is printed by `cli apply-schema --check`;
- what is written besides: REQUIRED columns the passes know how to fill
  (`starter_flag`, `win_flag`, computed from the box score by Pass 1);
- how: NUMERIC columns where ours are FLOAT64 get the value rounded to the column's
  scale and cast;
- and what it cannot serve: a REQUIRED column nothing here writes, or a column of ours
  with a type that cannot hold our values. The passes refuse to run against it.

Pass 2 inserts key-only rows where Pass 1 has not written yet; into a table with REQUIRED
columns beyond the keys it never does (Pass 1 writes the row, Pass 2 fills it on its next
run). Rows of another writer (neither pass's timestamp set) are never deleted: see
include/sql/macros/own_rows.sql.j2.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

TABLE = "player_game_summary"

# REQUIRED columns of other shapes that Pass 1 fills when the table has them
# (include/sql/pass1/load_day.sql): the box score's own facts
EXTRA_WRITTEN = {
    "starter_flag": "BOOL",  # minutes_played above 20 (the production table's definition)
    "win_flag": "BOOL",  # the team scored more points than its opponent in the box score
}
# our FLOAT64 columns that a NUMERIC / BIGNUMERIC column may hold instead
NUMERIC_OK = ("minutes_played", "ts_pct", "efg_pct")
KEYS = ("game_id", "game_date", "player_lookup")

_TYPE_NAMES = {
    "INTEGER": "INT64", "BIGINT": "INT64", "INT64": "INT64", "INT": "INT64",
    "FLOAT": "FLOAT64", "FLOAT64": "FLOAT64", "DOUBLE": "FLOAT64",
    "BOOLEAN": "BOOL", "BOOL": "BOOL",
    "STRING": "STRING", "VARCHAR": "STRING",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP", "TIMESTAMP WITH TIME ZONE": "TIMESTAMP",
    "NUMERIC": "NUMERIC", "BIGNUMERIC": "NUMERIC", "DECIMAL": "NUMERIC", "BIGDECIMAL": "NUMERIC",
}  # fmt: skip
_PARAMS_RE = re.compile(r"^([A-Z ]+?)\s*(?:\((\d+)\s*(?:,\s*(\d+))?\))?$")


class TargetError(RuntimeError):
    """The output table cannot be served as it is: the message says what to change."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # BigQuery's name: INT64, FLOAT64, BOOL, STRING, DATE, TIMESTAMP, NUMERIC
    required: bool = False
    scale: int | None = None  # NUMERIC(p, s): s; None for NUMERIC without parameters


def column(name: str, raw_type: str, required: bool, scale: int | None = None) -> Column:
    """A column from the warehouse's description ('DECIMAL(5,1)', 'FLOAT', 'BOOLEAN'...)."""
    match = _PARAMS_RE.match(raw_type.strip().upper())
    base = match.group(1).strip() if match else raw_type.strip().upper()
    if match and match.group(3) is not None and scale is None:
        scale = int(match.group(3))
    kind = _TYPE_NAMES.get(base, base)
    return Column(name.lower(), kind, required, scale if kind == "NUMERIC" else None)


@functools.cache
def needed() -> tuple[tuple[str, str], ...]:
    """(name, type) of every column of our DDL: what the passes write or read."""
    import sqlglot

    from nba_backfill.sql import Identifiers, render

    create = sqlglot.parse_one(render(f"ddl/{TABLE}", Identifiers()), read="bigquery")
    return tuple(
        (c.name.lower(), c.args["kind"].sql("bigquery").upper()) for c in create.this.expressions
    )


@dataclass(frozen=True)
class TargetShape:
    """The output table's columns, as the warehouse describes them."""

    table: str  # for messages: dataset.player_game_summary
    columns: tuple[Column, ...]

    @property
    def by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}

    def missing(self) -> list[tuple[str, str]]:
        have = self.by_name
        return [(n, t) for n, t in needed() if n not in have]

    def type_conflicts(self) -> list[str]:
        have = self.by_name
        out = []
        for name, kind in needed():
            got = have.get(name)
            if got is None or got.type == kind:
                continue
            if name in NUMERIC_OK and got.type == "NUMERIC":
                continue
            out.append(f"{name} is {got.type} here, the passes write {kind}")
        return out

    def unwritable(self) -> list[str]:
        """REQUIRED columns no pass writes."""
        ours = {n for n, _ in needed()} | set(EXTRA_WRITTEN)
        return [c.name for c in self.columns if c.required and c.name not in ours]

    @property
    def extra_written(self) -> list[str]:
        have = self.by_name
        return [n for n in EXTRA_WRITTEN if n in have]

    @property
    def numeric(self) -> list[list]:
        """[[column, scale], ...] of our FLOAT64 columns that are NUMERIC here (scale -1:
        NUMERIC without a declared scale, the value is cast as it is)."""
        have = self.by_name
        return [
            [n, -1 if have[n].scale is None else have[n].scale]
            for n in NUMERIC_OK
            if n in have and have[n].type == "NUMERIC"
        ]

    @property
    def pass2_blocked_by(self) -> list[str]:
        """REQUIRED columns a key-only row of Pass 2 would leave NULL (it then inserts
        nothing: Pass 1 writes the row, Pass 2 fills it on its next run)."""
        return [c.name for c in self.columns if c.required and c.name not in KEYS]

    def template(self) -> dict:
        """What the passes' statements render for this table (identifiers and scales)."""
        return {
            "extra_columns": self.extra_written,
            "numeric_columns": self.numeric,
            "pass2_blocked_by": self.pass2_blocked_by,
        }

    def alter_script(self, qualified: str) -> str:
        lines = [
            f"alter table {qualified} add column if not exists {n} {t};" for n, t in self.missing()
        ]
        return "\n".join(lines)

    def problems(self) -> list[str]:
        out = []
        if self.missing():
            out.append(
                "missing column(s) "
                + ", ".join(n for n, _ in self.missing())
                + " (the passes write them, staleness and the audits read them)"
            )
        out += [f"column {c}" for c in self.type_conflicts()]
        if self.unwritable():
            out.append(
                "REQUIRED column(s) "
                + ", ".join(self.unwritable())
                + " that no pass writes (an insert would fail): make them NULLABLE "
                "(alter table ... alter column ... drop not null) or give them a default"
            )
        return out


@functools.cache
def raw_columns_read() -> dict[str, tuple[str, ...]]:
    """{raw table: the columns of our DDL that the statements (not the loader) name}."""
    from nba_backfill.config import SQL_DIR
    from nba_backfill.sql import ddl_columns, table_datasets

    text = "\n".join(
        p.read_text()
        for p in sorted(SQL_DIR.rglob("*.sql*"))
        if p.parent.name not in ("ddl", "load")
    )
    words = set(re.findall(r"[a-z_][a-z0-9_]*", text))
    return {
        table: tuple(name for name, _, _ in ddl_columns(table) if name in words)
        for table, var in sorted(table_datasets().items())
        if var == "raw" and table != "nbac_schedule"
    }


def raw_problems(warehouse) -> list[str]:
    """Raw tables (the schedule aside: its shape is NBA_SCHEDULE_SHAPE's) that lack a
    column the statements read."""
    out = []
    for table, names in raw_columns_read().items():
        columns = warehouse.table_columns(warehouse.identifiers.raw_dataset, table)
        if columns is None:
            out.append(f"{warehouse.identifiers.raw_dataset}.{table} does not exist")
            continue
        have = {c.name for c in columns}
        missing = [n for n in names if n not in have]
        if missing:
            out.append(
                f"{warehouse.identifiers.raw_dataset}.{table} has no column(s) "
                + ", ".join(missing)
                + " (the statements read them: add them, or read the table through a view "
                "that gives them)"
            )
    return out


def read_shape(warehouse) -> TargetShape | None:
    """The output table's shape, or None when there is no such table yet."""
    ids = warehouse.identifiers
    columns = warehouse.table_columns(ids.analytics_dataset, TABLE)
    if columns is None:
        return None
    return TargetShape(f"{ids.analytics_dataset}.{TABLE}", tuple(columns))


def require(warehouse) -> TargetShape:
    """The shape, or TargetError saying what to change (and `cli apply-schema --check`)."""
    shape = read_shape(warehouse)
    ids = warehouse.identifiers
    if shape is None:
        raise TargetError(
            f"{ids.analytics_dataset}.{TABLE} does not exist: run "
            "`python -m nba_backfill.cli apply-schema` (it creates it)"
        )
    problems = shape.problems()
    if problems:
        script = shape.alter_script(ids.template_vars["analytics"] + f".{TABLE}")
        raise TargetError(
            f"{shape.table} cannot be served as it is: "
            + "; ".join(problems)
            + ". Nothing was written. `python -m nba_backfill.cli apply-schema --check` "
            "says the same" + (f"; this adds the missing columns:\n{script}" if script else "")
        )
    return shape
