"""The play-by-play of one game as integer-coded event rows.

Every offensive action of the two sides becomes a "chunk" of events at one distinct
game second (shot + and-one foul + free throw + rebound, foul + free throws + rebound,
turnover with steal, foul, substitutions, timeout, violation), plus period start/end and
jump balls. A row holds the integer fields of ``codes.INT_FIELDS``; some rows are marked
to be delivered twice.
"""

from __future__ import annotations

import numpy as np

from nba_backfill.demo.codes import (
    DEFAULT_ROW,
    FLAG_AND1_FT,
    FLAG_TECH_FT,
    FT_CODE,
    FT_CODE_TABLE,
    INT_FIELDS,
    R_ASSIST,
    R_BLOCK,
    R_JUMP,
    R_STEAL,
    R_SUB,
    THREE,
    E,
    F,
    S,
    T,
)
from nba_backfill.demo.sampling import _menu_pick, _pick, _pick_capped, _pick_other
from nba_backfill.demo.sides import _Offense, _Side

# rebounds: team rebounds, offensive rebounds after a missed shot / last free throw
P_TEAM_REBOUND = 0.10
P_OFF_REBOUND_SHOT = 0.24
P_OFF_REBOUND_FT = 0.12
# events the play-by-play feed delivers twice
RATE_PBP_DUPLICATE = 0.01


def _period_layout(n_ot: int):
    """Start second and length of each period of a game with n_ot overtimes."""
    lengths = np.array([720] * 4 + [300] * n_ot)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return starts, lengths


_SLOTS: dict[int, np.ndarray] = {}


def _chunk_slots(n_ot: int) -> np.ndarray:
    """Game seconds where a chunk of events may happen: not in the first 4 or last 2 seconds
    of a period (those belong to period start/end and jump balls)."""
    if n_ot not in _SLOTS:
        starts, lengths = _period_layout(n_ot)
        _SLOTS[n_ot] = np.concatenate(
            [s + np.arange(4, n - 1) for s, n in zip(starts, lengths, strict=True)]
        )
    return _SLOTS[n_ot]


class _Events:
    """Collects blocks of coded event rows (INT_FIELDS) and their shot geometry."""

    NO_GEO = np.full((1, 3), np.nan)

    def __init__(self):
        self.ints: list[np.ndarray] = []
        self.geo: list[np.ndarray] = []

    def add(self, slot, geo=None, **cols) -> None:
        n = len(slot)
        if n == 0:
            return
        block = np.empty((n, len(INT_FIELDS)), np.int32)
        block[:] = DEFAULT_ROW
        block[:, F["slot"]] = slot
        for name, value in cols.items():
            block[:, F[name]] = value
        self.ints.append(block)
        self.geo.append(np.broadcast_to(self.NO_GEO, (n, 3)) if geo is None else geo)

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        return np.concatenate(self.ints), np.concatenate(self.geo)


class _Slots:
    """Deals distinct random game seconds to chunks."""

    def __init__(self, rng, n_ot: int, n_chunks: int):
        valid = _chunk_slots(n_ot)
        self.slots = valid[rng.choice(len(valid), n_chunks, replace=False)]
        self.pos = 0

    def take(self, n: int) -> np.ndarray:
        out = self.slots[self.pos : self.pos + n]
        self.pos += n
        return out


