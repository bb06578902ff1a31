"""SQL files: loading, identifier rendering, partition-filter checks and transpiling.

The files under include/sql/ are BigQuery Standard SQL, one statement each. Jinja renders
identifiers (`{{ raw }}`, `{{ analytics }}`: the dataset paths) and one macro,
`player_lookup(name, lookup)` (include/sql/macros/player_lookup.sql.j2: the contract's
player key, written once); every value is a query parameter (`@day`, `@start_date`). This
module never sees parameter values.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nba_backfill.config import (
    SQL_DIR,
    validate_dataset,
    validate_project,
    validate_schedule_shape,
)

# the view apply-schema creates over a schedule of another shape (include/sql/shapes/)
SCHEDULE_VIEW = "nbac_schedule_games"


class PartitionFilterError(ValueError):
    """A query reads a `require_partition_filter` table without a `game_date` filter."""


@dataclass(frozen=True)
class Identifiers:
    """Where the tables live. `project` is None on DuckDB (datasets are schemas there)."""

    raw_dataset: str = "nba_raw"
    analytics_dataset: str = "nba_analytics"
    project: str | None = None
    # the user's own reference tables (player aliases)
    reference_dataset: str = "nba_reference"
    # the shape of the schedule table (NBA_SCHEDULE_SHAPE): "native" (this package's) or
    # "nbacom" (NBA.com's, read through the view {reference}.nbac_schedule_games)
    schedule_shape: str = "native"

    def __post_init__(self) -> None:
        validate_dataset(self.raw_dataset, "raw dataset")
        validate_dataset(self.analytics_dataset, "analytics dataset")
        validate_dataset(self.reference_dataset, "reference dataset")
        validate_schedule_shape(self.schedule_shape, "schedule shape")
        if self.project is not None:
            validate_project(self.project, "project")

    def _path(self, dataset: str) -> str:
        return f"`{self.project}`.{dataset}" if self.project else dataset

    @property
    def datasets(self) -> tuple[str, ...]:
        return (self.raw_dataset, self.analytics_dataset, self.reference_dataset)

    @property
    def schedule_relation(self) -> str:
        """What the statements read the schedule from: the raw table in this package's
        shape, or the view that maps another shape onto it (created by apply-schema)."""
        if self.schedule_shape == "native":
            return f"{self._path(self.raw_dataset)}.nbac_schedule"
        return f"{self._path(self.reference_dataset)}.{SCHEDULE_VIEW}"

    @property
    def template_vars(self) -> dict[str, str]:
        return {
            "raw": self._path(self.raw_dataset),
            "analytics": self._path(self.analytics_dataset),
            "reference": self._path(self.reference_dataset),
            "schedule": self.schedule_relation,
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


# in the order they call each other (a macro sees the globals of the files before it)
MACROS = (
    "macros/own_rows.sql.j2",
    "macros/player_lookup.sql.j2",
    "macros/raw_values.sql.j2",
    "macros/player_aliases.sql.j2",
)


# SQL files that other files embed with ctes_of(): part of every compile cache key too
EMBEDDED = ("pass2/merge_shot_zones",)


@functools.cache
def macros_text() -> str:
    """The macro files the SQL files call and the files they embed (part of every compile
    cache key)."""
    return "\0".join(
        [(SQL_DIR / name).read_text() for name in MACROS] + [load(name) for name in EMBEDDED]
    )


@functools.cache
def _jinja():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(SQL_DIR)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    for name in MACROS:
        module = env.get_template(name).module
        env.globals.update({k: getattr(module, k) for k in dir(module) if not k.startswith("_")})
    env.globals["ctes_of"] = jinja2.pass_context(_ctes_of)
    return env


def _ctes_of(context, name: str) -> str:
    """`{{ ctes_of('pass2/merge_shot_zones') }}`: the WITH clause of the query that the
    MERGE of another SQL file merges from, as BigQuery SQL, so that an audit can select
    from the very CTEs the statement computes (never a copy that could drift)."""
    import sqlglot
    from sqlglot import exp

    text = _jinja().from_string(load(name)).render(**context.get_all()).strip().rstrip(";")
    merge = sqlglot.parse_one(text, read="bigquery")
    if not isinstance(merge, exp.Merge):
        raise ValueError(f"ctes_of({name!r}): not a MERGE statement")
    using = merge.args["using"]
    query = using.this if isinstance(using, exp.Subquery) else using
    with_ = query.args.get("with_") or query.args.get("with")
    if with_ is None:
        raise ValueError(f"ctes_of({name!r}): its MERGE reads no WITH query")
    return with_.sql("bigquery")


_IDENTIFIER_RE = re.compile(r"^[a-z_][a-z0-9_]{0,127}$")
_TYPES = {"STRING", "INT64", "FLOAT64", "BOOL", "DATE", "TIMESTAMP"}


def check_template(template: Mapping[str, Any] | None) -> dict[str, Any]:
    """Extra template variables are identifiers too, never values: a table or column name
    (lower-case letters, digits, '_'), a column type of the DDL, a NUMERIC column's scale
    (read from the table's schema), or lists of those."""

    def ok(value: Any) -> bool:
        if isinstance(value, int) and not isinstance(value, bool):
            return -1 <= value <= 38  # a NUMERIC column's scale (target.py), never a value
        if isinstance(value, str):
            return bool(_IDENTIFIER_RE.match(value)) or value in _TYPES
        if isinstance(value, list | tuple):
            return all(ok(v) for v in value)
        return False

    for key, value in (template or {}).items():
        if not ok(value):
            raise ValueError(f"template variable {key}={value!r} is not an identifier")
    return dict(template or {})


def render(name: str, identifiers: Identifiers, template: Mapping[str, Any] | None = None) -> str:
    """The file's BigQuery SQL with identifiers filled in (values stay @parameters)."""
    variables = {**check_template(template), **identifiers.template_vars}
    return _jinja().from_string(load(name)).render(**variables).strip().rstrip(";")


@functools.cache
def ddl_columns(table: str) -> tuple[tuple[str, str, bool], ...]:
    """(name, BigQuery type, NOT NULL) of each column of a raw or reference table, in DDL
    order."""
    import sqlglot

    if table not in loadable_tables():
        raise ValueError(f"{table!r} is not a raw or reference table of include/sql/ddl")
    create = sqlglot.parse_one(render(f"ddl/{table}", Identifiers()), read="bigquery")
    return tuple(
        (
            column.name,
            column.args["kind"].sql("bigquery").upper(),
            any(type(c.kind).__name__ == "NotNullColumnConstraint" for c in column.constraints),
        )
        for column in create.this.expressions
    )


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


@functools.cache
def table_datasets() -> dict[str, str]:
    """{table: template var of its dataset} of every DDL file ('raw', 'analytics',
    'reference')."""
    found = {}
    for name in ddl_names():
        match = _CREATE_RE.search(load(name))
        if match:
            found[match.group(2).lower()] = match.group(1)
    return found


def loadable_tables() -> dict[str, str]:
    """{table: dataset var} of the tables `cli load` writes: the raw tables and the
    reference tables (the user's own)."""
    return {t: v for t, v in table_datasets().items() if v in ("raw", "reference")}


def _required_tables(identifiers: Identifiers) -> set[tuple[str, str]]:
    datasets = {
        "raw": identifiers.raw_dataset,
        "analytics": identifiers.analytics_dataset,
        "reference": identifiers.reference_dataset,
    }
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

    if isinstance(tree, exp.Create) and (tree.args.get("kind") or "").upper() == "VIEW":
        return  # a view's query is checked where the view is read, as BigQuery does
    required = _required_tables(identifiers)
    if isinstance(tree, exp.Merge) and isinstance(tree.this, exp.Table):
        target = tree.this
        if (target.db.lower(), target.name.lower()) in required:
            whens = [w for w in tree.find_all(exp.When) if w.args.get("condition") is not None]
            if not any(
                _filters_game_date(w.args["condition"], target.alias_or_name, False) for w in whens
            ):
                raise PartitionFilterError(
                    f"Cannot MERGE into table '{target.db}.{target.name}' without a filter over "
                    "column(s) 'game_date' that can be used for partition elimination in a WHEN "
                    "clause (the table has require_partition_filter = TRUE)."
                )
    if isinstance(tree, exp.Delete) and isinstance(tree.this, exp.Table):
        target = tree.this
        if (target.db.lower(), target.name.lower()) in required and not _filters_game_date(
            tree.args.get("where"), target.alias_or_name, True
        ):
            what = f"table '{target.db}.{target.name}'"
            raise PartitionFilterError(
                f"Cannot DELETE rows of {what} without a filter over "
                "column(s) 'game_date' that can be used for partition elimination (the table "
                "has require_partition_filter = TRUE)."
            )
    if isinstance(tree, exp.Create):
        # DDL creates the table; only a CREATE ... AS SELECT reads anything.
        tree = tree.expression
        if tree is None:
            return
    written = None  # the table a DML statement writes (checked above, or an INSERT's)
    if isinstance(tree, exp.Merge | exp.Delete):
        written = tree.this
    elif isinstance(tree, exp.Insert):
        written = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    for table in tree.find_all(exp.Table):
        key = (table.db.lower(), table.name.lower())
        if key not in required or table is written:
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
NFKD_FUNCTION = "nba_nfkd"


def compile_bigquery(
    name: str, identifiers: Identifiers, template: Mapping[str, Any] | None = None
) -> CompiledSql:
    """BigQuery keeps the SQL as written; the partition filter is enforced by BigQuery."""
    text = render(name, identifiers, template)
    head = re.sub(r"--[^\n]*", "", text).lstrip().lower()
    return CompiledSql(
        text=text,
        parameters=tuple(dict.fromkeys(_PARAM_RE.findall(re.sub(r"--[^\n]*", "", text)))),
        is_dml=head.startswith(("merge", "insert", "update", "delete")),
    )


_TRANSPILED: dict[str, CompiledSql] = {}


def compile_duckdb(
    name: str,
    identifiers: Identifiers,
    cache_dir: Path | None = None,
    template: Mapping[str, Any] | None = None,
) -> CompiledSql:
    """The SQL file, rendered and transpiled for DuckDB.

    Cached in this process, and in `cache_dir` across processes: every Airflow task is a
    new process, and importing sqlglot and parsing a statement costs more than running a
    day's MERGE. The cache key covers everything the result depends on (the SQL file's
    text, the identifiers, this module's code and the sqlglot version), so a stale entry
    can never be used; entries are written atomically.
    """
    import hashlib
    import json

    text = load(name)
    extra = json.dumps(check_template(template), sort_keys=True)
    key = hashlib.sha256(
        "\0".join(
            [text, macros_text(), repr(identifiers), extra, _module_source(), _sqlglot_version()]
        ).encode()
    ).hexdigest()[:32]
    compiled = _TRANSPILED.get(key)
    if compiled is not None:
        return compiled
    if cache_dir is None:
        compiled = transpile_to_duckdb(render(name, identifiers, template), identifiers)
    else:
        compiled = _file_cached(name, identifiers, cache_dir, key, template)
    _TRANSPILED[key] = compiled
    return compiled


@functools.cache
def _module_source() -> str:
    return Path(__file__).read_text()


@functools.cache
def _sqlglot_version() -> str:
    from importlib.metadata import version

    return version("sqlglot")


def _file_cached(
    name: str,
    identifiers: Identifiers,
    cache_dir: Path,
    key: str,
    template: Mapping[str, Any] | None,
) -> CompiledSql:
    import json
    import os

    entry = cache_dir / f"{name.replace('/', '__')}-{key}.json"
    try:
        data = json.loads(entry.read_text())
        return CompiledSql(data["text"], tuple(data["parameters"]), data["is_dml"])
    except (OSError, ValueError, KeyError):
        pass
    compiled = transpile_to_duckdb(render(name, identifiers, template), identifiers)
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
    for node in list(tree.find_all(exp.Normalize)):
        # DuckDB has no NORMALIZE(x, NFKD): the warehouse's connections have nba_nfkd,
        # Unicode NFKD by pyarrow (duckdb_backend.NFKD_FUNCTION)
        form = node.args.get("form")
        if form is None or form.name.upper() != "NFKD":
            raise ValueError(f"only NORMALIZE(x, NFKD) runs on DuckDB, not {node.sql('bigquery')}")
        node.replace(exp.Anonymous(this=NFKD_FUNCTION, expressions=[node.this]))
    for node in list(tree.find_all(exp.CountIf)):
        # BigQuery's COUNTIF is 0 when no value is TRUE, NULLs included; DuckDB's count_if
        # is NULL when every value is NULL: count the TRUE ones, as BigQuery does
        node.replace(
            exp.Count(this=exp.Case(ifs=[exp.If(this=node.this, true=exp.Literal.number(1))]))
        )
    params = tuple(dict.fromkeys(p.name for p in tree.find_all(exp.Parameter)))
    is_dml = isinstance(tree, exp.Merge | exp.Insert | exp.Update | exp.Delete)
    return CompiledSql(text=tree.sql("duckdb", comments=False), parameters=params, is_dml=is_dml)
