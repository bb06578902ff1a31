"""One Final game, played with its own RNG (seeded by game_id): same game, same rows.

Draws the game's flags (overtimes; which feeds have it and how they look), both sides
(``sides``), their events (``events``), plus-minus, malformed minutes, stale duplicate
rows and processed_at times. The box score is later counted from these intended events
(``truth``), before any mess is injected, so points, rebounds, assists, blocks, steals,
fouls and shot zones agree with the play-by-play by construction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zlib

import numpy as np

from nba_backfill.demo.codes import ACTIVE, EPOCH, MALFORMED_MINUTES, US_PER_DAY, US_PER_HOUR
from nba_backfill.demo.events import _game_events
from nba_backfill.demo.league import _League
from nba_backfill.demo.sampling import _rng
from nba_backfill.demo.schedule import _Game
from nba_backfill.demo.sides import _break_tie, _draw_offense, _lineup, _players_who_play

# per game: overtimes, which feeds have the game and how they look, messes in its rows
RATE_OVERTIME = 0.06
RATE_EXTRA_OVERTIME = 0.15  # of overtime games
RATE_NO_PBP = 0.06
RATE_NO_GAMEBOOK = 0.01
RATE_NO_BDL = 0.005  # only for games that do have a gamebook
RATE_PBP_FALLBACK = 0.05
RATE_UNTYPED_SHOTS = 0.05
RATE_GAMEBOOK_STALE = 0.008  # per active row: ~0.5% of all gamebook rows
RATE_BDL_STALE = 0.003
RATE_MALFORMED_MINUTES = 0.002


@dataclasses.dataclass
class _SimGame:
    """The outcome of one Final game, integer-coded."""

    game: _Game
    league: _League
    n_home: int
    ref: np.ndarray  # league index per game-local player
    status: np.ndarray
    reason: np.ndarray
    seconds: np.ndarray
    dash: np.ndarray  # non-playing players whose minutes are "-" instead of NULL
    plus_minus: np.ndarray
    malformed: np.ndarray  # index into MALFORMED_MINUTES or -1
    gb_stale: np.ndarray  # +1/-1: an older gamebook copy with points off by 2; else 0
    bdl_stale: np.ndarray
    events: np.ndarray  # (n_events, len(INT_FIELDS)) int32
    geo: np.ndarray  # (n_events, 3) float: distance, x, y
    n_ot: int
    has_pbp: bool
    has_gamebook: bool
    has_bdl: bool
    fallback: bool
    untyped: bool
    ft_distance: float  # 15.0 or NaN on free-throw events
    bdl_whole_minutes: bool
    ts: np.ndarray  # processed_at (us) for gamebook, stale gamebook, bdl, stale bdl, pbp


def _simulate_game(seed: int, game: _Game, league: _League) -> _SimGame:
    """Play one Final game with its own RNG (seeded by game_id): same game, same rows."""
    rng = _rng(seed, "game", zlib.crc32(game.game_id.encode()))
    flags = _game_flags(rng)
    n_ot, has_gamebook = flags["n_ot"], flags["has_gamebook"]
    home_ref, away_ref = league.roster(game.home), league.roster(game.away)
    n_home, n_rows = len(home_ref), len(home_ref) + len(away_ref)
    n_malformed = int(has_gamebook and rng.random() < RATE_MALFORMED_MINUTES * 22)
    n_stale = int(rng.binomial(22, RATE_GAMEBOOK_STALE)) if has_gamebook else 0
    *n_play, n_stale = _players_who_play(
        rng, n_rows, len(home_ref), len(away_ref), n_malformed, n_stale
    )
    game_seconds = 2880 + 300 * n_ot
    sides = [
        _lineup(rng, league, 0, game.home, home_ref, 0, n_play[0], game_seconds),
        _lineup(rng, league, 1, game.away, away_ref, n_home, n_play[1], game_seconds),
    ]
    offense = [_draw_offense(rng, league, sides[s], sides[1 - s], flags["untyped"]) for s in (0, 1)]
    _break_tie(offense)
    events, geo = _game_events(rng, sides, offense, n_ot, flags["ft_distance"])
    margin = offense[0].points() - offense[1].points()
    seconds = np.concatenate([s.seconds for s in sides])
    status = np.concatenate([s.status for s in sides])
    active = np.flatnonzero(status == ACTIVE)
    malformed = _mark(rng, n_rows, active, n_malformed, len(MALFORMED_MINUTES))
    well_formed = active[malformed[active] < 0]  # stale copies never add a NULL row
    return _SimGame(
        game=game,
        league=league,
        n_home=n_home,
        ref=np.concatenate([home_ref, away_ref]),
        status=status,
        reason=np.concatenate([s.reason for s in sides]),
        seconds=seconds,
        dash=(status != ACTIVE) & (rng.random(n_rows) < 0.3),
        plus_minus=_plus_minus(rng, seconds, n_home, margin, game_seconds),
        malformed=malformed,
        gb_stale=_signs(rng, n_rows, well_formed, n_stale),
        bdl_stale=_signs(
            rng,
            n_rows,
            active,
            int(rng.binomial(len(active), RATE_BDL_STALE)) + (0 if has_gamebook else 1),
        ),
        events=events,
        geo=geo,
        ts=_timestamps(rng, game.date),
        **flags,
    )


def _game_flags(rng) -> dict:
    """Overtimes, which feeds have the game and how they look."""
    n_ot = 0
    if rng.random() < RATE_OVERTIME:
        n_ot = 1 + int(rng.random() < RATE_EXTRA_OVERTIME)
    has_gamebook = bool(rng.random() >= RATE_NO_GAMEBOOK)
    return dict(
        n_ot=n_ot,
        has_pbp=bool(rng.random() >= RATE_NO_PBP),
        has_gamebook=has_gamebook,
        has_bdl=bool(not has_gamebook or rng.random() >= RATE_NO_BDL),
        fallback=bool(rng.random() < RATE_PBP_FALLBACK),
        untyped=bool(rng.random() < RATE_UNTYPED_SHOTS),
        ft_distance=15.0 if rng.random() < 0.5 else float("nan"),
        bdl_whole_minutes=bool(rng.random() < 0.5),
    )


def _plus_minus(rng, seconds, n_home, margin, game_seconds) -> np.ndarray:
    sign = np.where(np.arange(len(seconds)) < n_home, 1, -1)
    pm = sign * margin * seconds / game_seconds + rng.normal(0, 4, len(seconds))
    return np.round(pm).astype(np.int64)


def _mark(rng, n_rows, candidates, k, n_codes) -> np.ndarray:
    """A code in [0, n_codes) for k random candidates, -1 elsewhere."""
    out = np.full(n_rows, -1)
    if k:
        out[rng.choice(candidates, k, replace=False)] = rng.integers(0, n_codes, k)
    return out


def _signs(rng, n_rows, candidates, k) -> np.ndarray:
    """+1/-1 for k random candidates (which way a stale copy is off), 0 elsewhere."""
    k = min(k, len(candidates))
    out = np.zeros(n_rows, np.int64)
    if k:
        out[rng.choice(candidates, k, replace=False)] = rng.choice([-1, 1], k)
    return out


def _timestamps(rng, day: dt.date) -> np.ndarray:
    """processed_at (us since epoch) the day after the game: gamebook, its stale copies,
    balldontlie, its stale copies, play-by-play."""
    next_day = ((day - EPOCH).days + 1) * US_PER_DAY
    gb = next_day + int(rng.integers(6 * US_PER_HOUR, 12 * US_PER_HOUR))
    bdl = next_day + int(rng.integers(5 * US_PER_HOUR, 12 * US_PER_HOUR))
    pbp = next_day + int(rng.integers(4 * US_PER_HOUR, 10 * US_PER_HOUR))
    stale = int(rng.integers(US_PER_HOUR, 4 * US_PER_HOUR))
    return np.array([gb, gb - stale, bdl, bdl - stale, pbp], np.int64)
