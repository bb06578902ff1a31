"""All simulated games as numpy column arrays, one frame per grain.

Games, player-games (one row per roster player of every game) and events (sorted by game
and time, with period, clock and running score); the players of all seasons in one index
space (``_universe``); and the columns every raw table row starts with.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pyarrow as pa

from nba_backfill.demo.arrays import _dates_array, _days, _take
from nba_backfill.demo.codes import INT_FIELDS, F
from nba_backfill.demo.game import _SimGame
from nba_backfill.demo.league import TEAMS, _League
from nba_backfill.demo.names import TRANSLITERATED, feed_lookup_of, lookup_of


@dataclasses.dataclass
class _Frame:
    """Column arrays of one grain (games, player-games or events) as numpy arrays."""

    cols: dict[str, np.ndarray]

    def __getattr__(self, name):
        try:
            return self.cols[name]
        except KeyError:
            raise AttributeError(name) from None


def _game_frame(sims: list[_SimGame]) -> _Frame:
    def col(fn, dtype=None):
        return np.array([fn(s) for s in sims], dtype=dtype)

    n_rows = col(lambda s: len(s.ref), np.int64)
    return _Frame(
        dict(
            days=col(lambda s: _days(s.game.date), np.int64),
            season=col(lambda s: s.game.season, np.int64),
            home=col(lambda s: s.game.home, np.int64),
            away=col(lambda s: s.game.away, np.int64),
            n_home=col(lambda s: s.n_home, np.int64),
            n_rows=n_rows,
            pg_offset=np.concatenate([[0], np.cumsum(n_rows)[:-1]]).astype(np.int64),
            n_ot=col(lambda s: s.n_ot, np.int64),
            has_pbp=col(lambda s: s.has_pbp, bool),
            has_gamebook=col(lambda s: s.has_gamebook, bool),
            has_bdl=col(lambda s: s.has_bdl, bool),
            fallback=col(lambda s: s.fallback, bool),
            untyped=col(lambda s: s.untyped, bool),
            ft_distance=col(lambda s: s.ft_distance, float),
            bdl_whole=col(lambda s: s.bdl_whole_minutes, bool),
            ts=np.array([s.ts for s in sims], np.int64).reshape(len(sims), 5),
        )
    )


def _universe(leagues: dict[int, _League]) -> tuple[dict[int, int], dict[str, pa.Array]]:
    """All players of all seasons in one index space: offset per season + string columns."""
    offsets: dict[int, int] = {}
    columns: dict[str, list[str]] = {
        k: []
        for k in (
            "name", "lookup", "feed_lookup", "pbp_name", "pbp_lookup", "bdl_name",
            "bdl_feed_lookup",
        )
    }  # fmt: skip
    for season in sorted(leagues):
        offsets[season] = len(columns["name"])
        for key, values in columns.items():
            values += getattr(leagues[season], key)
    strings = {k: pa.array(v, pa.string()) for k, v in columns.items()}
    prefixed = np.array([x[:1].isdigit() for x in columns["pbp_lookup"]], bool)
    spelled_apart = np.array(
        [
            lookup_of(a) != lookup_of(b)
            for a, b in zip(columns["name"], columns["pbp_name"], strict=True)
        ],
        bool,
    )
    accented = np.array(
        [a != feed_lookup_of(n) for a, n in zip(columns["lookup"], columns["name"], strict=True)],
        bool,
    )
    transliterated = np.array([any(c in TRANSLITERATED for c in n) for n in columns["name"]], bool)
    aliased = np.zeros(len(columns["name"]), bool)
    for season in sorted(leagues):
        for alias in leagues[season].aliases:
            aliased[offsets[season] + leagues[season].lookup.index(alias["player_lookup"])] = True
    return offsets, {
        **strings,
        "prefixed": prefixed,
        "suffix_apart": spelled_apart & ~aliased,
        "accented": accented,
        "transliterated": transliterated,
        "aliased": aliased,
    }


def _player_game_frame(sims: list[_SimGame], offsets: dict[int, int]) -> _Frame:
    """One row per roster player of every simulated game, in game order."""

    def cat(fn, dtype=np.int64):
        if not sims:
            return np.empty(0, dtype)
        return np.concatenate([np.asarray(fn(k, s), dtype) for k, s in enumerate(sims)])

    return _Frame(
        dict(
            game=cat(lambda k, s: np.full(len(s.ref), k)),
            local=cat(lambda k, s: np.arange(len(s.ref))),
            uref=cat(lambda k, s: s.ref + offsets[s.game.season]),
            side=cat(lambda k, s: np.arange(len(s.ref)) >= s.n_home),
            status=cat(lambda k, s: s.status),
            reason=cat(lambda k, s: s.reason),
            seconds=cat(lambda k, s: s.seconds),
            dash=cat(lambda k, s: s.dash, bool),
            plus_minus=cat(lambda k, s: s.plus_minus),
            malformed=cat(lambda k, s: s.malformed),
            gb_stale=cat(lambda k, s: s.gb_stale),
            bdl_stale=cat(lambda k, s: s.bdl_stale),
        )
    )


def _event_frame(sims: list[_SimGame], g: _Frame) -> _Frame:
    """All coded events, sorted by game, then time (slot, order); with derived columns."""
    if sims:
        ints = np.concatenate([s.events for s in sims])
        geo = np.concatenate([s.geo for s in sims])
        counts = np.array([len(s.events) for s in sims])
    else:
        ints, geo, counts = (
            np.empty((0, len(INT_FIELDS)), np.int32),
            np.empty((0, 3)),
            np.zeros(0, np.int64),
        )
    game = np.repeat(np.arange(len(sims)), counts)
    key = game.astype(np.int64) * 65536 + ints[:, F["slot"]] * 8 + ints[:, F["order"]]
    order = np.argsort(key, kind="stable")
    ints, geo, game = ints[order], geo[order], game[order]
    cols = {name: ints[:, i].astype(np.int64) for name, i in F.items()}
    first = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    cols["game"] = game
    cols["seq"] = np.arange(len(game)) - first[game]
    cols["dist"], cols["x"], cols["y"] = geo[:, 0], geo[:, 1], geo[:, 2]
    # who: player-game row of player_1 / player_2, their team side
    pg_offset, n_home = g.pg_offset[game], g.n_home[game]
    for p in ("p1", "p2"):
        local = cols[p]
        cols[f"{p}_pg"] = np.where(local >= 0, pg_offset + local, -1)
        cols[f"{p}_side"] = np.where(local >= 0, (local >= n_home).astype(np.int64), -1)
    cols["team_side"] = np.where(cols["p1"] >= 0, cols["p1_side"], cols["side"])
    # time: period, clock
    slot = cols["slot"]
    regulation = slot < 2880
    period = np.where(regulation, slot // 720 + 1, 5 + (slot - 2880) // 300)
    start = np.where(regulation, (period - 1) * 720, 2880 + (period - 5) * 300)
    length = np.where(regulation, 720, 300)
    cols["period"] = period
    cols["clock"] = start + length - slot - cols["delta"]
    # running score after each event
    for side, name in ((0, "score_home"), (1, "score_away")):
        pts = np.where(cols["p1_side"] == side, cols["points"], 0)
        run = np.cumsum(pts)
        before = np.concatenate([[0], run])[first][game] if len(game) else run
        cols[name] = run - before
    return _Frame(cols)


def _context_columns(g: _Frame, game: np.ndarray, game_ids: pa.Array) -> dict[str, pa.Array]:
    return {
        "game_id": game_ids.take(pa.array(game)),
        "game_date": _dates_array(g.days[game]),
        "season_year": pa.array(g.season[game], pa.int64()),
        "home_team_abbr": _take(TEAMS, g.home[game]),
        "away_team_abbr": _take(TEAMS, g.away[game]),
    }
