"""SQL files: loading, identifier rendering, partition-filter checks and transpiling.

The files under include/sql/ are BigQuery Standard SQL, one statement each. Jinja renders
identifiers only (`{{ raw }}`, `{{ analytics }}`: the dataset paths); every value is a
query parameter (`@day`, `@start_date`). This module never sees parameter values.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from nba_backfill.config import SQL_DIR, validate_dataset, validate_project


class PartitionFilterError(ValueError):
    """A query reads a `require_partition_filter` table without a `game_date` filter."""


@dataclass(frozen=True)
class Identifiers:
    """Where the tables live. `project` is None on DuckDB (datasets are schemas there)."""

    raw_dataset: str = "nba_raw"
    analytics_dataset: str = "nba_analytics"
    project: str | None = None

    def __post_init__(self) -> None:
        validate_dataset(self.raw_dataset, "raw dataset")
        validate_dataset(self.analytics_dataset, "analytics dataset")
        if self.project is not None:
            validate_project(self.project, "project")

    def _path(self, dataset: str) -> str:
        return f"`{self.project}`.{dataset}" if self.project else dataset

    @property
    def template_vars(self) -> dict[str, str]:
        return {
            "raw": self._path(self.raw_dataset),
            "analytics": self._path(self.analytics_dataset),
        }


def sql_path(name: str) -> Path:
    """`name` is relative to include/sql without the suffix, e.g. 'pass1/load_day'."""
    path = (SQL_DIR / f"{name}.sql").resolve()
    if SQL_DIR.resolve() not in path.parents or not path.is_file():
        raise FileNotFoundError(f"no SQL file include/sql/{name}.sql")
    return path


@functools.cache
def load(name: str) -> str:
    return sql_path(name).read_text()


def render(name: str, identifiers: Identifiers) -> str:
    """The file's BigQuery SQL with identifiers filled in (values stay @parameters)."""
    import jinja2

    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    return env.from_string(load(name)).render(**identifiers.template_vars).strip().rstrip(";")


def ddl_names() -> list[str]:
    return sorted(f"ddl/{p.stem}" for p in (SQL_DIR / "ddl").glob("*.sql"))


_REQUIRE_FILTER_RE = re.compile(r"require_partition_filter\s*=\s*true", re.IGNORECASE)
_CREATE_RE = re.compile(r"create\s+table\s+if\s+not\s+exists\s+\{\{\s*(\w+)\s*\}\}\.(\w+)", re.I)


@functools.cache
def partition_filtered_tables() -> frozenset[tuple[str, str]]:
    """(template var, table) of every DDL file that sets require_partition_filter."""
    found = set()
    for name in ddl_names():
        text = load(name)
        match = _CREATE_RE.search(text)
        if match and _REQUIRE_FILTER_RE.search(text):
            found.add((match.group(1), match.group(2).lower()))
    return frozenset(found)


def _required_tables(identifiers: Identifiers) -> set[tuple[str, str]]:
    datasets = {"raw": identifiers.raw_dataset, "analytics": identifiers.analytics_dataset}
    return {(datasets[var].lower(), table) for var, table in partition_filtered_tables()}


def _is_constant(node) -> bool:
    from sqlglot import exp

    return not any(isinstance(n, exp.Column) for n in node.walk())


def _filters_game_date(where, alias: str, single_source: bool) -> bool:
    """True if `where` compares alias.game_date with a constant expression."""
    from sqlglot import exp

    if where is None:
        return False
    comparisons = (exp.EQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between, exp.In)
    for node in where.find_all(*comparisons):
        column = node.this if isinstance(node, exp.Between | exp.In) else None
        operands = [column] if column is not None else [node.left, node.right]
        for operand in operands:
            if not (isinstance(operand, exp.Column) and operand.name.lower() == "game_date"):
                continue
            qualifier = operand.table.lower()
            if qualifier != alias.lower() and not (qualifier == "" and single_source):
                continue
            others = [v for k, v in node.args.items() if k != "this" and v is not None]
            if isinstance(node, exp.Between | exp.In):
                rest = [x for v in others for x in (v if isinstance(v, list) else [v])]
            else:
                rest = [node.right if operand is node.left else node.left]
            if all(_is_constant(x) for x in rest):
                return True
    return False


