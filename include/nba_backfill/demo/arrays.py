"""Small helpers that turn numpy arrays into arrow columns (NULLs, strings by index,
dates, timestamps), and the 'MM:SS' strings of every second of a game."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from nba_backfill.demo.codes import EPOCH


def _null_if(values: np.ndarray, mask: np.ndarray, type_=None) -> pa.Array:
    return pa.array(values, mask=np.asarray(mask, bool), type=type_)


def _take(strings, idx: np.ndarray) -> pa.Array:
    """strings[idx] as an arrow string array, NULL where idx < 0."""
    table = strings if isinstance(strings, pa.Array) else pa.array(list(strings), pa.string())
    return table.take(pa.array(idx, mask=idx < 0, type=pa.int64()))


def _timestamps_array(us: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(us, np.int64), type=pa.timestamp("us", tz="UTC"))


def _dates_array(days: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(days, np.int32), type=pa.date32())


def _days(day: dt.date) -> int:
    return (day - EPOCH).days


# 'MM:SS' of every second up to 100 minutes: gamebook minutes and the game clock
MAX_SECONDS = 100 * 60
MMSS = tuple(f"{s // 60:02d}:{s % 60:02d}" for s in range(MAX_SECONDS))
