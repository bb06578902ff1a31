"""Settings of the package, read once from the environment.

Every knob has a documented default (see `.env.example`); nothing else in the package
reads `os.environ`. Invalid values fail here, with the variable's name and the fix, before
any task touches the warehouse.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SQL_DIR = PROJECT_ROOT / "include" / "sql"

# BigQuery naming rules (https://cloud.google.com/bigquery/docs/datasets#dataset-naming and
# project ids): validated so that an identifier can be rendered into SQL text safely.
_DATASET_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,1023}$")
_PROJECT_RE = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")


class ConfigError(ValueError):
    """A setting is invalid; the message names the variable and how to fix it."""


def validate_dataset(name: str, setting: str) -> str:
    if not _DATASET_RE.match(name or ""):
        raise ConfigError(
            f"{setting}={name!r} is not a valid dataset name: use letters, digits and "
            "underscores, starting with a letter or underscore."
        )
    return name


def validate_project(name: str, setting: str) -> str:
    if not _PROJECT_RE.match(name or ""):
        raise ConfigError(
            f"{setting}={name!r} is not a valid Google Cloud project id: 6-30 lower-case "
            "letters, digits or hyphens, starting with a letter."
        )
    return name


_LOCATION_RE = re.compile(
    r"^(gs://[a-z0-9][a-z0-9._-]{1,220}(/[A-Za-z0-9._=-]+)*|[A-Za-z0-9._/=-]+)/?$"
)


def validate_location(value: str, setting: str = "NBA_EXPORT_LOCATION") -> str:
    """A folder or a gs:// URI made of plain characters (it is written into SQL text:
    COPY ... TO, EXPORT DATA OPTIONS(uri=...)); '' for the default."""
    if value and not _LOCATION_RE.match(value):
        raise ConfigError(
            f"{setting}={value!r} is not a folder or gs://bucket/path of letters, digits and "
            "._-=/ only; e.g. NBA_EXPORT_LOCATION=data/exports or gs://my-bucket/exports"
        )
    return value.rstrip("/")


@dataclass(frozen=True)
class Settings:
    # The Airflow connection the DAGs use; its type picks the backend
    # (`duckdb` -> embedded DuckDB file, `google_cloud_platform` -> BigQuery).
    warehouse_conn_id: str = "nba_warehouse"
    raw_dataset: str = "nba_raw"
    analytics_dataset: str = "nba_analytics"
    # the user's own reference tables: nba_reference.player_aliases
    reference_dataset: str = "nba_reference"
    # the shape of {raw}.nbac_schedule: "native" (this package's columns) or "nbacom"
    # (NBA.com's: 10-digit game_id, *_team_tricode, INT64 game_status), read through a
    # view that apply-schema creates in the reference dataset
    schedule_shape: str = "native"
    # Airflow pool that bounds concurrent writes to the output table. BigQuery runs at
    # most 2 mutating DML statements per table at once, so the pool has 2 slots.
    write_pool: str = "nba_warehouse_writes"
    write_pool_slots: int = 2
    # BigQuery: bytes a single query may bill before BigQuery refuses it (0 = no cap).
    maximum_bytes_billed: int = 50 * 1024**3
    bigquery_location: str = "US"
    # Audit: accepted share of gamebook rows with NULL minutes_played (players who
    # dressed but did not play).
    null_minutes_min_share: float = 0.35
    null_minutes_max_share: float = 0.45
    # Pass 2 audit: the least share of active player-games whose shot zones must agree
    # with the box score (real feeds carry scorer corrections, so not 1.0).
    pass2_min_match_rate: float = 0.98
    # Pass 2 audit: the largest share of play-by-play shots that may be credited to nobody
    # (a player who resolves to no roster player of his game, a game without a roster).
    pass2_max_unmatched_share: float = 0.005
    # Staleness: how many days back from what a run was asked for (and from today) a
    # run looks for days its pass left stale (late corrections, lost asset events).
    stale_lookback_days: int = 42
    # Pass 2 runs wait while Pass 1 has runs queued or running (a backfill, a nightly run),
    # at most this long (0: never), then take every stale day at once.
    pass2_max_wait_minutes: int = 120
    # DuckDB: how long a statement waits for another process's write lock.
    duckdb_lock_timeout_s: float = 120.0
    # DuckDB: the most memory a statement may use (e.g. "4GB"; empty: DuckDB's default,
    # 80% of the machine). A Pass 2 statement above it is split by season.
    duckdb_memory_limit: str = ""
    # Local data folder (git-ignored) for the embedded warehouse.
    local_data_dir: Path = PROJECT_ROOT / "data"
    # Where the example consumer (dags/example_training_export.py) writes its Parquet files:
    # a folder on DuckDB (relative paths from the project root), a gs:// URI on BigQuery.
    export_location: str = ""

    @property
    def default_duckdb_path(self) -> Path:
        return self.local_data_dir / "warehouse.duckdb"

    @property
    def default_export_location(self) -> str:
        return str(self.local_data_dir / "exports")


SCHEDULE_SHAPES = ("native", "nbacom")


def validate_schedule_shape(value: str, what: str) -> str:
    if value not in SCHEDULE_SHAPES:
        raise ConfigError(
            f"{what}={value!r} is not a schedule shape this package reads: set it to "
            "'native' (the default: this package's columns) or 'nbacom' (NBA.com's: "
            "10-digit game_id, home/away_team_tricode, INT64 game_status); any other "
            "shape: a view in the native shape (docs/data-contract.md, 'Other shapes')"
        )
    return value


MEMORY_RE = re.compile(r"^[0-9]+(\.[0-9]+)?(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$")


def validate_memory_limit(value: str) -> str:
    """NBA_DUCKDB_MEMORY_LIMIT: empty, or a size DuckDB's memory_limit takes ("4GB")."""
    value = value.strip().replace(" ", "")
    if value and not MEMORY_RE.match(value):
        raise ConfigError(
            f"NBA_DUCKDB_MEMORY_LIMIT={value!r} is not a size: set e.g. "
            "NBA_DUCKDB_MEMORY_LIMIT=4GB (KB, MB, GB, TB, KiB .. TiB), or leave it empty for "
            "DuckDB's default (80% of the machine's memory)"
        )
    return value


