"""Embedded warehouse: a DuckDB file, reached by transpiling the BigQuery SQL files.

- Datasets are DuckDB schemas (`nba_raw`, `nba_analytics`) in one file.
- Parameters are bound by DuckDB (`$day`), never pasted into the SQL text.
- A query on a `require_partition_filter` table without a `game_date` filter is refused
  before it runs (see nba_backfill.sql.check_partition_filters), as BigQuery would.
- A DuckDB file admits one writer process. Airflow runs each task in its own process, so
  every statement opens the file, runs, and closes it, holding the file only for that
  statement. Processes take turns through an exclusive `flock` on `<file>.lock`, held from
  before DuckDB opens the file until after it has closed it (its close-time checkpoint
  included): DuckDB's own lock only makes a second opener fail, and with six load_day
  tasks at a time under the scheduler a committed day was once seen lost without it. A
  process that finds the lock taken waits with a short jittered back-off until
  `lock_timeout_s`.
"""

from __future__ import annotations

import fcntl
import logging
import os
import random
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nba_backfill.sql import NFKD_FUNCTION, Identifiers, compile_duckdb
from nba_backfill.warehouse.base import (
    QueryResult,
    Step,
    TableScan,
    Warehouse,
    check_location,
    check_parameters,
    check_staging_name,
    query_error,
)

log = logging.getLogger(__name__)


def _is_lock_error(error: Exception) -> bool:
    text = str(error)
    return "Could not set lock on file" in text or "Conflicting lock" in text


def _nfkd(values):
    import pyarrow.compute as pc

    return pc.utf8_normalize(values, "NFKD")


def register_functions(con) -> None:
    """What the transpiled SQL calls that DuckDB lacks: NORMALIZE(x, NFKD) of BigQuery, as
    `nba_nfkd` (Unicode NFKD by pyarrow, vectorised)."""
    from duckdb import sqltypes

    con.create_function(
        NFKD_FUNCTION, _nfkd, [sqltypes.VARCHAR], sqltypes.VARCHAR, type="arrow", side_effects=False
    )


def table_scans(profile: str) -> list[TableScan]:
    """The table scans of a statement, from DuckDB's profiler (its JSON)."""
    import json

    scans: list[TableScan] = []

    def walk(node: dict) -> None:
        if node.get("type") == "TABLE_SCAN" and "Table" in (node.get("extra_info") or {}):
            scans.append(
                TableScan(
                    table=node["extra_info"]["Table"].split(".", 1)[-1],
                    row_groups_scanned=int(node.get("row_groups_scanned") or 0),
                    row_groups_total=int(node.get("total_row_groups_to_scan") or 0),
                    rows_scanned=int(node.get("rows_scanned") or 0),
                )
            )
        for child in node.get("children") or []:
            walk(child)

    for node in (json.loads(profile or "{}") or {}).get("operator") or []:
        walk(node)
    return scans


class LockTimeout(TimeoutError):
    """Another process held the warehouse file for longer than the lock timeout."""


class _ProcessFileLock:
    """An exclusive flock on `<db>.lock`, re-entrant within one process.

    flock belongs to an open file description, so a second flock on the same file from
    the same process would wait for itself: nested users in one process share one lock.
    """

    _held: dict[str, list] = {}  # path -> [fd, depth]
    _guard = threading.RLock()

    def __init__(self, path: Path, timeout_s: float) -> None:
        self.path = str(path)
        self.timeout_s = timeout_s
        self.waits = 0

    def acquire(self) -> None:
        self._guard.acquire()
        held = self._held.get(self.path)
        if held is not None:
            held[1] += 1
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout_s
        delay = 0.005
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise LockTimeout(
                            f"{self.path} stayed locked by another process for more than "
                            f"{self.timeout_s:.0f} s (NBA_DUCKDB_LOCK_TIMEOUT_S)"
                        ) from None
                    self.waits += 1
                    time.sleep(delay * (0.5 + random.random()))
                    delay = min(delay * 2, 0.25)
        except BaseException:
            os.close(fd)
            self._guard.release()
            raise
        self._held[self.path] = [fd, 1]

    def release(self) -> None:
        held = self._held[self.path]
        held[1] -= 1
        if held[1] == 0:
            del self._held[self.path]
            fcntl.flock(held[0], fcntl.LOCK_UN)
            os.close(held[0])
        self._guard.release()


class LockedConnection:
    """A DuckDB connection that holds the warehouse's file lock until it is closed."""

    def __init__(self, con, lock: _ProcessFileLock) -> None:
        self._con = con
        self._lock = lock
        self._open = True

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def close(self) -> None:
        if self._open:
            self._open = False
            try:
                self._con.close()
            finally:
                self._lock.release()

    def __enter__(self) -> LockedConnection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_open", False):
            self.close()


