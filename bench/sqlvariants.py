"""SQL the benchmark derives from the shipped SQL files (never hand-copied, so it cannot
drift): the query inside Pass 2's MERGE, that MERGE fed from a materialised source, and
Pass 1's per-day MERGE widened to a whole range (the set-based floor of Pass 1)."""

from __future__ import annotations

import functools

import sqlglot
from sqlglot import exp

from nba_backfill.sql import Identifiers, render, transpile_to_duckdb

IDS = Identifiers()


def _tree(name: str) -> exp.Expression:
    return sqlglot.parse_one(render(name, IDS), read="bigquery")


def _duckdb(tree: exp.Expression) -> str:
    return transpile_to_duckdb(tree.sql("bigquery"), IDS).text


@functools.cache
def pass2_source_query() -> str:
    """The SELECT that Pass 2's MERGE merges (all 14 columns per player-game)."""
    merge = _tree("pass2/merge_shot_zones")
    using = merge.args["using"]
    query = using.this if isinstance(using, exp.Subquery) else using
    return _duckdb(query)


def pass2_merge_from(table: str) -> str:
    """Pass 2's MERGE with its source replaced by a materialised table."""
    merge = _tree("pass2/merge_shot_zones")
    merge.set("using", exp.to_table(table).as_("s"))
    return merge.sql("duckdb")


def pass1_range_statement() -> str:
    """Pass 1's MERGE with every `game_date = @day` widened to the whole range."""
    merge = _tree("pass1/load_day")
    for eq in list(merge.find_all(exp.EQ)):
        left, right = eq.left, eq.right
        if (
            isinstance(left, exp.Column)
            and left.name == "game_date"
            and isinstance(right, exp.Parameter)
            and right.name == "day"
        ):
            eq.replace(
                exp.Between(
                    this=left.copy(),
                    low=exp.Parameter(this=exp.Var(this="start_date")),
                    high=exp.Parameter(this=exp.Var(this="end_date")),
                )
            )
    leftover = [p for p in merge.find_all(exp.Parameter) if p.name == "day"]
    if leftover:
        raise AssertionError("load_day.sql uses @day outside `game_date = @day` filters")
    return _duckdb(merge)