def _game_events(rng, sides, offense, n_ot, ft_distance):
    """All events of one game as coded rows, in no particular order (slot/order sort)."""
    plan = _chunk_plan(rng, sides, offense)
    slots = _Slots(rng, n_ot, plan["n_chunks"])
    ev = _Events()
    _period_events(ev, sides, n_ot)
    for s in (0, 1):
        off, de, o = sides[s], sides[1 - s], offense[s]
        fouls = _pick_capped(rng, de.w["foul"], plan["fouls"][1 - s], cap=6)
        n_and1, n_trips = int(o.and1.sum()), len(o.trip_size)
        shot_slots = slots.take(len(o.shooter))
        _shot_events(rng, ev, shot_slots, o, off, de, de.act[fouls[:n_and1]], ft_distance)
        _trip_events(
            rng,
            ev,
            slots.take(n_trips),
            o,
            off,
            de,
            de.act[fouls[n_and1 : n_and1 + n_trips]],
            ft_distance,
        )
        ev.add(
            slots.take(plan["nsf"][1 - s]),
            etype=E["foul"],
            subtype=_menu_pick(rng, NON_SHOOTING_FOULS, plan["nsf"][1 - s]),
            p1=de.act[fouls[n_and1 + n_trips :]],
            tmpl=T["player"],
        )
        _technical_events(rng, ev, slots.take(len(o.tech_shooter)), o, de, ft_distance)
        _turnover_events(rng, ev, slots.take(plan["tov"][s]), off, de)
        _substitution_events(rng, ev, slots.take(plan["sub_chunks"][s]), off)
        n_to = plan["timeouts"][s]
        ev.add(slots.take(n_to), etype=E["timeout"], subtype=S["regular"], side=s, tmpl=T["team"])
    _violation_events(rng, ev, slots.take(plan["violations"]), sides)
    _held_ball_events(rng, ev, slots.take(plan["held_balls"]), sides)
    ints, geo = ev.finish()
    dup = rng.random(len(ints)) < RATE_PBP_DUPLICATE
    ints[dup, F["dup_hours"]] = rng.integers(1, 72, int(dup.sum()))
    return ints, geo


NON_SHOOTING_FOULS = (
    np.array([S["personal"], S["loose ball"], S["personal take"]]),
    np.cumsum([0.7, 0.15, 0.15]),
)
STEAL_TURNOVERS = (np.array([S["bad pass"], S["lost ball"]]), np.array([0.55, 1.0]))
OTHER_TURNOVERS = (
    np.array([S["traveling"], S["out of bounds lost ball"], S["step out of bounds"]]),
    np.cumsum([0.45, 0.35, 0.2]),
)


def _chunk_plan(rng, sides, offense) -> dict:
    """How many chunks of each kind the game has (each chunk gets its own game second)."""
    fouls_by, nsf = [0, 0], [0, 0]
    for s in (0, 1):
        o = offense[1 - s]  # team s fouls the other team's shooters
        shooting = int(o.and1.sum()) + len(o.trip_size)
        nsf[s] = max(2, int(rng.integers(16, 25)) - shooting)
        fouls_by[s] = shooting + nsf[s]
    plan = dict(
        fouls=fouls_by,
        nsf=nsf,
        tov=[int(rng.integers(10, 18)) for _ in (0, 1)],
        sub_chunks=[int(rng.integers(22, 30)) for _ in (0, 1)],
        timeouts=[int(rng.integers(5, 8)) for _ in (0, 1)],
        violations=int(rng.integers(0, 4)),
        held_balls=int(rng.integers(0, 2)),
    )
    plan["n_chunks"] = (
        sum(len(o.shooter) + len(o.trip_size) + len(o.tech_shooter) for o in offense)
        + sum(nsf)
        + sum(plan["tov"])
        + sum(plan["sub_chunks"])
        + sum(plan["timeouts"])
        + plan["violations"]
        + plan["held_balls"]
    )
    return plan


def _center(side: _Side) -> int:
    return int(side.act[np.argmax(side.w["oreb"] + side.w["dreb"])])


def _period_events(ev: _Events, sides, n_ot) -> None:
    starts, lengths = _period_layout(n_ot)
    n = len(starts)
    ev.add(starts, order=0, etype=E["start of period"], tmpl=T["period_start"])
    ev.add(starts + lengths - 1, order=7, delta=1, etype=E["end of period"], tmpl=T["period_end"])
    tips = starts[[0, *range(4, n)]]  # opening tip and every overtime
    ev.add(
        tips,
        order=1,
        etype=E["jump ball"],
        p1=_center(sides[0]),
        p2=_center(sides[1]),
        role=R_JUMP,
        tmpl=T["jump_ball"],
    )


