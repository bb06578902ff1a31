"""The warehouse seam: one narrow interface, two backends (DuckDB and BigQuery).

A task asks a Warehouse to run one SQL file of include/sql with bound parameters and
gets back rows (for a SELECT) or the number of affected rows (for DML). Nothing else of
the backend leaks into the DAGs.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nba_backfill.sql import Identifiers

_LABEL_RE = re.compile(r"[^a-z0-9_-]")
STAGING_RE = re.compile(r"^_load_[a-z_]+_[0-9a-f]{8}$")


def check_location(location: str, *, cloud: bool) -> str:
    """An export folder fit to be written into SQL text (config.validate_location), on
    the storage the backend writes to: gs:// for BigQuery, a local folder for DuckDB."""
    from nba_backfill.config import ConfigError, validate_location

    location = validate_location(location, "export location")
    if cloud != location.startswith("gs://"):
        raise ConfigError(
            f"export location {location!r}: "
            + ("BigQuery exports to Cloud Storage: set NBA_EXPORT_LOCATION=gs://bucket/path"
               if cloud else "the embedded warehouse writes to a local folder, not gs://")
        )  # fmt: skip
    return location


def check_staging_name(staging: str) -> str:
    if not STAGING_RE.match(staging):
        raise ValueError(f"{staging!r} is not a staging table name of the loader")
    return staging


class QueryError(RuntimeError):
    """A statement failed in the warehouse; the message names the SQL file."""


class DataRejected(QueryError):
    """The statement refused raw data it cannot load (an ERROR() raised by the SQL, whose
    message starts with REJECTED); nothing was written. Retrying cannot help: fix the
    data, then run again."""


class CapacityExceeded(QueryError):
    """The warehouse could not run the statement within its limits (DuckDB's memory limit,
    BigQuery's bytes billed or resources); nothing was written. The same work in smaller
    statements can succeed (Pass 2 splits a window by season)."""


REJECTED_MARK = "REJECTED "
# how the engines say a statement was too big for them (DuckDB's OutOfMemoryException;
# BigQuery's resourcesExceeded, bytesBilledLimitExceeded, billingTierLimitExceeded)
CAPACITY_MARKS = (
    "Out of Memory Error",
    "OutOfMemoryException",
    "resourcesExceeded",
    "Resources exceeded during query execution",
    "Query exceeded resource limits",
    "bytesBilledLimitExceeded",
    "Query exceeded limit for bytes billed",
    "billingTierLimitExceeded",
)


def query_error(sql_name: str, backend: str, error: Exception) -> QueryError:
    """The exception to raise for a failed statement: DataRejected for the SQL's own
    ERROR(REJECTED ...), CapacityExceeded when the engine says it was too big for it,
    QueryError otherwise."""
    text = str(error)
    if REJECTED_MARK in text:
        reason = text[text.index(REJECTED_MARK) :].splitlines()[0]
        return DataRejected(f"{sql_name} refused the data on {backend}: {reason}")
    if type(error).__name__ == "OutOfMemoryException" or any(m in text for m in CAPACITY_MARKS):
        return CapacityExceeded(
            f"{sql_name} was too big for {backend} (nothing was written): "
            f"{text.splitlines()[0] if text else type(error).__name__}"
        )
    return QueryError(f"{sql_name} failed on {backend}: {text}")


@dataclass
class TableScan:
    """What a statement read of one table, in the warehouse's own figures (DuckDB's
    profiler: row groups scanned of those the table has, rows read)."""

    table: str
    row_groups_scanned: int
    row_groups_total: int
    rows_scanned: int


@dataclass
class QueryResult:
    sql_name: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    affected_rows: int | None = None
    bytes_processed: int | None = None
    job_id: str | None = None
    elapsed_s: float = 0.0
    # with a profiling warehouse (DuckDBWarehouse(profile=True)): the tables it scanned
    scans: list[TableScan] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    """One statement of a transaction: a SQL file, its parameters and identifiers."""

    sql_name: str
    params: Mapping[str, Any] = field(default_factory=dict)
    template: Mapping[str, Any] | None = None
    labels: Mapping[str, str] | None = None


