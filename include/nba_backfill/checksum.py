"""A checksum of the output table's contents, to compare two builds of it.

Covers every column except the processing timestamps, rows in key order; floats are
rounded to 9 decimals so that the same values computed by another engine compare equal.
It reads player_game_summary (the output), never a raw table.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from nba_backfill.warehouse import Warehouse


def _canonical(value) -> str:
    if value is None:
        return "∅"
    if isinstance(value, float):
        return f"{value:.9f}"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def table_rows(warehouse: Warehouse, start: dt.date, end: dt.date) -> list[dict]:
    return warehouse.run("audit/table_rows", {"start_date": start, "end_date": end}).rows


def table_checksum(warehouse: Warehouse, start: dt.date, end: dt.date) -> str:
    digest = hashlib.sha256()
    count = 0
    for row in table_rows(warehouse, start, end):
        digest.update("|".join(_canonical(row[k]) for k in sorted(row)).encode())
        digest.update(b"\n")
        count += 1
    return f"{count} rows, sha256 {digest.hexdigest()[:16]}"
