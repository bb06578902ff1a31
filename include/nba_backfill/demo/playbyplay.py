"""The bigdataball_play_by_play table, from the coded events of the games that have one.

Re-delivered events follow their first delivery (same event_id and content, later
processed_at); lookups may carry a numeric player-id prefix; descriptions are joined
from templates; the feed varies per game (``nbacom_fallback`` source, shot_type NULL).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nba_backfill.demo.arrays import MMSS, _null_if, _take, _timestamps_array
from nba_backfill.demo.codes import (
    ETYPES,
    PERIOD_NAMES,
    ROLES,
    SHOT_TYPES,
    SUBTYPE_PHRASES,
    SUBTYPES,
    TEMPLATES,
    US_PER_HOUR,
    E,
)
from nba_backfill.demo.frames import _context_columns, _Frame
from nba_backfill.demo.league import NICKNAMES, TEAMS


def _descriptions(ev: _Frame, rows: np.ndarray, fields: dict[str, pa.Array]) -> pa.Array:
    """event_description: each template joins literals and per-event fields."""
    tmpl = ev.tmpl[rows]
    pieces, positions = [], []
    for code, (_, parts) in enumerate(TEMPLATES):
        idx = np.flatnonzero(tmpl == code)
        if len(idx) == 0:
            continue
        sel = pa.array(idx)
        args = [fields[p[1:-1]].take(sel) if p.startswith("{") else p for p in parts]
        pieces.append(
            pc.binary_join_element_wise(*args, "", null_handling="replace", null_replacement="")
        )
        positions.append(idx)
    if not pieces:
        return pa.array([], pa.string())
    joined = pa.concat_arrays(pieces)
    inverse = np.empty(len(rows), np.int64)
    inverse[np.concatenate(positions)] = np.arange(len(rows))
    return joined.take(pa.array(inverse))


def _pbp_table(g, pg, ev, uni, game_ids) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """Play-by-play rows of the games that have it; re-delivered events follow their
    first delivery. Also returns which rows are re-deliveries / carry a prefixed lookup."""
    kept = np.flatnonzero(g.has_pbp[ev.game])
    counts = 1 + (ev.dup_hours[kept] > 0)
    rows = np.repeat(kept, counts)
    is_copy = np.zeros(len(rows), bool)
    is_copy[(np.cumsum(counts) - counts)[counts == 2] + 1] = True
    game = ev.game[rows]
    cols = _context_columns(g, game, game_ids)
    seq = ev.seq[rows]
    cols |= {
        "event_id": pc.binary_join_element_wise(
            cols["game_id"], pc.cast(pa.array(seq), pa.string()), "_"
        ),
        "event_sequence": pa.array(seq, pa.int64()),
        "period": pa.array(ev.period[rows], pa.int64()),
        "game_clock": _take(MMSS, ev.clock[rows]),
        "game_clock_seconds": pa.array(ev.clock[rows], pa.int64()),
        "event_type": _take(ETYPES, ev.etype[rows]),
        "event_subtype": _take(SUBTYPES, ev.subtype[rows]),
        "score_home": pa.array(ev.score_home[rows], pa.int64()),
        "score_away": pa.array(ev.score_away[rows], pa.int64()),
        "player_2_role": _take(ROLES, ev.role[rows]),
        "data_source": _take(("bigdataball", "nbacom_fallback"), g.fallback[game].astype(np.int64)),
        "processed_at": _timestamps_array(
            g.ts[game, 4] + is_copy * ev.dup_hours[rows] * US_PER_HOUR
        ),
    }
    prefixed = np.zeros(len(rows), bool)
    for n in ("1", "2"):
        uref = _event_players(ev, pg, rows, n)
        team = _event_team(ev, g, rows, n)
        cols[f"player_{n}_name"] = _take(uni["pbp_name"], uref)
        cols[f"player_{n}_lookup"] = _take(uni["pbp_lookup"], uref)
        cols[f"player_{n}_team_abbr"] = _take(TEAMS, team)
        prefixed |= (uref >= 0) & uni["prefixed"][np.maximum(uref, 0)]
    cols |= _shot_columns(ev, g, rows)
    cols["event_description"] = _descriptions(
        ev,
        rows,
        {
            "n1": cols["player_1_name"],
            "n2": cols["player_2_name"],
            "team": _take(NICKNAMES, _event_team(ev, g, rows, "1")),
            "dist": _distance_words(ev, rows),
            "phrase": _take(SUBTYPE_PHRASES, ev.subtype[rows]),
            "period": _take(PERIOD_NAMES, ev.period[rows] - 1),
        },
    )
    return pa.table({name: cols[name] for name in PBP_COLUMNS}), is_copy, prefixed


def _event_players(ev, pg, rows, n: str) -> np.ndarray:
    """Universe index of player_n of the events (-1 when none)."""
    pg_row = ev.cols[f"p{n}_pg"][rows]
    return np.where(pg_row >= 0, pg.uref[np.maximum(pg_row, 0)], -1)


def _event_team(ev, g, rows, n: str) -> np.ndarray:
    """Team index of player_n (for player_1 also of team events such as timeouts)."""
    side = ev.cols["team_side" if n == "1" else "p2_side"][rows]
    game = ev.game[rows]
    return np.where(side == 0, g.home[game], np.where(side == 1, g.away[game], -1))


def _shot_columns(ev, g, rows) -> dict[str, pa.Array]:
    kind = ev.kind[rows]  # -1 for events that are no attempt
    untyped = g.untyped[ev.game[rows]]
    cols = {
        "shot_made": _null_if(ev.made[rows] == 1, kind < 0, pa.bool_()),
        "shot_type": _take(SHOT_TYPES, np.where(untyped | (kind < 0), -1, kind - 1)),
        "points_scored": _null_if(ev.points[rows], kind < 0, pa.int64()),
    }
    for column, values in (("shot_distance", ev.dist), ("original_x", ev.x), ("original_y", ev.y)):
        cols[column] = _null_if(values[rows], np.isnan(values[rows]), pa.float64())
    return cols


def _distance_words(ev, rows) -> pa.Array:
    """Shot distance in whole feet for descriptions ("25-foot"), NULL for other events."""
    feet = np.maximum(1, np.rint(np.nan_to_num(ev.dist[rows]))).astype(np.int64)
    return pc.cast(_null_if(feet, ev.etype[rows] != E["shot"], pa.int64()), pa.string())


PBP_COLUMNS = (
    "game_id",
    "game_date",
    "season_year",
    "home_team_abbr",
    "away_team_abbr",
    "event_id",
    "event_sequence",
    "period",
    "game_clock",
    "game_clock_seconds",
    "event_type",
    "event_subtype",
    "event_description",
    "score_home",
    "score_away",
    "player_1_name",
    "player_1_lookup",
    "player_1_team_abbr",
    "player_2_name",
    "player_2_lookup",
    "player_2_team_abbr",
    "player_2_role",
    "shot_made",
    "shot_type",
    "shot_distance",
    "points_scored",
    "original_x",
    "original_y",
    "data_source",
    "processed_at",
)