def _rebounds(rng, ev, slot, off: _Side, de: _Side, p_off, order=7) -> None:
    """One rebound per miss: offensive, defensive or a team rebound (no player)."""
    n = len(slot)
    if n == 0:
        return
    u = rng.random(n)
    team = u < P_TEAM_REBOUND
    offensive = ~team & (u < P_TEAM_REBOUND + p_off)
    p1 = np.where(
        offensive, off.act[_pick(rng, off.w["oreb"], n)], de.act[_pick(rng, de.w["dreb"], n)]
    )
    p1[team] = -1
    side = np.where(team & (rng.random(n) < 0.3), off.side, de.side)
    subtype = np.where(team, S["team"], np.where(offensive, S["offensive"], S["defensive"]))
    ev.add(
        slot,
        order=order,
        delta=1,
        etype=E["rebound"],
        subtype=subtype,
        p1=p1,
        side=np.where(team, side, -1),
        tmpl=np.where(team, T["team"], T["player"]),
    )


def _ft_geo(n, ft_distance):
    return np.column_stack([np.full(n, ft_distance), np.full((n, 2), np.nan)])


def _shot_events(rng, ev, slot, o: _Offense, off, de, and1_foulers, ft_distance) -> None:
    """Shot (+ and-one foul and 'free throw 1/1' at the same second) (+ rebound)."""
    kind = np.where(o.zone == THREE, 2, 1)
    tmpl = np.select(
        [o.made & (o.role == R_ASSIST), o.made, o.role == R_BLOCK],
        [T["shot_assisted"], T["shot_made"], T["shot_blocked"]],
        T["shot_missed"],
    )
    ev.add(
        slot,
        geo=o.geo,
        etype=E["shot"],
        subtype=o.subtype,
        p1=o.shooter,
        p2=o.helper,
        role=o.role,
        made=o.made,
        kind=kind,
        zone=o.zone,
        points=(kind + 1) * o.made,
        tmpl=tmpl,
        flag=o.flag,
    )
    a = np.flatnonzero(o.and1)
    ev.add(
        slot[a], order=1, etype=E["foul"], subtype=S["shooting"], p1=and1_foulers, tmpl=T["player"]
    )
    ev.add(
        slot[a],
        geo=_ft_geo(len(a), ft_distance),
        order=2,
        etype=E["free throw"],
        subtype=FT_CODE[(1, 1)],
        p1=o.shooter[a],
        made=o.and1_made[a],
        kind=3,
        points=o.and1_made[a],
        tmpl=np.where(o.and1_made[a], T["ft_made"], T["ft_missed"]),
        flag=FLAG_AND1_FT,
    )
    missed = np.concatenate([slot[~o.made], slot[o.and1 & ~o.and1_made]])
    _rebounds(rng, ev, missed, off, de, P_OFF_REBOUND_SHOT)


def _trip_events(rng, ev, slot, o: _Offense, off, de, foulers, ft_distance) -> None:
    """Foul, free throws k/n (team rebound after a missed non-final one), rebound."""
    n = len(slot)
    if n == 0:
        return
    ev.add(
        slot,
        etype=E["foul"],
        p1=foulers,
        tmpl=T["player"],
        subtype=np.where(o.trip_shooting, S["shooting"], S["personal"]),
    )
    trip = np.repeat(np.arange(n), o.trip_size)
    k = np.arange(len(trip)) - np.repeat(np.cumsum(o.trip_size) - o.trip_size, o.trip_size)
    size = o.trip_size[trip]
    made = o.trip_made[trip, k]
    codes = FT_CODE_TABLE[k + 1, size]
    ev.add(
        slot[trip],
        geo=_ft_geo(len(trip), ft_distance),
        order=2 * k + 1,
        etype=E["free throw"],
        subtype=codes,
        p1=o.trip_shooter[trip],
        made=made,
        kind=3,
        points=made,
        tmpl=np.where(made, T["ft_made"], T["ft_missed"]),
    )
    dead = ~made & (k < size - 1)
    ev.add(
        slot[trip[dead]],
        order=2 * k[dead] + 2,
        etype=E["rebound"],
        subtype=S["team"],
        side=off.side,
        tmpl=T["team"],
    )
    final_miss = ~made & (k == size - 1)
    _rebounds(rng, ev, slot[trip[final_miss]], off, de, P_OFF_REBOUND_FT)