class DuckDBWarehouse(Warehouse):
    backend = "duckdb"

    def __init__(
        self,
        path: str | Path,
        identifiers: Identifiers | None = None,
        lock_timeout_s: float = 120.0,
        profile: bool = False,
        memory_limit: str = "",
    ) -> None:
        self.path = Path(path)
        # SET memory_limit for every connection ("" = DuckDB's default); a statement that
        # needs more fails with CapacityExceeded
        from nba_backfill.config import validate_memory_limit

        self.memory_limit = validate_memory_limit(memory_limit)
        # record what each statement scanned (QueryResult.scans), from DuckDB's profiler
        self.profile = profile
        self.identifiers = identifiers or Identifiers()
        if self.identifiers.project is not None:
            raise ValueError("DuckDB datasets are schemas of one file: no project")
        self.lock_timeout_s = lock_timeout_s
        self.lock_waits = 0  # how many times this instance waited for another writer
        # transpiled SQL, shared by the task processes that use this file
        self.sql_cache_dir = self.path.parent / f".{self.path.name}.sqlcache"

    def __repr__(self) -> str:
        return f"DuckDBWarehouse({str(self.path)!r})"

    def connect(self) -> LockedConnection:
        """Open the file for this process alone; close() (or `with`) hands it back."""
        import duckdb

        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = _ProcessFileLock(Path(f"{self.path}.lock"), self.lock_timeout_s)
        lock.acquire()
        try:
            deadline = time.monotonic() + self.lock_timeout_s
            delay = 0.01
            while True:  # someone outside this project (a DuckDB shell) may hold the file
                try:
                    con = duckdb.connect(str(self.path))
                    break
                except duckdb.IOException as error:
                    if not _is_lock_error(error) or time.monotonic() > deadline:
                        raise
                    time.sleep(delay * (0.5 + random.random()))
                    delay = min(delay * 2, 0.5)
            con.execute("SET TimeZone = 'UTC'")
            con.execute("SET enable_progress_bar = false")
            if self.memory_limit:  # (validated: config.validate_memory_limit)
                con.execute("SET memory_limit = ?", [self.memory_limit])
            register_functions(con)
        except BaseException:
            lock.release()
            raise
        self.lock_waits += lock.waits
        return LockedConnection(con, lock)

    def run(
        self,
        sql_name: str,
        params: Mapping[str, Any] | None = None,
        *,
        labels: Mapping[str, str] | None = None,
        template: Mapping[str, Any] | None = None,
    ) -> QueryResult:
        con = self.connect()
        try:
            return self._execute(con, Step(sql_name, params or {}, template, labels))
        finally:
            con.close()

    def run_transaction(self, steps: list[Step]) -> list[QueryResult]:
        con = self.connect()
        try:
            con.execute("begin")
            try:
                results = [self._execute(con, step) for step in steps]
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
            return results
        finally:
            con.close()

    def _execute(self, con, step: Step) -> QueryResult:
        """One statement on an open connection: rows of a SELECT, or rows affected."""
        import duckdb

        sql_name = step.sql_name
        compiled = compile_duckdb(sql_name, self.identifiers, self.sql_cache_dir, step.template)
        bound = check_parameters(sql_name, compiled.parameters, step.params or {})
        started = time.perf_counter()
        if self.profile:
            con.execute("pragma enable_profiling = 'no_output'")
        try:
            cursor = con.execute(compiled.text, bound) if bound else con.execute(compiled.text)
            result = QueryResult(sql_name=sql_name)
            if cursor.description is not None:
                columns = [d[0] for d in cursor.description]
                rows = cursor.fetchall()
                if compiled.is_dml:
                    result.affected_rows = int(rows[0][0]) if rows else 0
                else:
                    result.rows = [dict(zip(columns, row, strict=True)) for row in rows]
        except duckdb.Error as error:
            raise query_error(sql_name, f"DuckDB {self.path}", error) from error
        result.elapsed_s = time.perf_counter() - started
        if self.profile:
            result.scans = table_scans(con.get_profiling_information(format="json"))
            con.execute("pragma disable_profiling")
        log.info(
            "%s: %s in %.3fs%s",
            sql_name,
            f"{result.affected_rows} rows affected"
            if compiled.is_dml
            else f"{len(result.rows)} rows",
            result.elapsed_s,
            f" (labels {dict(step.labels)})" if step.labels else "",
        )
        return result

    def export_parquet(
        self,
        sql_name: str,
        params: Mapping[str, Any],
        location: str,
        *,
        labels: Mapping[str, str] | None = None,
    ) -> str:
        """COPY (the SELECT) TO <location>/part-0.parquet, written next to it first and
        moved into place, so that a reader never sees half a file."""
        import duckdb

        folder = Path(check_location(location, cloud=False))
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / "part-0.parquet"
        target = folder / f".part-0.{os.getpid()}.parquet"  # (a validated path)
        compiled = compile_duckdb(sql_name, self.identifiers, self.sql_cache_dir)
        bound = check_parameters(sql_name, compiled.parameters, params)
        query = compiled.text
        started = time.perf_counter()
        con = self.connect()
        try:
            con.execute(f"copy ({query}) to '{target}' (format parquet)", bound)
        except duckdb.Error as error:
            target.unlink(missing_ok=True)
            raise query_error(sql_name, f"DuckDB {self.path}", error) from error
        finally:
            con.close()
        for stale in folder.glob("*.parquet"):  # the folder holds this export only
            if stale.name != final.name and not stale.name.startswith("."):
                stale.unlink()
        os.replace(target, final)
        log.info("%s: exported to %s in %.3fs", sql_name, final, time.perf_counter() - started)
        return str(final)

    def table_columns(self, dataset: str, table: str) -> list | None:
        from nba_backfill.target import column

        con = self.connect()
        try:
            rows = con.execute(
                "select column_name, data_type, is_nullable = 'NO', numeric_scale "
                "from information_schema.columns where table_schema = ? and table_name = ? "
                "order by ordinal_position",
                [dataset, table],
            ).fetchall()
        finally:
            con.close()
        if not rows:
            return None
        return [
            column(name, kind, required, scale if kind.upper().startswith("DECIMAL") else None)
            for name, kind, required, scale in rows
        ]

    def create_datasets(self) -> None:
        con = self.connect()
        try:
            for dataset in self.identifiers.datasets:
                con.execute(f'create schema if not exists "{dataset}"')
        finally:
            con.close()

    def _raw_table(self, table: str) -> str:
        """The quoted name of a raw or reference table of the DDL (identifiers are never
        user text)."""
        from nba_backfill.sql import loadable_tables

        dataset = loadable_tables().get(table)
        if dataset is None:
            raise ValueError(f"{table!r} is not a raw or reference table of include/sql/ddl")
        name = {
            "raw": self.identifiers.raw_dataset,
            "reference": self.identifiers.reference_dataset,
        }
        return f'"{name[dataset]}"."{table}"'

    def empty_raw_tables(self, tables) -> None:
        """Delete every row of these raw (or reference) tables, in one transaction (the
        demo's rebuild)."""
        con = self.connect()
        try:
            con.execute("begin")
            for table in tables:
                target = self._raw_table(table)
                con.execute(f"delete from {target}")  # noqa: S608 (validated identifier)
            con.execute("commit")
        finally:
            con.close()

    def load_arrow(self, table: str, data, *, replace_dates: bool = True) -> int:
        """Load an Arrow table into a raw table (demo data, fixtures), or append to a
        reference table (which has no game dates).

        With `replace_dates`, rows of the same game dates are deleted first, so that a
        reload of a range replaces it instead of duplicating it.
        """
        target = self._raw_table(table)
        con = self.connect()
        try:
            con.execute("begin")
            con.register("_incoming", data)
            columns = [r[0] for r in con.execute(f"describe {target}").fetchall()]
            missing = [c for c in columns if c not in data.column_names]
            select = ", ".join(f'"{c}"' if c not in missing else f'null as "{c}"' for c in columns)
            if replace_dates and "game_date" in columns:
                con.execute(
                    f"delete from {target} where game_date in "  # noqa: S608 (validated identifier)
                    "(select distinct game_date from _incoming)"
                )
            query = f"select {select} from _incoming"  # noqa: S608 (validated identifiers)
            if "game_date" in columns:
                query += " order by game_date"
            con.execute(f"insert into {target} {query}")
            con.execute("commit")
            con.unregister("_incoming")
            return data.num_rows
        except Exception:
            con.execute("rollback")
            raise
        finally:
            con.close()

    def stage_file(self, path: Path, staging: str, file_format: str) -> list[str]:
        staged = f'"{self.identifiers.raw_dataset}"."{check_staging_name(staging)}"'
        reader = {
            "csv": "read_csv($path, header = true, all_varchar = true)",
            "parquet": "read_parquet($path)",
        }[file_format]
        con = self.connect()
        try:
            con.execute(
                f"create table {staged} as select * from {reader}",  # noqa: S608 (identifiers)
                {"path": str(path)},
            )
            return [row[0] for row in con.execute(f"describe {staged}").fetchall()]
        finally:
            con.close()

    def drop_staging(self, staging: str) -> None:
        staged = f'"{self.identifiers.raw_dataset}"."{check_staging_name(staging)}"'
        con = self.connect()
        try:
            con.execute(f"drop table if exists {staged}")
        finally:
            con.close()

    def checkpoint(self) -> None:
        con = self.connect()
        try:
            con.execute("checkpoint")
        finally:
            con.close()
