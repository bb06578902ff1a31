"""Settings from the environment: defaults, and refusals that name the variable."""

from __future__ import annotations

import pytest

from nba_backfill.config import ConfigError, load_settings


def test_defaults():
    cfg = load_settings({})
    assert cfg.warehouse_conn_id == "nba_warehouse"
    assert (cfg.raw_dataset, cfg.analytics_dataset) == ("nba_raw", "nba_analytics")
    assert (cfg.write_pool, cfg.write_pool_slots) == ("nba_warehouse_writes", 2)
    assert (cfg.null_minutes_min_share, cfg.null_minutes_max_share) == (0.35, 0.45)
    assert cfg.maximum_bytes_billed == 50 * 1024**3
    assert cfg.schedule_shape == "native"
    assert load_settings({"NBA_SCHEDULE_SHAPE": " NBAcom "}).schedule_shape == "nbacom"


def test_overrides():
    cfg = load_settings(
        {
            "NBA_WAREHOUSE_CONN_ID": "bq_prod",
            "NBA_RAW_DATASET": "raw_2",
            "NBA_NULL_MINUTES_MIN_SHARE": "0",
            "NBA_MAXIMUM_BYTES_BILLED": "1000",
            "NBA_DUCKDB_MEMORY_LIMIT": "4 GB",
        }
    )
    assert (cfg.warehouse_conn_id, cfg.raw_dataset) == ("bq_prod", "raw_2")
    assert cfg.duckdb_memory_limit == "4GB"
    assert cfg.null_minutes_min_share == 0.0 and cfg.maximum_bytes_billed == 1000


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NBA_RAW_DATASET": "nba_raw; drop table x"}, "NBA_RAW_DATASET='nba_raw; drop table x' is not a valid dataset name"),
        ({"NBA_ANALYTICS_DATASET": "my-dataset"}, "NBA_ANALYTICS_DATASET='my-dataset' is not a valid dataset name"),
        ({"NBA_NULL_MINUTES_MIN_SHARE": "lots"}, "NBA_NULL_MINUTES_MIN_SHARE='lots' is not a number"),
        ({"NBA_NULL_MINUTES_MIN_SHARE": "0.6"}, "must satisfy 0 <= min <= max <= 1"),
        ({"NBA_MAXIMUM_BYTES_BILLED": "-5"}, "NBA_MAXIMUM_BYTES_BILLED='-5' must be >= 0"),
        ({"NBA_WRITE_POOL_SLOTS": "two"}, "NBA_WRITE_POOL_SLOTS='two' is not an integer"),
        ({"NBA_DUCKDB_MEMORY_LIMIT": "4"}, "NBA_DUCKDB_MEMORY_LIMIT='4' is not a size: set e.g."),
        ({"NBA_DUCKDB_MEMORY_LIMIT": "1GB'; drop"}, "is not a size"),
        ({"NBA_SCHEDULE_SHAPE": "espn"}, "NBA_SCHEDULE_SHAPE='espn' is not a schedule shape this package reads: set it to 'native'"),
    ],
)  # fmt: skip
def test_bad_settings_are_refused(env, message):
    with pytest.raises(ConfigError) as error:
        load_settings(env)
    assert message in str(error.value)
