"""Small builders for hand-made raw rows and readers of the output table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

TS = dt.datetime(2021, 10, 20, 8, 0, tzinfo=dt.UTC)


def game_parts(game_id: str) -> tuple[dt.date, str, str]:
    """'20211019_BKN_MIL' -> (date, away, home)."""
    day, away, home = game_id.split("_")
    return dt.datetime.strptime(day, "%Y%m%d").date(), away, home


def insert(warehouse, table: str, rows: list[dict[str, Any]]) -> None:
    """Append rows to a raw table (columns not given are NULL)."""
    if not rows:
        return
    columns = sorted({k for r in rows for k in r})
    data = pa.table({c: [r.get(c) for r in rows] for c in columns})
    warehouse.load_arrow(table, data, replace_dates=False)


def schedule(game_id: str, status: str = "Final", season_year: int = 2021) -> dict:
    day, away, home = game_parts(game_id)
    return {
        "game_id": game_id,
        "game_date": day,
        "season_year": season_year,
        "home_team_abbr": home,
        "away_team_abbr": away,
        "game_status": status,
        "is_playoffs": False,
    }


def gamebook(game_id: str, team: str, name: str, lookup: str | None = None, **values) -> dict:
    day, away, home = game_parts(game_id)
    row = {
        "game_id": game_id,
        "game_date": day,
        "season_year": 2021,
        "home_team_abbr": home,
        "away_team_abbr": away,
        "team_abbr": team,
        "player_name": name,
        "player_lookup": lookup,
        "player_status": "active",
        "minutes": "30:00",
        "processed_at": TS,
    }
    row.update(values)
    return row


def bdl(game_id: str, team: str, name: str, lookup: str | None = None, **values) -> dict:
    day, away, home = game_parts(game_id)
    row = {
        "game_id": game_id,
        "game_date": day,
        "season_year": 2021,
        "home_team_abbr": home,
        "away_team_abbr": away,
        "team_abbr": team,
        "player_full_name": name,
        "player_lookup": lookup,
        "minutes": "30",
        "processed_at": TS,
    }
    row.update(values)
    return row


def summary_rows(warehouse, start=dt.date(2000, 1, 1), end=dt.date(2100, 1, 1)) -> dict:
    """The output table as {(game_id, player_lookup): row}."""
    rows = warehouse.run("audit/table_rows", {"start_date": start, "end_date": end}).rows
    return {(r["game_id"], r["player_lookup"]): r for r in rows}