def _technical_events(rng, ev, slot, o: _Offense, de, ft_distance) -> None:
    """Technical foul (a player or the bench) and a lone 'free throw 1/1': no and-one."""
    n = len(slot)
    if n == 0:
        return
    bench = rng.random(n) < 0.3
    fouler = np.where(bench, -1, de.act[_pick(rng, de.w["foul"], n)])
    ev.add(
        slot,
        etype=E["foul"],
        subtype=S["technical"],
        p1=fouler,
        side=np.where(bench, de.side, -1),
        tmpl=np.where(bench, T["team"], T["player"]),
    )
    ev.add(
        slot,
        geo=_ft_geo(n, ft_distance),
        order=1,
        etype=E["free throw"],
        subtype=FT_CODE[(1, 1)],
        p1=o.tech_shooter,
        made=o.tech_made,
        kind=3,
        points=o.tech_made,
        flag=FLAG_TECH_FT,
        tmpl=np.where(o.tech_made, T["tech_ft_made"], T["tech_ft_missed"]),
    )


def _turnover_events(rng, ev, slot, off: _Side, de: _Side) -> None:
    n = len(slot)
    u = rng.random(n)
    team = u < 0.07
    steal = ~team & (u < 0.6)
    p1 = np.where(team, -1, off.act[_pick(rng, off.w["tov"], n)])
    p2 = np.where(steal, de.act[_pick(rng, de.w["stl"], n)], -1)
    subtype = np.where(
        steal, _menu_pick(rng, STEAL_TURNOVERS, n), _menu_pick(rng, OTHER_TURNOVERS, n)
    )
    subtype[team] = S["shot clock"]
    tmpl = np.select([team, steal], [T["team"], T["turnover_steal"]], T["player"])
    ev.add(
        slot,
        etype=E["turnover"],
        subtype=subtype,
        p1=p1,
        p2=p2,
        role=np.where(steal, R_STEAL, -1),
        side=np.where(team, off.side, -1),
        tmpl=tmpl,
    )


def _substitution_events(rng, ev, slot, side: _Side) -> None:
    """1-3 substitutions per stoppage: player_1 leaves, player_2 enters."""
    size = rng.integers(1, 4, len(slot))
    chunk = np.repeat(np.arange(len(slot)), size)
    order = np.arange(len(chunk)) - np.repeat(np.cumsum(size) - size, size)
    out = _pick(rng, side.w["min"], len(chunk))
    enters = _pick_other(rng, side.w["bench"], out)
    ev.add(
        slot[chunk],
        order=order,
        etype=E["substitution"],
        p1=side.act[out],
        p2=side.act[enters],
        role=R_SUB,
        tmpl=T["substitution"],
    )


def _violation_events(rng, ev, slot, sides) -> None:
    n = len(slot)
    if n == 0:
        return
    side = rng.integers(0, 2, n)
    kind = rng.integers(0, 3, n)  # kicked ball, lane, delay of game (team)
    player = np.array([sides[s].act[_pick(rng, sides[s].w["min"], 1)[0]] for s in side])
    team = kind == 2
    ev.add(
        slot,
        etype=E["violation"],
        subtype=np.choose(kind, [S["kicked ball"], S["lane"], S["delay of game"]]),
        p1=np.where(team, -1, player),
        side=np.where(team, side, -1),
        tmpl=np.where(team, T["team"], T["player"]),
    )


def _held_ball_events(rng, ev, slot, sides) -> None:
    n = len(slot)
    if n == 0:
        return
    ev.add(
        slot,
        etype=E["jump ball"],
        role=R_JUMP,
        tmpl=T["jump_ball"],
        p1=sides[0].act[_pick(rng, sides[0].w["min"], n)],
        p2=sides[1].act[_pick(rng, sides[1].w["min"], n)],
    )
