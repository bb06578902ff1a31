"""Pick the warehouse backend from the Airflow connection the DAGs use.

One setting, `NBA_WAREHOUSE_CONN_ID` (default `nba_warehouse`), names the connection:
- conn_type `duckdb`: the embedded DuckDB file at extra `path` (relative paths are taken
  from the project root; default `data/warehouse.duckdb`);
- conn_type `google_cloud_platform`: BigQuery, project from the connection (extra
  `project`), datasets from NBA_RAW_DATASET / NBA_ANALYTICS_DATASET.
"""

from __future__ import annotations

from pathlib import Path

from nba_backfill.config import PROJECT_ROOT, ConfigError, Settings, settings
from nba_backfill.sql import Identifiers
from nba_backfill.warehouse.base import DataRejected, QueryError, QueryResult, Step, Warehouse

__all__ = [
    "DataRejected",
    "Step",
    "QueryError",
    "QueryResult",
    "Warehouse",
    "duckdb_warehouse",
    "get_warehouse",
]

DUCKDB_CONN_TYPES = {"duckdb"}
BIGQUERY_CONN_TYPES = {"google_cloud_platform", "gcpbigquery", "bigquery"}


def duckdb_warehouse(path: str | Path | None = None, cfg: Settings | None = None):
    from nba_backfill.warehouse.duckdb_backend import DuckDBWarehouse

    cfg = cfg or settings()
    resolved = Path(path) if path else cfg.default_duckdb_path
    if not resolved.is_absolute():
        resolved = PROJECT_ROOT / resolved
    return DuckDBWarehouse(
        resolved,
        Identifiers(
            cfg.raw_dataset,
            cfg.analytics_dataset,
            reference_dataset=cfg.reference_dataset,
            schedule_shape=cfg.schedule_shape,
        ),
        lock_timeout_s=cfg.duckdb_lock_timeout_s,
        memory_limit=cfg.duckdb_memory_limit,
    )


def get_warehouse(conn_id: str | None = None, cfg: Settings | None = None) -> Warehouse:
    """The backend behind the Airflow connection `conn_id` (default from settings)."""
    from airflow.sdk import BaseHook

    cfg = cfg or settings()
    conn_id = conn_id or cfg.warehouse_conn_id
    try:
        conn = BaseHook.get_connection(conn_id)
    except Exception as error:
        raise ConfigError(
            f"Airflow connection {conn_id!r} (NBA_WAREHOUSE_CONN_ID) is not defined: "
            f"create it, e.g. AIRFLOW_CONN_{conn_id.upper()}="
            '\'{"conn_type": "duckdb", "extra": {"path": "data/warehouse.duckdb"}}\' '
            "for the embedded warehouse, or a google_cloud_platform connection for BigQuery"
        ) from error
    conn_type = (conn.conn_type or "").lower()
    if conn_type in DUCKDB_CONN_TYPES:
        return duckdb_warehouse(conn.extra_dejson.get("path") or conn.host or None, cfg)
    if conn_type in BIGQUERY_CONN_TYPES:
        from nba_backfill.warehouse.bigquery_backend import BigQueryWarehouse

        return BigQueryWarehouse(
            conn_id,
            raw_dataset=cfg.raw_dataset,
            analytics_dataset=cfg.analytics_dataset,
            reference_dataset=cfg.reference_dataset,
            schedule_shape=cfg.schedule_shape,
            location=cfg.bigquery_location,
            maximum_bytes_billed=cfg.maximum_bytes_billed,
        )
    raise ConfigError(
        f"Airflow connection {conn_id!r} has conn_type {conn.conn_type!r}; expected 'duckdb' "
        "(embedded warehouse) or 'google_cloud_platform' (BigQuery)"
    )