def _float(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number; set e.g. {name}={default}") from None


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer; set e.g. {name}={default}") from None
    if value < 0:
        raise ConfigError(f"{name}={raw!r} must be >= 0")
    return value


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build Settings from environment variables (all optional, prefixed NBA_)."""
    env = dict(os.environ if env is None else env)
    d = Settings()
    settings = Settings(
        warehouse_conn_id=env.get("NBA_WAREHOUSE_CONN_ID") or d.warehouse_conn_id,
        raw_dataset=validate_dataset(
            env.get("NBA_RAW_DATASET") or d.raw_dataset, "NBA_RAW_DATASET"
        ),
        analytics_dataset=validate_dataset(
            env.get("NBA_ANALYTICS_DATASET") or d.analytics_dataset, "NBA_ANALYTICS_DATASET"
        ),
        reference_dataset=validate_dataset(
            env.get("NBA_REFERENCE_DATASET") or d.reference_dataset, "NBA_REFERENCE_DATASET"
        ),
        schedule_shape=validate_schedule_shape(
            (env.get("NBA_SCHEDULE_SHAPE") or d.schedule_shape).strip().lower(),
            "NBA_SCHEDULE_SHAPE",
        ),
        write_pool=env.get("NBA_WRITE_POOL") or d.write_pool,
        write_pool_slots=_int(env, "NBA_WRITE_POOL_SLOTS", d.write_pool_slots) or 1,
        maximum_bytes_billed=_int(env, "NBA_MAXIMUM_BYTES_BILLED", d.maximum_bytes_billed),
        bigquery_location=env.get("NBA_BIGQUERY_LOCATION") or d.bigquery_location,
        null_minutes_min_share=_float(env, "NBA_NULL_MINUTES_MIN_SHARE", d.null_minutes_min_share),
        null_minutes_max_share=_float(env, "NBA_NULL_MINUTES_MAX_SHARE", d.null_minutes_max_share),
        pass2_min_match_rate=_float(env, "NBA_PASS2_MIN_MATCH_RATE", d.pass2_min_match_rate),
        pass2_max_unmatched_share=_float(
            env, "NBA_PASS2_MAX_UNMATCHED_SHARE", d.pass2_max_unmatched_share
        ),
        stale_lookback_days=_int(env, "NBA_STALE_LOOKBACK_DAYS", d.stale_lookback_days),
        pass2_max_wait_minutes=_int(env, "NBA_PASS2_MAX_WAIT_MINUTES", d.pass2_max_wait_minutes),
        duckdb_lock_timeout_s=_float(env, "NBA_DUCKDB_LOCK_TIMEOUT_S", d.duckdb_lock_timeout_s),
        duckdb_memory_limit=validate_memory_limit(env.get("NBA_DUCKDB_MEMORY_LIMIT") or ""),
        local_data_dir=Path(env.get("NBA_LOCAL_DATA_DIR") or d.local_data_dir),
        export_location=validate_location(env.get("NBA_EXPORT_LOCATION") or ""),
    )
    if not 0 <= settings.null_minutes_min_share <= settings.null_minutes_max_share <= 1:
        raise ConfigError(
            "NBA_NULL_MINUTES_MIN_SHARE / NBA_NULL_MINUTES_MAX_SHARE must satisfy "
            f"0 <= min <= max <= 1 (got {settings.null_minutes_min_share}, "
            f"{settings.null_minutes_max_share})"
        )
    if not 0 <= settings.pass2_max_unmatched_share <= 1:
        raise ConfigError(
            f"NBA_PASS2_MAX_UNMATCHED_SHARE={settings.pass2_max_unmatched_share} must be "
            "between 0 and 1"
        )
    if not 0 <= settings.pass2_min_match_rate <= 1:
        raise ConfigError(
            f"NBA_PASS2_MIN_MATCH_RATE={settings.pass2_min_match_rate} must be between 0 and 1"
        )
    return settings


@functools.cache
def settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return load_settings()