def check_parameters(sql_name: str, wanted: tuple[str, ...], given: Mapping[str, Any]) -> dict:
    """The parameters the statement references, all present and of a bindable type."""
    missing = [p for p in wanted if p not in given]
    if missing:
        raise QueryError(
            f"{sql_name}: missing query parameter(s) {', '.join('@' + m for m in missing)}"
        )
    bound = {}
    for name in wanted:
        value = given[name]
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            if item is not None and not isinstance(
                item, str | int | float | bool | dt.date | dt.datetime
            ):
                raise QueryError(f"{sql_name}: @{name} has unsupported type {type(item).__name__}")
        bound[name] = list(value) if isinstance(value, tuple) else value
    return bound


def clean_labels(labels: Mapping[str, Any] | None) -> dict[str, str]:
    """BigQuery label rules: lower-case letters, digits, '_' and '-', at most 63 chars."""
    out = {}
    for key, value in (labels or {}).items():
        k = _LABEL_RE.sub("_", str(key).lower())[:63]
        if k and k[0].isalpha():
            out[k] = _LABEL_RE.sub("_", str(value).lower())[:63]
    return out


class Warehouse(ABC):
    """Run one SQL file of include/sql with bound parameters."""

    backend: str
    identifiers: Identifiers

    @abstractmethod
    def run(
        self,
        sql_name: str,
        params: Mapping[str, Any] | None = None,
        *,
        labels: Mapping[str, str] | None = None,
        template: Mapping[str, Any] | None = None,
    ) -> QueryResult:
        """Run include/sql/<sql_name>.sql; SELECT -> rows, DML -> affected_rows.
        `template`: extra identifiers the file renders (a table, columns), never values."""

    @abstractmethod
    def run_transaction(self, steps: list[Step]) -> list[QueryResult]:
        """Run the statements in ONE transaction: all of them take effect, or none (the
        first that fails rolls back the others)."""

    @abstractmethod
    def export_parquet(
        self,
        sql_name: str,
        params: Mapping[str, Any],
        location: str,
        *,
        labels: Mapping[str, str] | None = None,
    ) -> str:
        """Write the rows of a SELECT file as Parquet into the folder `location` (a local
        folder on DuckDB, gs://... on BigQuery), replacing what the folder held, by the
        warehouse itself (no row goes through the caller). Returns where it wrote."""

    @abstractmethod
    def stage_file(self, path: Path, staging: str, file_format: str) -> list[str]:
        """Copy a raw file ('csv' with a header row, gzipped or not, or 'parquet') into a
        new staging table of the raw dataset, as it is; returns the file's column names."""

    @abstractmethod
    def drop_staging(self, staging: str) -> None:
        """Drop a staging table of stage_file (if it exists)."""

    def apply_schema(self) -> list[str]:
        """Create the datasets and tables of include/sql/ddl if they do not exist; with a
        schedule of another shape (NBA_SCHEDULE_SHAPE), the view the statements read it
        through instead of the native table (the raw table is the feed's, never created)."""
        from nba_backfill.sql import ddl_names

        self.create_datasets()
        shape = self.identifiers.schedule_shape
        names = ddl_names()
        if shape != "native":
            names = [n for n in names if n != "ddl/nbac_schedule"] + [f"shapes/{shape}_schedule"]
        for name in names:
            self.run(name)
        return names

    @abstractmethod
    def table_columns(self, dataset: str, table: str) -> list | None:
        """The table's columns (nba_backfill.target.Column: name, type, REQUIRED, NUMERIC
        scale) as the warehouse describes them, or None when there is no such table."""

    @abstractmethod
    def create_datasets(self) -> None:
        """Create the raw and analytics datasets (schemas) if missing."""
