"""Production's shapes on BigQuery (the emulator): the schedule in NBA.com's shape
(NBA_SCHEDULE_SHAPE=nbacom) and the output table of production's DDL
(tests/fixtures/production-ddl), as on DuckDB (tests/sql/test_schedule_shapes.py,
tests/sql/test_existing_target.py): the columns read from BigQuery's own schema (REQUIRED,
NUMERIC(5,1)), the ALTER script, then both passes writing our values, the REQUIRED flags
and NUMERIC casts, and another writer's row kept.

Where the emulator stops: it refuses `CREATE VIEW` over a table with
require_partition_filter (BigQuery applies that rule when the view is queried), so the
production schedule is created here without that option; everything else runs as
written.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
import sqlglot
from sqlglot import exp

from nba_backfill import demo, pass1, pass2, target
from nba_backfill.config import settings
from nba_backfill.days import DayRange
from nba_backfill.warehouse import duckdb_warehouse, get_warehouse

from .conftest import use_bigquery
from conftest import ROOT
from helpers import nbacom_schedule

pytestmark = pytest.mark.e2e

START, END = dt.date(2021, 10, 19), dt.date(2021, 10, 21)
WHOLE = DayRange(START, END, "test")
FIXTURES = ROOT / "tests" / "fixtures" / "production-ddl"
COMPARED = (
    "game_id, player_lookup, team_abbr, opponent_team_abbr, season_year, is_active, "
    "round(cast(minutes_played as numeric), 1) as minutes, points, fg_makes, "
    "round(cast(ts_pct as numeric), 3) as ts, paint_attempts, assisted_fg_makes, "
    "pbp_shot_events"
)


def create_production_table(client, project: str, dataset: str, table: str) -> None:
    text = (FIXTURES / f"{table}.sql").read_text()
    create = next(s for s in sqlglot.parse(text, read="bigquery") if isinstance(s, exp.Create))
    create.this.set("this", exp.to_table(f"{project}.{dataset}.{table.split('.')[1]}"))
    if table.endswith("nbac_schedule"):  # the emulator's limit (module docstring)
        create.set("properties", None)
    client.query(create.sql("bigquery")).result()


def query(warehouse, sql: str) -> list[tuple]:
    client = warehouse.hook.get_client(project_id=warehouse.project)
    return sorted(tuple(r.values()) for r in client.query(sql).result())


def test_production_shapes_on_bigquery(bq_emulator, monkeypatch, nba_env, tmp_path):
    data = demo.generate(START, END)
    # DuckDB, native shapes: the reference values
    duck = duckdb_warehouse(tmp_path / "reference.duckdb")
    duck.apply_schema()
    for name, table in data.tables.items():
        duck.load_arrow(name, table)
    for day in pass1.plan_days(duck, WHOLE):
        pass1.load_day(duck, day)
    pass2.merge_window(duck, WHOLE)
    with duck.connect() as con:
        expected = sorted(
            tuple(r)
            for r in con.execute(
                f"select {COMPARED} "  # noqa: S608
                "from nba_analytics.player_game_summary"
            ).fetchall()
        )

    nba_env(
        NBA_RAW_DATASET="prod_raw",
        NBA_ANALYTICS_DATASET="prod_analytics",
        NBA_REFERENCE_DATASET="prod_reference",
        NBA_SCHEDULE_SHAPE="nbacom",
    )
    use_bigquery(monkeypatch, bq_emulator)
    bq = get_warehouse()
    bq.create_datasets()
    client = bq.hook.get_client(project_id=bq.project)
    create_production_table(client, bq.project, "prod_raw", "nba_raw.nbac_schedule")
    create_production_table(
        client, bq.project, "prod_analytics", "nba_analytics.player_game_summary"
    )
    applied = bq.apply_schema()  # the other raw tables, the view; the output table kept
    assert "shapes/nbacom_schedule" in applied
    bq.load_arrow(
        "nbac_schedule", pa.Table.from_pylist(nbacom_schedule(data.tables["nbac_schedule"]))
    )
    for name, table in data.tables.items():
        if name != "nbac_schedule":
            bq.load_arrow(name, table)
    analytics = f"`{bq.project}`.prod_analytics.player_game_summary"
    client.query(
        f"insert into {analytics} (game_id, game_date, player_lookup, team_abbr, "  # noqa: S608
        "opponent_team_abbr, season_year, starter_flag, win_flag, is_active, points, "
        "universal_player_id) values ('20211019_BKN_MIL', date '2021-10-19', 'someone_else', "
        "'BKN', 'MIL', 2021, false, true, true, 7, 'their_id')"
    ).result()

    # the columns as BigQuery describes them, the refusal and the script
    shape = target.read_shape(bq)
    assert shape.by_name["minutes_played"] == target.Column("minutes_played", "NUMERIC", False, 1)
    assert shape.by_name["starter_flag"].required and shape.extra_written == [
        "starter_flag",
        "win_flag",
    ]
    with pytest.raises(target.TargetError, match="missing column\\(s\\) home_game, total_rebounds"):
        pass1.plan(bq, WHOLE, sweep=[], max_days=1024)
    for line in shape.alter_script(
        f"`{bq.project}`.prod_analytics.player_game_summary"
    ).splitlines():
        client.query(line).result()
    assert target.require(bq).problems() == []

    # both passes: our values (NUMERIC rounded to the column's scale), the foreign row kept
    for day in pass1.plan(bq, WHOLE, sweep=[], max_days=1024).days:
        pass1.load_day(bq, day)
    pass2.merge_window(bq, WHOLE)
    got = query(
        bq,
        f"select {COMPARED} from {analytics} where game_date >= '2000-01-01' "  # noqa: S608
        "and pass1_processed_at is not null",
    )
    assert len(got) == len(expected) > 100
    assert got == expected
    assert query(
        bq,
        f"select player_lookup, points, starter_flag, pass1_processed_at from {analytics} "  # noqa: S608
        "where game_date >= '2000-01-01' and universal_player_id = 'their_id'",
    ) == [("someone_else", 7, False, None)]
    flags = query(
        bq,
        f"select countif(starter_flag != coalesce(minutes_played > 20, false)), "  # noqa: S608
        "count(distinct game_id), countif(win_flag) > 0 "
        f"from {analytics} where game_date >= '2000-01-01' and pass1_processed_at is not null",
    )
    assert flags[0][0] <= 2 and flags[0][2]  # (NUMERIC(5,1) rounds 20:02 to 20.0)
    pass1.audit(bq, WHOLE, settings(), covered=[WHOLE], left_over=[]).raise_for_failures()
    pass2.audit(bq, WHOLE, settings()).raise_for_failures()
