"""SQL files: identifiers only through Jinja, the partition-filter rule, transpiling."""

from __future__ import annotations

import pytest

from nba_backfill.config import ConfigError
from nba_backfill.sql import (
    Identifiers,
    PartitionFilterError,
    compile_bigquery,
    compile_duckdb,
    partition_filtered_tables,
    render,
    transpile_to_duckdb,
)

IDS = Identifiers()


def test_raw_tables_require_a_partition_filter():
    assert partition_filtered_tables() == {
        ("raw", "nbac_schedule"),
        ("raw", "nbac_gamebook_player_stats"),
        ("raw", "bdl_player_boxscores"),
        ("raw", "bigdataball_play_by_play"),
    }


@pytest.mark.parametrize(
    "query",
    [
        "select * from nba_raw.nbac_schedule",
        "select * from nba_raw.nbac_schedule where game_status = 'Final'",
        # a filter on another table's game_date does not prune this one
        "select * from nba_raw.nbac_schedule s join nba_analytics.player_game_summary p "
        "on p.game_id = s.game_id where p.game_date = @day",
        # a comparison with a column cannot prune partitions
        "select * from nba_raw.bigdataball_play_by_play where game_date = processed_at",
        "with x as (select * from nba_raw.bigdataball_play_by_play) select * from x where game_date = @day",
        "select count(*) from (select game_id from nba_raw.nbac_gamebook_player_stats)",
    ],
)
def test_queries_without_a_partition_filter_are_refused(query):
    with pytest.raises(
        PartitionFilterError, match="without a filter over column\\(s\\) 'game_date'"
    ):
        transpile_to_duckdb(query, IDS)


@pytest.mark.parametrize(
    ("query", "games"),
    [
        ("select game_id from nba_raw.nbac_schedule where game_date = @day", {"A"}),
        ("select game_id from nba_raw.nbac_schedule where game_date between @start_date and @end_date",
         {"A", "B"}),
        ("select game_id from nba_raw.nbac_schedule as s where s.game_date >= date '2021-10-01' "
         "and s.game_id != 'B'", {"A"}),
        ("select game_id from nba_raw.nbac_schedule where game_date in (@day, date_add(@day, interval 1 day))",
         {"A", "B"}),
        ("select game_id from nba_analytics.player_game_summary", {"P"}),  # not partition-filtered
    ],
)  # fmt: skip
def test_queries_with_a_partition_filter_pass_and_filter(query, games, warehouse):
    """Accepted, and the transpiled query reads what BigQuery would: the filtered days."""
    import datetime as dt

    from helpers import insert, schedule

    insert(warehouse, "nbac_schedule", [
        {**schedule("20211019_BKN_MIL"), "game_id": "A"},
        {**schedule("20211020_BKN_MIL"), "game_id": "B"},
        {**schedule("20210930_BKN_MIL"), "game_id": "C"},
    ])  # fmt: skip
    compiled = transpile_to_duckdb(query, IDS)
    params = {"day": dt.date(2021, 10, 19), "start_date": dt.date(2021, 10, 19),
              "end_date": dt.date(2021, 10, 20)}  # fmt: skip
    with warehouse.connect() as con:
        con.execute(
            "insert into nba_analytics.player_game_summary (game_id, game_date, player_lookup) "
            "values ('P', date '2021-10-19', 'p')"
        )
        rows = con.execute(compiled.text, {k: params[k] for k in compiled.parameters}).fetchall()
    assert {r[0] for r in rows} == games


def test_every_sql_file_compiles_for_both_engines():
    from nba_backfill.config import SQL_DIR
    from nba_backfill.sql import ddl_columns

    names = [str(p.relative_to(SQL_DIR).with_suffix("")) for p in SQL_DIR.rglob("*.sql")]
    assert len(names) >= 10
    columns = [[name, kind] for name, kind, _ in ddl_columns("nbac_schedule")]
    loading = {  # the load statements are made for one raw table's staged file
        "table": "nbac_schedule",
        "staging": "_load_nbac_schedule_0123abcd",
        "columns": columns,
        "staged": [name for name, _ in columns],
        "required": [name for name, _, needed in ddl_columns("nbac_schedule") if needed],
        "replace": "games",
    }
    for name in names:
        template = loading if name.startswith("load/") else None
        duck = compile_duckdb(name, IDS, template=template)
        big = compile_bigquery(name, Identifiers(project="my-project"), template)
        assert duck.parameters == big.parameters, name
        assert duck.is_dml == big.is_dml, name


def test_identifiers_are_rendered_and_validated():
    text = render("pass1/plan_days", Identifiers(project="my-project-1"))
    assert "from `my-project-1`.nba_raw.nbac_schedule" in text
    assert "@start_date" in text  # values stay parameters
    with pytest.raises(ConfigError, match="not a valid dataset name"):
        Identifiers(raw_dataset="nba_raw`; drop table x; --")
    with pytest.raises(ConfigError, match="not a valid Google Cloud project id"):
        Identifiers(project="My Project")


def test_values_are_parameters_in_the_transpiled_sql():
    compiled = compile_duckdb("pass1/load_day", IDS)
    assert compiled.parameters == ("day",)
    assert "$day" in compiled.text and "@day" not in compiled.text
    assert compiled.is_dml


def test_countif_of_nothing_true_is_zero_on_duckdb_as_on_bigquery():
    """BigQuery's COUNTIF is 0 when no value is TRUE, NULLs included; DuckDB's count_if is
    NULL when every value is NULL, so the transpiler counts the TRUE values instead."""
    import duckdb

    compiled = transpile_to_duckdb(
        "select countif(x) as n, countif(not x) as m from t", Identifiers()
    )
    con = duckdb.connect()
    con.execute("create table t as select cast(null as boolean) as x from range(3)")
    assert con.execute(compiled.text).fetchall() == [(0, 0)]
    con.execute("insert into t values (true), (false)")
    assert con.execute(compiled.text).fetchall() == [(1, 1)]
