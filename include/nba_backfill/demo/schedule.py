"""When games are played: regular season, postponed games, playoffs; nbac_schedule.

Per season, seeded by ``(seed, season)``: 1230 regular-season games (82 per team, at most
one game per team per day) spread greedily over the days from the Tuesday after Oct 17
to the Sunday after Apr 8, with no games on Thanksgiving, Christmas Eve and the All-Star
break; ~0.5% of games are ``Postponed`` and made up later under a new game_id.
Playoffs (``is_playoffs``): 16 teams, four rounds of best-of-seven series, mid April to
mid June. Games dated after LAST_PLAYED_DATE are ``Scheduled``.

The seasons that were not like that have their own shape (SHAPES), as they were played:
2011-12 (the lockout: 66 games a team from Christmas Day to Apr 26, 990 in all), 2019-20
(suspended after Mar 11, 2020; 22 teams played 8 seeding games each in the bubble from
Jul 30 to Aug 14, the playoffs ran to Oct 11) and 2020-21 (72 games a team, Dec 22 to
May 16, 1080 in all).

Whole seasons are always built and then cut to the range, so a sub-range gives the same
schedule, and (every game seeded by ``(seed, game_id)``) the same rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pyarrow as pa

from nba_backfill.demo.arrays import _dates_array, _days
from nba_backfill.demo.league import EAST, N_TEAMS, TEAMS
from nba_backfill.demo.sampling import _rng

# Games dated after this day are 'Scheduled' (no stats yet); earlier ones Final/Postponed.
LAST_PLAYED_DATE = dt.date(2026, 6, 30)
REGULAR_SEASON_GAMES = 82
RATE_POSTPONED = 0.005


@dataclasses.dataclass(frozen=True)
class _Shape:
    """A season played otherwise than the usual 82 games from late October to April."""

    opening: dt.date
    last: dt.date  # of the regular season as scheduled
    games_per_team: int = REGULAR_SEASON_GAMES
    all_star: dt.date | None = None  # the Sunday of the All-Star break
    suspended: tuple[dt.date, dt.date] | None = None  # games scheduled between: cancelled
    bubble: tuple[dt.date, dt.date, int, int] | None = None  # (first, last, teams, games each)


SHAPES = {
    2011: _Shape(dt.date(2011, 12, 25), dt.date(2012, 4, 26), 66, dt.date(2012, 2, 26)),
    2019: _Shape(
        dt.date(2019, 10, 22), dt.date(2020, 4, 15), all_star=dt.date(2020, 2, 16),
        suspended=(dt.date(2020, 3, 12), dt.date(2020, 7, 29)),
        bubble=(dt.date(2020, 7, 30), dt.date(2020, 8, 14), 22, 8),
    ),
    2020: _Shape(dt.date(2020, 12, 22), dt.date(2021, 5, 16), 72, dt.date(2021, 3, 7)),
}  # fmt: skip


def _weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta((weekday - day.weekday()) % 7)


def _season_of(day: dt.date) -> int:
    """Season containing `day`; July-September belong to the season about to start."""
    return day.year if day.month >= 7 else day.year - 1


@dataclasses.dataclass(frozen=True)
class _Game:
    date: dt.date
    season: int
    away: int
    home: int
    playoffs: bool
    status: str

    @property
    def game_id(self) -> str:
        return f"{self.date:%Y%m%d}_{TEAMS[self.away]}_{TEAMS[self.home]}"


def _games_in_range(start: dt.date, end: dt.date, seed: int) -> list[_Game]:
    games = [
        g
        # (a season may run past September: the 2019-20 playoffs ended in October 2020)
        for season in range(_season_of(start) - 1, _season_of(end) + 1)
        for g in _season_games(seed, season)
        if start <= g.date <= end
    ]
    return sorted(games, key=lambda g: (g.date, g.game_id))


def _season_games(seed: int, season: int) -> list[_Game]:
    """Every game of one season: regular season (with postponements) and playoffs."""
    rng = _rng(seed, "schedule", season)
    shape = SHAPES.get(season)
    days = _regular_season_days(season, shape)
    home, away = _matchups(rng, shape.games_per_team if shape else REGULAR_SEASON_GAMES)
    dates = _assign_dates(rng, days, home, away)
    regular = [(d, int(a), int(h)) for d, a, h in zip(dates, away, home, strict=True)]
    if shape and shape.suspended:
        first, last = shape.suspended
        regular = [g for g in regular if not first <= g[0] <= last]
        days = [d for d in days if not first <= d <= last]
    statuses = ["Final"] * len(regular)
    regular, statuses = _postpone(rng, regular, statuses, days)
    if shape and shape.bubble:
        seeding = _bubble(rng, *shape.bubble)
        regular += seeding
        statuses += ["Final"] * len(seeding)
    playoffs = _playoffs(rng, max(d for d, _, _ in regular))
    games = [
        _Game(d, season, a, h, False, status)
        for (d, a, h), status in zip(regular, statuses, strict=True)
    ]
    games += [_Game(d, season, a, h, True, "Final") for d, a, h in playoffs]
    return [
        dataclasses.replace(g, status="Scheduled")
        if g.date > LAST_PLAYED_DATE and g.status == "Final"
        else g
        for g in games
    ]


def _regular_season_days(season: int, shape: _Shape | None = None) -> list[dt.date]:
    opening = _weekday_on_or_after(dt.date(season, 10, 18), 1)  # a Tuesday
    last = _weekday_on_or_after(dt.date(season + 1, 4, 9), 6)  # a Sunday
    all_star = _weekday_on_or_after(dt.date(season + 1, 2, 15), 6)
    if shape is not None:
        opening, last, all_star = shape.opening, shape.last, shape.all_star or all_star
    thanksgiving = _weekday_on_or_after(dt.date(season, 11, 1), 3) + dt.timedelta(21)
    off = {thanksgiving, dt.date(season, 12, 24)}
    off |= {all_star + dt.timedelta(k) for k in range(-2, 4)}
    n = (last - opening).days + 1
    return [d for d in (opening + dt.timedelta(i) for i in range(n)) if d not in off]


def _bubble(rng, first: dt.date, last: dt.date, teams: int, each: int):
    """The 2020 restart: `teams` teams, `each` seeding games apiece, every day from
    `first` to `last` (at most one game per team per day)."""
    chosen = [int(t) for t in rng.permutation(N_TEAMS)[:teams]]
    rounds = _round_robin(np.array(chosen))[:each]
    days = [first + dt.timedelta(k) for k in range((last - first).days + 1)]
    games = []
    for r, rnd in enumerate(rounds):
        for k, (a, b) in enumerate(rnd):
            day = days[(2 * r + k % 2) % len(days)]
            games.append((day, a, b) if rng.random() < 0.5 else (day, b, a))
    return games


def _round_robin(order: np.ndarray) -> list[list[tuple[int, int]]]:
    """Circle method: len(order) - 1 rounds, each a perfect matching of the teams."""
    t = list(order)
    n = len(t)
    rounds = []
    for _ in range(n - 1):
        rounds.append([(t[i], t[n - 1 - i]) for i in range(n // 2)])
        t = [t[0], t[-1], *t[1:-1]]
    return rounds


def _matchups(rng, games_per_team: int = REGULAR_SEASON_GAMES) -> tuple[np.ndarray, np.ndarray]:
    """(home, away) pairs: everyone twice at home and away, plus as many more rounds as
    make `games_per_team` (1230 pairs for 82: 24 more rounds)."""
    pairs = [
        (a, b) if rng.random() < 0.5 else (b, a)
        for rnd in _round_robin(rng.permutation(N_TEAMS))
        for a, b in rnd
    ]
    pairs += [(b, a) for a, b in pairs]
    home_games = np.full(N_TEAMS, N_TEAMS - 1)
    extra_rounds = _round_robin(rng.permutation(N_TEAMS))
    for rnd in extra_rounds[: games_per_team - 2 * (N_TEAMS - 1)]:
        for a, b in rnd:
            h, v = (a, b) if (home_games[a], rng.random()) < (home_games[b], 0.5) else (b, a)
            home_games[h] += 1
            pairs.append((h, v))
    order = rng.permutation(len(pairs))
    arr = np.array(pairs)[order]
    return arr[:, 0], arr[:, 1]


WEEKDAY_LOAD = (0.9, 1.0, 1.2, 0.7, 1.15, 1.1, 0.95)  # Monday .. Sunday


def _assign_dates(rng, days, home, away) -> list[dt.date]:
    """Greedy: each day takes the open games whose teams have the most games left."""
    n = len(home)
    day_of = np.full(n, -1)
    remaining = np.bincount(np.concatenate([home, away]), minlength=N_TEAMS).astype(float)
    last_played = np.full(N_TEAMS, -10)
    days = list(days)
    i = 0
    while (day_of < 0).any():
        if i >= len(days):  # overflow: a few extra days at the end of the season
            days.append(days[-1] + dt.timedelta(1))
        cand = np.flatnonzero(day_of < 0)
        if i == 0:
            target = 3  # opening night
        elif i < len(days) and len(days) - i > 0:
            per_day = len(cand) / max(1, len(days) - i)
            target = per_day * WEEKDAY_LOAD[days[i].weekday()] * rng.uniform(0.5, 1.5)
            target = int(min(15, round(target)))
        else:
            target = 15
        tired = (last_played[home[cand]] == i - 1) | (last_played[away[cand]] == i - 1)
        prio = remaining[home[cand]] + remaining[away[cand]] + 6 * rng.random(len(cand))
        prio -= 12 * tired
        busy = np.zeros(N_TEAMS, bool)
        placed = 0
        for g in cand[np.argsort(-prio)]:
            if placed >= target:
                break
            h, a = home[g], away[g]
            if busy[h] or busy[a]:
                continue
            busy[h] = busy[a] = True
            day_of[g] = i
            remaining[h] -= 1
            remaining[a] -= 1
            last_played[h] = last_played[a] = i
            placed += 1
        i += 1
    return [days[k] for k in day_of]


def _postpone(rng, games, statuses, days):
    """~0.5% of played games are postponed; each is made up later, between the same teams."""
    cutoff = min(days[-1] - dt.timedelta(21), LAST_PLAYED_DATE)
    eligible = [k for k, (d, _, _) in enumerate(games) if d <= cutoff]
    n = min(len(eligible), int(rng.binomial(len(games), RATE_POSTPONED)))
    if n == 0:
        return games, statuses
    busy: dict[int, set[dt.date]] = {t: set() for t in range(N_TEAMS)}
    for d, a, h in games:
        busy[a].add(d)
        busy[h].add(d)
    games, statuses = list(games), list(statuses)
    for k in sorted(rng.choice(eligible, n, replace=False)):
        d, a, h = games[k]
        statuses[k] = "Postponed"
        later = [x for x in days if x >= d + dt.timedelta(10)]
        free = [
            x
            for x in later
            if not ({x, x - dt.timedelta(1), x + dt.timedelta(1)} & (busy[a] | busy[h]))
        ]
        free = free or [x for x in later if x not in busy[a] | busy[h]]
        makeup = free[int(rng.integers(min(len(free), 10)))]
        busy[a].add(makeup)
        busy[h].add(makeup)
        games.append((makeup, a, h))
        statuses.append("Final")
    return games, statuses


ROUND_GAP = 16  # days from the start of one playoff round to the next
SERIES_GAME_DAYS = ((0, 2, 4, 6, 8, 10, 12),) * 3 + ((0, 3, 5, 8, 10, 13, 16),)
HIGH_SEED_HOME = (True, True, False, False, True, False, True)  # 2-2-1-1-1


def _playoffs(rng, last_regular: dt.date) -> list[tuple[dt.date, int, int]]:
    """Four rounds of best-of-seven series between 8 seeds per conference."""
    strength = rng.normal(size=N_TEAMS)
    seeds = {
        conf: sorted(
            (t for t in range(N_TEAMS) if (t in EAST) == conf), key=lambda t: -strength[t]
        )[:8]
        for conf in (True, False)
    }
    bracket = [[(s[0], s[7]), (s[3], s[4]), (s[2], s[5]), (s[1], s[6])] for s in seeds.values()]
    series = bracket[0] + bracket[1]
    start = last_regular + dt.timedelta(6)
    games = []
    for rnd in range(4):
        winners = []
        for k, (hi, lo) in enumerate(series):
            if strength[lo] > strength[hi]:
                hi, lo = lo, hi
            first = start + dt.timedelta(rnd * ROUND_GAP + k % 2)
            winner, played = _play_series(rng, strength[hi] - strength[lo])
            for g in range(played):
                day = first + dt.timedelta(SERIES_GAME_DAYS[rnd][g])
                h, a = (hi, lo) if HIGH_SEED_HOME[g] else (lo, hi)
                games.append((day, a, h))
            winners.append(hi if winner == 0 else lo)
        series = list(zip(winners[::2], winners[1::2], strict=False))  # [] after the final
    return games


def _play_series(rng, edge: float) -> tuple[int, int]:
    """Winner (0 = higher seed) and number of games of a best-of-seven."""
    p = 0.5 + 0.1 * np.tanh(edge)
    wins = [0, 0]
    while max(wins) < 4:
        wins[0 if rng.random() < p else 1] += 1
    return (0 if wins[0] == 4 else 1), sum(wins)


def _schedule_table(games: list[_Game]) -> pa.Table:
    return pa.table(
        {
            "game_id": pa.array([g.game_id for g in games], pa.string()),
            "game_date": _dates_array(np.array([_days(g.date) for g in games])),
            "season_year": pa.array([g.season for g in games], pa.int64()),
            "home_team_abbr": pa.array([TEAMS[g.home] for g in games], pa.string()),
            "away_team_abbr": pa.array([TEAMS[g.away] for g in games], pa.string()),
            "game_status": pa.array([g.status for g in games], pa.string()),
            "is_playoffs": pa.array([g.playoffs for g in games], pa.bool_()),
        }
    )