def check_partition_filters(tree, identifiers: Identifiers) -> None:
    """Refuse, as BigQuery does, a read of a partition-filtered table without a filter.

    BigQuery's rule for `require_partition_filter = TRUE` tables: the query must filter
    the partitioning column (`game_date`) with a predicate usable for partition
    elimination. Here: the SELECT that reads the table must have, in its WHERE clause, a
    comparison of that table's `game_date` with an expression of constants/parameters.
    """
    from sqlglot import exp

    required = _required_tables(identifiers)
    if isinstance(tree, exp.Create):
        # DDL creates the table; only a CREATE ... AS SELECT reads anything.
        tree = tree.expression
        if tree is None:
            return
    for table in tree.find_all(exp.Table):
        key = (table.db.lower(), table.name.lower())
        if key not in required:
            continue
        select = table.find_ancestor(exp.Select)
        sources = 0
        if select is not None:
            from_ = select.args.get("from_") or select.args.get("from")
            sources = (1 if from_ else 0) + len(select.args.get("joins") or [])
        alias = table.alias_or_name
        if select is None or not _filters_game_date(select.args.get("where"), alias, sources == 1):
            raise PartitionFilterError(
                f"Cannot query over table '{table.db}.{table.name}' without a filter over "
                "column(s) 'game_date' that can be used for partition elimination "
                "(the table has require_partition_filter = TRUE). Add e.g. "
                f"`where {alias}.game_date between @start_date and @end_date`."
            )


@dataclass(frozen=True)
class CompiledSql:
    """A statement ready for one backend: its text and the parameters it references."""

    text: str
    parameters: tuple[str, ...]
    is_dml: bool


_PARAM_RE = re.compile(r"(?<![\w@])@(\w+)")


def compile_bigquery(name: str, identifiers: Identifiers) -> CompiledSql:
    """BigQuery keeps the SQL as written; the partition filter is enforced by BigQuery."""
    text = render(name, identifiers)
    head = re.sub(r"--[^\n]*", "", text).lstrip().lower()
    return CompiledSql(
        text=text,
        parameters=tuple(dict.fromkeys(_PARAM_RE.findall(re.sub(r"--[^\n]*", "", text)))),
        is_dml=head.startswith(("merge", "insert", "update", "delete")),
    )


_TRANSPILED: dict[str, CompiledSql] = {}


def compile_duckdb(
    name: str, identifiers: Identifiers, cache_dir: Path | None = None
) -> CompiledSql:
    """The SQL file, rendered and transpiled for DuckDB.

    Cached in this process, and in `cache_dir` across processes: every Airflow task is a
    new process, and importing sqlglot and parsing a statement costs more than running a
    day's MERGE. The cache key covers everything the result depends on (the SQL file's
    text, the identifiers, this module's code and the sqlglot version), so a stale entry
    can never be used; entries are written atomically.
    """
    import hashlib

    text = load(name)
    key = hashlib.sha256(
        "\0".join([text, repr(identifiers), _module_source(), _sqlglot_version()]).encode()
    ).hexdigest()[:32]
    compiled = _TRANSPILED.get(key)
    if compiled is not None:
        return compiled
    if cache_dir is None:
        compiled = transpile_to_duckdb(render(name, identifiers), identifiers)
    else:
        compiled = _file_cached(name, identifiers, cache_dir, key)
    _TRANSPILED[key] = compiled
    return compiled


@functools.cache
def _module_source() -> str:
    return Path(__file__).read_text()


@functools.cache
def _sqlglot_version() -> str:
    from importlib.metadata import version

    return version("sqlglot")


def _file_cached(name: str, identifiers: Identifiers, cache_dir: Path, key: str) -> CompiledSql:
    import json
    import os

    entry = cache_dir / f"{name.replace('/', '__')}-{key}.json"
    try:
        data = json.loads(entry.read_text())
        return CompiledSql(data["text"], tuple(data["parameters"]), data["is_dml"])
    except (OSError, ValueError, KeyError):
        pass
    compiled = transpile_to_duckdb(render(name, identifiers), identifiers)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = entry.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(
        json.dumps(
            {
                "text": compiled.text,
                "parameters": list(compiled.parameters),
                "is_dml": compiled.is_dml,
            }
        )
    )
    os.replace(tmp, entry)
    return compiled


def transpile_to_duckdb(text: str, identifiers: Identifiers) -> CompiledSql:
    """BigQuery SQL -> DuckDB SQL with sqlglot, after the partition-filter check."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(text, read="bigquery")
    check_partition_filters(tree, identifiers)
    if isinstance(tree, exp.Create):
        # Partitioning, clustering and OPTIONS(...) are BigQuery storage settings with no
        # DuckDB equivalent; the partition-filter rule is enforced above instead.
        tree.set("properties", None)
    params = tuple(dict.fromkeys(p.name for p in tree.find_all(exp.Parameter)))
    is_dml = isinstance(tree, exp.Merge | exp.Insert | exp.Update | exp.Delete)
    return CompiledSql(text=tree.sql("duckdb", comments=False), parameters=params, is_dml=is_dml)
