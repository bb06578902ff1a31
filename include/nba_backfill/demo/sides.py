"""One team in one game: who plays, for how long, and everything it attempts.

1. Who plays: 9-12 active players per team, the rest ``dnp`` / ``inactive`` such that
   the share of gamebook rows with NULL minutes is within [0.36, 0.44] for the game.
2. Minutes: integer seconds per active player summing to 5 x game length per team.
3. Offense per team: every field-goal attempt (85-92 a team, 30-40 threes) with its
   shooter, zone (paint / mid_range / three), make, assist or block, and-one, distance
   and court position; free throw trips (15-28 FTA), technical free throws (the lone
   ``free throw 1/1``).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from nba_backfill.demo.codes import (
    ACTIVE,
    DNP,
    DNP_REASON_WEIGHTS,
    DNP_REASONS,
    FLAG_HEAVE,
    FLAG_LONG_TWO,
    FLAG_PAINT_AT_8,
    INACTIVE,
    INACTIVE_REASON_WEIGHTS,
    MID,
    PAINT,
    R_ASSIST,
    R_BLOCK,
    SHORT_MID,
    SHOT_MENUS,
    THREE,
    S,
)
from nba_backfill.demo.sampling import _menu_pick, _pick, _pick_other, _weighted_subset

# who plays and for how long
# depth rank -> minutes weight (0 = best player of the team)
MINUTES_BY_RANK = np.array(
    [35, 34, 33, 31, 30, 27, 25, 22, 19, 16, 12, 9, 7, 5, 4, 3, 3, 3], dtype=float
)
RATE_TECHNICAL = 0.085  # per team and game: lone 'free throw 1/1'
NULL_MINUTES_BAND = (36, 44)  # percent of a game's gamebook rows with NULL minutes
ACTIVE_PER_TEAM = (9, 12)

# shots, per zone (paint, mid_range, three): assisted makes, blocked misses, and-ones
P_ASSIST = np.array([0.49, 0.45, 0.83])
P_BLOCK = np.array([0.18, 0.085, 0.04])
P_AND1 = np.array([0.07, 0.02, 0.008])
RATE_HEAVE = 0.005  # of threes: 35-60 ft
RATE_CORNER = 0.2  # of threes: 22.0-22.9 ft
RATE_LONG_TWO = 0.025  # of mid-range twos in typed feeds: '2PT' at 23.8-25.0 ft
RATE_PAINT_AT_8 = 0.03  # of paint twos: exactly 8.0 ft


@dataclasses.dataclass
class _Side:
    """One team in one game. Player indices are game-local: home roster first."""

    side: int  # 0 home, 1 away
    team: int
    ref: np.ndarray  # league indices of the roster
    local: np.ndarray  # game-local indices of the roster
    status: np.ndarray
    reason: np.ndarray  # index into REASONS, -1 for active players
    seconds: np.ndarray  # 0 for players who did not play
    act: np.ndarray  # game-local indices of active players
    w: dict[str, np.ndarray]  # weights over `act`


@dataclasses.dataclass
class _Offense:
    """Everything one team attempted: field goals, free-throw trips, technical FTs."""

    shooter: np.ndarray
    zone: np.ndarray
    made: np.ndarray
    helper: np.ndarray  # assister (made) or blocker (missed) or -1
    role: np.ndarray
    subtype: np.ndarray
    geo: np.ndarray  # (n, 3): distance, x, y
    flag: np.ndarray
    and1: np.ndarray
    and1_made: np.ndarray
    trip_shooter: np.ndarray
    trip_size: np.ndarray
    trip_made: np.ndarray  # (trips, 3), False beyond the trip size
    trip_shooting: np.ndarray  # shooting foul (else a bonus foul)
    tech_shooter: np.ndarray  # 0 or 1 entries
    tech_made: np.ndarray

    def points(self) -> int:
        return int(
            (np.where(self.zone == THREE, 3, 2) * self.made).sum()
            + (self.and1 & self.and1_made).sum()
            + self.trip_made.sum()
            + self.tech_made.sum()
        )


def _players_who_play(rng, n_rows, n_home, n_away, n_malformed, n_stale):
    """Active players per team such that NULL minutes are 36-44% of the gamebook rows,
    counting malformed minutes as NULL, with and without the stale duplicate rows.
    Returns (home actives, away actives, number of stale duplicates that fit)."""
    lo_pct, hi_pct = NULL_MINUTES_BAND
    while True:
        lo = -((-lo_pct * (n_rows + n_stale)) // 100)
        hi = (hi_pct * n_rows) // 100
        if lo <= hi or n_stale == 0:
            break
        n_stale -= 1
    n_null = int(rng.integers(lo, hi + 1)) - n_malformed
    n_play = n_rows - n_null
    lo_a, hi_a = ACTIVE_PER_TEAM
    home_options = [
        h
        for h in range(lo_a, hi_a + 1)
        if lo_a <= n_play - h <= hi_a and h <= n_home and n_play - h <= n_away
    ]
    home = int(home_options[rng.integers(len(home_options))])
    return home, n_play - home, n_stale


def _lineup(rng, league, side, team, ref, offset, n_play, game_seconds) -> _Side:
    """Who is inactive, who does not play, and the seconds of those who play."""
    n = len(ref)
    rank = league.rank[ref]
    n_inactive = min(n - n_play, int(rng.integers(1, 5)))
    status = np.full(n, DNP)
    inactive = _weighted_subset(rng, 0.5 + rank.astype(float), n_inactive)
    status[inactive] = INACTIVE
    order = np.argsort(rank + rng.normal(0, 1.2, n) + 100 * (status == INACTIVE))
    status[order[:n_play]] = ACTIVE
    reason = np.full(n, -1)
    dnp, inact = np.flatnonzero(status == DNP), np.flatnonzero(status == INACTIVE)
    reason[dnp] = _pick(rng, DNP_REASON_WEIGHTS, len(dnp))
    reason[inact] = len(DNP_REASONS) + _pick(rng, INACTIVE_REASON_WEIGHTS, len(inact))
    act_pos = np.flatnonzero(status == ACTIVE)
    seconds = np.zeros(n, np.int64)
    seconds[act_pos] = _split_seconds(
        rng, MINUTES_BY_RANK[rank[act_pos]], 5 * game_seconds, game_seconds
    )
    a_ref, sec = ref[act_pos], seconds[act_pos].astype(float)
    w = {
        "shot": league.usage[a_ref] * sec,
        "draw": league.draw[a_ref] * np.sqrt(league.usage[a_ref]) * sec,
        "ast": league.ast[a_ref] * sec,
        "blk": league.blk[a_ref] * sec,
        "stl": league.stl[a_ref] * sec,
        "oreb": league.oreb[a_ref] * sec,
        "dreb": league.dreb[a_ref] * sec,
        "foul": league.foul[a_ref] * sec,
        "tov": league.usage[a_ref] * sec,
        "min": sec,
        "bench": np.sqrt(sec),
    }
    return _Side(
        side=side,
        team=team,
        ref=ref,
        local=offset + np.arange(n),
        status=status,
        reason=reason,
        seconds=seconds,
        act=offset + act_pos,
        w=w,
    )


def _split_seconds(rng, weights, total, cap) -> np.ndarray:
    """Integer seconds proportional to noisy weights, each in [60, cap], summing to total."""
    share = weights * rng.uniform(0.85, 1.15, len(weights))
    share = share / share.sum() * total
    for _ in range(10):
        over = share > cap
        if not over.any():
            break
        excess = (share[over] - cap).sum()
        share[over] = cap
        free = share < cap
        share[free] += excess * share[free] / share[free].sum()
    sec = np.maximum(np.floor(share).astype(np.int64), 60)
    diff = int(total - sec.sum())
    if diff > 0:  # hand out the floored remainder, one second each
        room = np.flatnonzero(sec < cap)
        best = room[np.argsort(-(share[room] - np.floor(share[room])))]
        sec[best[:diff]] += 1
    elif diff < 0:  # minimum-minute bumps: taken from the busiest player
        sec[np.argmax(sec)] += diff
    return sec


def _draw_offense(rng, league, off: _Side, de: _Side, untyped: bool) -> _Offense:
    """Field-goal attempts, free-throw trips and technical free throws of one team."""
    a_ref = off.ref[off.act - off.local[0]]  # league indices of the active players
    n_fga, n_three = int(rng.integers(85, 93)), int(rng.integers(30, 41))
    pos = _pick(rng, off.w["shot"], n_fga)
    zone = np.full(n_fga, MID)
    zone[_weighted_subset(rng, league.three_rate[a_ref[pos]], n_three)] = THREE
    twos = zone != THREE
    zone[twos & (rng.random(n_fga) < league.paint_rate[a_ref[pos]])] = PAINT
    subtype, geo, flag = _shot_geometry(rng, zone, untyped)
    p_make = league.make[a_ref[pos], zone]
    p_make[flag == FLAG_HEAVE] = 0.03
    made = rng.random(n_fga) < p_make
    shooter = off.act[pos]

    helper, role = np.full(n_fga, -1), np.full(n_fga, -1)
    assisted = np.flatnonzero(made & (rng.random(n_fga) < P_ASSIST[zone]))
    helper[assisted] = off.act[_pick_other(rng, off.w["ast"], pos[assisted])]
    role[assisted] = R_ASSIST
    blocked = np.flatnonzero(~made & (flag != FLAG_HEAVE) & (rng.random(n_fga) < P_BLOCK[zone]))
    helper[blocked] = de.act[_pick(rng, de.w["blk"], len(blocked))]
    role[blocked] = R_BLOCK
    and1 = made & (rng.random(n_fga) < P_AND1[zone])
    and1_made = and1 & (rng.random(n_fga) < league.ft_pct[a_ref[pos]])

    n_tech = int(rng.random() < RATE_TECHNICAL)
    fta = int(rng.integers(15, 29))
    n_three_trips = int(rng.binomial(2, 0.2))
    n_two_trips = max(0, round((fta - and1.sum() - n_tech - 3 * n_three_trips) / 2))
    trip_size = rng.permutation(np.repeat([2, 3], [n_two_trips, n_three_trips]))
    trip_pos = _pick(rng, off.w["draw"], len(trip_size))
    trip_made = rng.random((len(trip_size), 3)) < league.ft_pct[a_ref[trip_pos]][:, None]
    trip_made &= np.arange(3) < trip_size[:, None]
    trip_shooting = (trip_size == 3) | (rng.random(len(trip_size)) < 0.75)
    # technical free throws: the best free-throw shooter among the five busiest players
    busiest = np.argsort(-off.w["min"])[:5]
    best = busiest[np.argmax(league.ft_pct[a_ref[busiest]])]
    tech_pos = np.full(n_tech, best)
    return _Offense(
        shooter=shooter,
        zone=zone,
        made=made,
        helper=helper,
        role=role,
        subtype=subtype,
        geo=geo,
        flag=flag,
        and1=and1,
        and1_made=and1_made,
        trip_shooter=off.act[trip_pos],
        trip_size=trip_size,
        trip_made=trip_made,
        trip_shooting=trip_shooting,
        tech_shooter=off.act[tech_pos],
        tech_made=rng.random(n_tech) < league.ft_pct[a_ref[tech_pos]],
    )


def _shot_geometry(rng, zone, untyped):
    """event_subtype, (distance, x, y) and truth flags of shots of the given zones."""
    n = len(zone)
    subtype = np.empty(n, np.int64)
    dist = np.empty(n)
    flag = np.zeros(n, np.int64)
    u = rng.random(n)
    for z in (PAINT, MID, THREE):
        idx = np.flatnonzero(zone == z)
        subtype[idx] = _menu_pick(rng, SHOT_MENUS[z], len(idx))
    paint = zone == PAINT
    dist[paint] = np.round(8.0 * rng.random(paint.sum()) ** 1.6, 1)
    at8 = paint & (u < RATE_PAINT_AT_8)
    dist[at8], flag[at8] = 8.0, FLAG_PAINT_AT_8
    mid = zone == MID
    short = mid & np.isin(subtype, SHORT_MID)
    dist[mid] = np.round(rng.uniform(8.1, 23.5, mid.sum()), 1)
    dist[short] = np.round(rng.uniform(8.1, 14.0, short.sum()), 1)
    if not untyped:  # a typed '2PT' beyond the arc: counts as mid_range
        long_two = mid & ~short & (u < RATE_LONG_TWO)
        dist[long_two] = np.round(rng.uniform(23.8, 25.0, long_two.sum()), 1)
        flag[long_two] = FLAG_LONG_TWO
    three = zone == THREE
    n_three = int(three.sum())
    above_break = rng.uniform(23.8, 27.5, n_three) + rng.exponential(0.4, n_three)
    dist[three] = np.minimum(np.round(above_break, 1), 30.0)
    corner = three & (u < RATE_CORNER)
    dist[corner] = np.round(rng.uniform(22.0, 22.9, corner.sum()), 1)
    heave = three & (u > 1 - RATE_HEAVE)
    dist[heave] = np.round(rng.uniform(35.0, 60.0, heave.sum()), 1)
    subtype[heave] = S["3pt jump shot"]
    flag[heave] = FLAG_HEAVE
    angle = np.where(
        corner,
        np.sign(rng.random(n) - 0.5) * rng.uniform(1.36, 1.52, n),
        rng.uniform(-1.35, 1.35, n),
    )
    geo = np.column_stack(
        [dist, np.round(10 * dist * np.sin(angle)) + 0.0, np.round(10 * dist * np.cos(angle)) + 0.0]
    )
    return subtype, geo, flag


def _break_tie(offense: list[_Offense]) -> None:
    """Games do not end tied: turn one missed free throw (or a missed two) into a make."""
    if offense[0].points() != offense[1].points():
        return
    for o in offense:
        valid = np.arange(3) < o.trip_size[:, None]
        missed = np.argwhere(valid & ~o.trip_made)
        if len(missed):
            o.trip_made[missed[0][0], missed[0][1]] = True
            return
    o = offense[0]
    k = np.flatnonzero(~o.made & (o.zone != THREE) & (o.role != R_BLOCK))[0]
    o.made[k] = True
