"""The 30 teams, and the players of one season.

Per season, seeded by ``(seed, season)``: 17-18 players per team with unique, realistic
names (see ``names``) and a player profile (position, depth rank, usage, shot mix, make
rates, rebound / assist / steal / block / foul tendencies). From the 2024-25 season on,
some players' play-by-play lookups carry a numeric player-id prefix.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from nba_backfill.demo.names import _identities, _player_names, feed_lookup_of, lookup_of
from nba_backfill.demo.sampling import _rng

TEAMS = (
    "ATL",
    "BOS",
    "BKN",
    "CHA",
    "CHI",
    "CLE",
    "DAL",
    "DEN",
    "DET",
    "GSW",
    "HOU",
    "IND",
    "LAC",
    "LAL",
    "MEM",
    "MIA",
    "MIL",
    "MIN",
    "NOP",
    "NYK",
    "OKC",
    "ORL",
    "PHI",
    "PHX",
    "POR",
    "SAC",
    "SAS",
    "TOR",
    "UTA",
    "WAS",
)

NICKNAMES = (
    "Hawks",
    "Celtics",
    "Nets",
    "Hornets",
    "Bulls",
    "Cavaliers",
    "Mavericks",
    "Nuggets",
    "Pistons",
    "Warriors",
    "Rockets",
    "Pacers",
    "Clippers",
    "Lakers",
    "Grizzlies",
    "Heat",
    "Bucks",
    "Timberwolves",
    "Pelicans",
    "Knicks",
    "Thunder",
    "Magic",
    "76ers",
    "Suns",
    "Trail Blazers",
    "Kings",
    "Spurs",
    "Raptors",
    "Jazz",
    "Wizards",
)

EAST = frozenset(
    TEAMS.index(t)
    for t in (
        "ATL",
        "BOS",
        "BKN",
        "CHA",
        "CHI",
        "CLE",
        "DET",
        "IND",
        "MIA",
        "MIL",
        "NYK",
        "ORL",
        "PHI",
        "TOR",
        "WAS",
    )
)
N_TEAMS = len(TEAMS)

POSITIONS_PER_TEAM = (0,) * 7 + (1,) * 6 + (2,) * 5  # guards, forwards, centers

# per position (G, F, C): means of the player profile
PROFILE = {
    "usage": (1.1, 1.0, 0.8),
    "three_lo": (0.35, 0.25, 0.01),
    "three_hi": (0.60, 0.50, 0.25),
    "paint_lo": (0.40, 0.50, 0.70),
    "paint_hi": (0.60, 0.70, 0.90),
    "ft_pct": (0.82, 0.77, 0.68),
    "oreb": (0.3, 0.8, 2.0),
    "dreb": (0.8, 1.3, 2.2),
    "ast": (2.5, 1.0, 0.6),
    "stl": (1.2, 1.0, 0.7),
    "blk": (0.2, 0.7, 2.5),
    "foul": (0.9, 1.0, 1.3),
    "draw": (1.0, 1.0, 1.2),
}
MAKE_MEANS = (0.60, 0.42, 0.355)  # paint, mid_range, three

# play-by-play lookups with a numeric player-id prefix, from the 2024-25 season on
RATE_PREFIX = 0.30
PREFIX_FROM_SEASON = 2024


@dataclasses.dataclass
class _League:
    """Every player of one season; players are grouped by team (team_start offsets)."""

    season: int
    team_start: np.ndarray
    name: list[str]  # as the box scores spell it (some accented)
    lookup: list[str]  # the contract's key: the box-score name, accents folded
    feed_lookup: list[str]  # the lookup the box-score feeds deliver (accents not folded)
    pbp_name: list[str]  # as the play-by-play spells it (plain; a suffix may differ)
    pbp_lookup: list[str]  # its key, with a numeric player-id prefix for some from 2024-25
    bdl_name: list[str]  # as balldontlie spells it (the box scores' name, but for a few)
    bdl_feed_lookup: list[str]  # the lookup balldontlie delivers
    aliases: list[dict]  # rows of nba_reference.player_aliases for the players spelled apart
    rank: np.ndarray
    usage: np.ndarray
    three_rate: np.ndarray
    paint_rate: np.ndarray
    make: np.ndarray  # (n, 3): paint, mid_range, three
    ft_pct: np.ndarray
    oreb: np.ndarray
    dreb: np.ndarray
    ast: np.ndarray
    stl: np.ndarray
    blk: np.ndarray
    foul: np.ndarray
    draw: np.ndarray

    def roster(self, team: int) -> np.ndarray:
        return np.arange(self.team_start[team], self.team_start[team + 1])


def _league(seed: int, season: int) -> _League:
    rng = _rng(seed, "league", season)
    sizes = rng.integers(17, 19, size=N_TEAMS)
    team_start = np.concatenate([[0], np.cumsum(sizes)])
    n = int(team_start[-1])
    names = _player_names(rng, n)
    pos = np.concatenate([rng.permutation(POSITIONS_PER_TEAM[:k]) for k in sizes])
    rank = np.concatenate([rng.permutation(k) for k in sizes])

    def draw(key, sigma=0.25):
        return np.array(PROFILE[key])[pos] * rng.lognormal(0, sigma, n)

    def uniform(lo, hi):
        return rng.uniform(np.array(PROFILE[lo])[pos], np.array(PROFILE[hi])[pos])

    usage = draw("usage", 0.3) * np.where(rank < 3, 1.35, 1.0)
    make = np.clip(np.array(MAKE_MEANS) + rng.normal(0, 0.045, (n, 3)), 0.2, 0.8)
    ft_pct = np.clip(np.array(PROFILE["ft_pct"])[pos] + rng.normal(0, 0.07, n), 0.45, 0.95)
    identities = _identities(_rng(seed, "identity", season), names)
    box_names, pbp_names = identities.box, identities.pbp
    lookups = [lookup_of(x) for x in box_names]
    teams = np.searchsorted(team_start, np.arange(n), side="right") - 1
    aliases = [
        {
            "source": source,
            "alias": spelled,
            "team_abbr": TEAMS[teams[k]],
            "first_season": season,
            "last_season": season,
            "player_lookup": lookups[k],
            "note": "demo: spelled apart by " + source,
        }
        for k, source, spelled in identities.aliases
    ]
    pbp_lookups = [lookup_of(x) for x in pbp_names]
    if season >= PREFIX_FROM_SEASON:
        prefixed = np.flatnonzero(rng.random(n) < RATE_PREFIX)
        ids = rng.choice(np.arange(1626000, 1643000), len(prefixed), replace=False)
        for k, pid in zip(prefixed, ids, strict=True):
            pbp_lookups[k] = f"{pid}{pbp_lookups[k]}"
    return _League(
        season=season,
        team_start=team_start,
        name=box_names,
        lookup=lookups,
        feed_lookup=[feed_lookup_of(x) for x in box_names],
        pbp_name=pbp_names,
        pbp_lookup=pbp_lookups,
        bdl_name=identities.bdl,
        bdl_feed_lookup=[feed_lookup_of(x) for x in identities.bdl],
        aliases=aliases,
        rank=rank,
        usage=usage,
        three_rate=uniform("three_lo", "three_hi"),
        paint_rate=uniform("paint_lo", "paint_hi"),
        make=make,
        ft_pct=ft_pct,
        oreb=draw("oreb"),
        dreb=draw("dreb"),
        ast=draw("ast"),
        stl=draw("stl"),
        blk=draw("blk", 0.4),
        foul=draw("foul"),
        draw=draw("draw"),
    )
