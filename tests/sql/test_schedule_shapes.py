"""Running on a warehouse whose tables are shaped like production's (najicham/
nba-stats-scraper, schemas/bigquery/: tests/fixtures/production-ddl, hand-copied).

The schedule in NBA.com's shape (NBA_SCHEDULE_SHAPE=nbacom: a 10-digit game_id,
home/away_team_tricode, game_status INT64 with its text apart) is read through the view
`cli apply-schema` creates; both passes over the demo data delivered in that shape leave
the very table they leave with the native schedule.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pyarrow as pa
import pytest

from nba_backfill import demo, pass1, pass2
from nba_backfill.checksum import table_checksum
from nba_backfill.days import DayRange
from nba_backfill.loading import LoadError, load_directory
from nba_backfill.sql import Identifiers
from nba_backfill.warehouse.duckdb_backend import DuckDBWarehouse

from conftest import ROOT
from helpers import nbacom_schedule, production_ddl

START, END = dt.date(2021, 10, 19), dt.date(2021, 11, 2)
WHOLE = DayRange(START, END, "test")
NBACOM = Identifiers(schedule_shape="nbacom")


def reshape_schedule(path, rows: list[dict]) -> None:
    """Replace the native nba_raw.nbac_schedule of the file with production's table."""
    con = __import__("duckdb").connect(str(path))
    try:
        con.execute("drop table nba_raw.nbac_schedule")
        con.execute(production_ddl("nba_raw.nbac_schedule"))
        con.register("incoming", pa.Table.from_pylist(rows))
        columns = ", ".join(rows[0])
        con.execute(f"insert into nba_raw.nbac_schedule ({columns}) select {columns} from incoming")  # noqa: S608
    finally:
        con.close()


@pytest.fixture(scope="module")
def data():
    return demo.generate(START, END)


@pytest.fixture(scope="module")
def native_table(tmp_path_factory, empty_warehouse_file, data) -> str:
    """Both passes over the span with the native schedule: the table's checksum."""
    path = tmp_path_factory.mktemp("native") / "native.duckdb"
    shutil.copyfile(empty_warehouse_file, path)
    native = DuckDBWarehouse(path)
    for name, table in data.tables.items():
        native.load_arrow(name, table)
    for day in pass1.plan_days(native, WHOLE):
        pass1.load_day(native, day)
    pass2.merge_window(native, WHOLE)
    return table_checksum(native, START, END)


@pytest.fixture
def nbacom(tmp_path, empty_warehouse_file, data) -> DuckDBWarehouse:
    """The same raw data, its schedule in NBA.com's shape, the view applied."""
    path = tmp_path / "nbacom.duckdb"
    shutil.copyfile(empty_warehouse_file, path)
    loader = DuckDBWarehouse(path)
    for name, table in data.tables.items():
        if name != "nbac_schedule":
            loader.load_arrow(name, table)
    reshape_schedule(path, nbacom_schedule(data.tables["nbac_schedule"]))
    warehouse = DuckDBWarehouse(path, NBACOM)
    applied = warehouse.apply_schema()
    assert "shapes/nbacom_schedule" in applied and "ddl/nbac_schedule" not in applied
    return warehouse


def test_both_passes_on_the_nbacom_schedule_leave_the_native_table(nbacom, native_table, data):
    days = pass1.plan_days(nbacom, WHOLE)
    assert days, "no Final game day found through the view"
    for day in days:
        pass1.load_day(nbacom, day)
    merged = pass2.merge_window(nbacom, WHOLE)
    assert merged["rows"] > 0
    assert table_checksum(nbacom, START, END) == native_table
    # the view gives the native ids and statuses, row for row
    con = __import__("duckdb").connect(str(nbacom.path), read_only=True)
    try:
        got = sorted(
            con.execute(
                "select game_id, game_date, home_team_abbr, away_team_abbr, game_status "
                "from nba_reference.nbac_schedule_games"
            ).fetchall()
        )
    finally:
        con.close()
    expected = sorted(
        (r["game_id"], r["game_date"], r["home_team_abbr"], r["away_team_abbr"],
         "Final" if r["game_status"] == "Final" else
         "Postponed" if r["game_status"] == "Postponed" else "Scheduled")
        for r in data.tables["nbac_schedule"].to_pylist()
    )  # fmt: skip
    assert got == expected


def test_a_schedule_file_is_refused_where_the_schedule_is_nbacom(nbacom, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "real-games" / "nbac_schedule.csv", folder)
    with pytest.raises(LoadError, match="'nbacom' shape here \\(NBA_SCHEDULE_SHAPE\\)"):
        load_directory(nbacom, folder, out=lambda _: None)
