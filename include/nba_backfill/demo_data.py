"""Deterministic, seeded demo data: the four raw NBA tables and the truth they encode.

``generate(start, end, seed)`` returns realistic raw rows for every game dated in
``[start, end]`` plus ``expected``: the ``player_game_summary`` rows a correct pipeline
must produce from them (Pass 1 and Pass 2 columns, without timestamps and the derived
ts_pct / efg_pct).

The model
---------
League and schedule (per season, seeded by ``(seed, season)``):
  30 real teams; 17-18 players per team with unique, realistic names (suffixes,
  apostrophes, hyphens, initials) and a player profile (position, depth rank, usage,
  shot mix, make rates, rebound / assist / steal / block / foul tendencies).
  Regular season: 1230 games (82 per team, at most one game per team per day) spread
  greedily over the days from the Tuesday after Oct 17 to the Sunday after Apr 8, with
  no games on Thanksgiving, Christmas Eve and the All-Star break; ~0.5% of games are
  ``Postponed`` and made up later under a new game_id. Playoffs (``is_playoffs``):
  16 teams, four rounds of best-of-seven series, mid April to mid June.
  Whole seasons are always built and then cut to the range, so a sub-range gives the
  same schedule, and (every game seeded by ``(seed, game_id)``) the same rows.

One game (``_simulate_game``, its own RNG):
  1. Who plays: 9-12 active players per team, the rest ``dnp`` / ``inactive`` such that
     the share of gamebook rows with NULL minutes is within [0.36, 0.44] for the game.
  2. Minutes: integer seconds per active player summing to 5 x game length per team.
  3. Offense per team: every field-goal attempt (85-92 a team, 30-40 threes) with its
     shooter, zone (paint / mid_range / three), make, assist or block, and-one; free
     throw trips (15-28 FTA), technical free throws (the lone ``free throw 1/1``).
  4. Events: every offensive action becomes a "chunk" of events at one distinct game
     second (shot + and-one foul + free throw + rebound, foul + free throws + rebound,
     turnover with steal, foul, substitutions, timeout, violation), plus period
     start/end and jump balls. Events are integer-coded numpy rows.
  The box score is *counted from these intended events* (before any mess is injected),
  so points, rebounds, assists, blocks, steals, fouls and shot zones agree with the
  play-by-play by construction.

Assembly (``_assemble``) turns the coded events and player-games of all games into
arrow tables in a few vectorised steps (sorting, running scores, string columns by
dictionary ``take``), and injects the messes real feeds have, each counted in
``DemoData.stats``:
  - play-by-play events re-delivered (same event_id, identical content, later
    processed_at); gamebook and balldontlie rows duplicated with an OLDER copy that
    carries stale stats (the newest copy is the truth);
  - numeric player-id prefixes on play-by-play lookups from the 2024-25 season on;
  - players spelled differently by the sources (``_identities``): accented names in the
    box scores and plain ones in the play-by-play (Jokić / Jokic), with the box-score
    feeds' lookups computed without folding the accents ('nikolajoki'); generational
    suffixes in one source only (Butler / Butler III). The truth's key is the contract's:
    the box-score name, accents folded;
  - malformed gamebook minutes strings (truth: minutes_played NULL);
  - games missing from the gamebook (truth comes from balldontlie: active players only,
    no plus_minus) and games without play-by-play (truth: shot-zone columns NULL);
  - feed variations: ``nbacom_fallback`` play-by-play, shot_type left NULL, long twos
    typed ``2PT`` beyond 23.75 ft, corner threes at 22 ft, paint shots at exactly 8.0 ft.

Imports numpy and pyarrow at module level: import this module inside task callables,
not at DAG parse time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
import zlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "DEFAULT_SEED",
    "EXPECTED_COLUMNS",
    "LAST_PLAYED_DATE",
    "TABLE_NAMES",
    "DemoData",
    "generate",
    "generate_schedule",
    "lookup_of",
]

DEFAULT_SEED = 20211019
# Games dated after this day are 'Scheduled' (no stats yet); earlier ones Final/Postponed.
LAST_PLAYED_DATE = dt.date(2026, 6, 30)
TABLE_NAMES = (
    "nbac_schedule",
    "nbac_gamebook_player_stats",
    "bdl_player_boxscores",
    "bigdataball_play_by_play",
)

# --------------------------------------------------------------------------- league
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
REGULAR_SEASON_GAMES = 82

FIRST_NAMES = (
    "Aaron",
    "Alec",
    "Alperen",
    "Andre",
    "Anthony",
    "Austin",
    "Bennedict",
    "Bogdan",
    "Brandon",
    "Bruce",
    "Caleb",
    "Cam",
    "Cameron",
    "Cason",
    "Chris",
    "Cole",
    "Collin",
    "Daniel",
    "Darius",
    "Davion",
    "Dennis",
    "Derrick",
    "Devin",
    "Dillon",
    "Donovan",
    "Dyson",
    "Eric",
    "Evan",
    "Franz",
    "Gary",
    "Grant",
    "Harrison",
    "Immanuel",
    "Isaiah",
    "Ivan",
    "Jabari",
    "Jaden",
    "Jalen",
    "Jamal",
    "James",
    "Jaren",
    "Jarrett",
    "Jaylen",
    "Jerami",
    "Jevon",
    "Jonas",
    "Jordan",
    "Josh",
    "Julius",
    "Keegan",
    "Keldon",
    "Kelly",
    "Keon",
    "Kevin",
    "Khris",
    "Kyle",
    "Lauri",
    "Lonzo",
    "Luka",
    "Malcolm",
    "Malik",
    "Marcus",
    "Mason",
    "Max",
    "Mikal",
    "Miles",
    "Mitchell",
    "Moritz",
    "Naz",
    "Nickeil",
    "Nikola",
    "Norman",
    "Obi",
    "Ochai",
    "Onyeka",
    "Patrick",
    "Paul",
    "Payton",
    "Precious",
    "Quentin",
    "Reggie",
    "Robert",
    "Royce",
    "Rui",
    "Saddiq",
    "Sam",
    "Santi",
    "Scottie",
    "Shai",
    "Spencer",
    "Taurean",
    "Terrance",
    "Terry",
    "Trae",
    "Trey",
    "Tyler",
    "Tyrese",
    "Usman",
    "Victor",
    "Vince",
    "Walker",
    "Wendell",
    "Wesley",
    "Xavier",
    "Yuta",
    "Zach",
    "Ziaire",
    "Zion",
    # apostrophes and initials, as real rosters have them
    "De'Aaron",
    "D'Angelo",
    "Ja'Kobe",
    "De'Anthony",
    "Da'Vion",
    "Ja'Vonte",
    "Day'Ron",
    "P.J.",
    "T.J.",
    "R.J.",
    "O.G.",
    "C.J.",
    "A.J.",
    "K.J.",
)
LAST_NAMES = (
    "Adams",
    "Allen",
    "Anderson",
    "Bailey",
    "Baker",
    "Ball",
    "Barnes",
    "Bell",
    "Bennett",
    "Bridges",
    "Brooks",
    "Brown",
    "Butler",
    "Campbell",
    "Carter",
    "Clark",
    "Cole",
    "Coleman",
    "Collins",
    "Cook",
    "Cooper",
    "Cox",
    "Cunningham",
    "Davis",
    "Dosunmu",
    "Dunn",
    "Edwards",
    "Evans",
    "Fisher",
    "Foster",
    "Fox",
    "Gordon",
    "Graham",
    "Gray",
    "Green",
    "Grimes",
    "Hall",
    "Hamilton",
    "Harris",
    "Hartenstein",
    "Hayes",
    "Henderson",
    "Hill",
    "Holiday",
    "Howard",
    "Hughes",
    "Hunter",
    "Jackson",
    "James",
    "Jenkins",
    "Johnson",
    "Jones",
    "Jordan",
    "King",
    "Knox",
    "Lewis",
    "Long",
    "Lyles",
    "Markkanen",
    "Martin",
    "Miller",
    "Mitchell",
    "Mobley",
    "Moore",
    "Morgan",
    "Morris",
    "Murphy",
    "Murray",
    "Myers",
    "Nelson",
    "Nurkic",
    "Okafor",
    "Okoro",
    "Parker",
    "Patterson",
    "Payne",
    "Perry",
    "Peterson",
    "Phillips",
    "Porter",
    "Powell",
    "Price",
    "Reed",
    "Reynolds",
    "Richardson",
    "Roberts",
    "Robinson",
    "Rogers",
    "Ross",
    "Russell",
    "Sanders",
    "Schroder",
    "Scott",
    "Sengun",
    "Simmons",
    "Stewart",
    "Sullivan",
    "Taylor",
    "Theis",
    "Thomas",
    "Thompson",
    "Turner",
    "Valanciunas",
    "Vucevic",
    "Wagner",
    "Walker",
    "Wallace",
    "Ward",
    "Watson",
    "West",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
    "Yurtseven",
    # hyphens, apostrophes, inner capitals, spaces and periods
    "Smith-Jones",
    "Walker-Reed",
    "Harris-Dunn",
    "Morgan-Ellis",
    "Bryant-Cole",
    "O'Neal",
    "O'Brien",
    "O'Connor",
    "D'Amico",
    "McDaniels",
    "MacLeod",
    "DiVincenzo",
    "Van Horn",
    "De La Cruz",
    "St. Clair",
)
SUFFIXES = ("Jr.", "II", "III", "IV", "Sr.")
SUFFIX_WEIGHTS = (0.05, 0.015, 0.015, 0.003, 0.002)
# Players spelled differently by the sources (measured on the real 2017-18 season: 29
# players with non-ASCII letters in the box scores, 10 in the play-by-play; a suffix in one
# source only for about 1% of player-games).
RATE_ACCENTED = 0.05  # box-score name accented, play-by-play name plain
RATE_PBP_DROPS_SUFFIX = 0.25  # of players with a suffix: none in the play-by-play
RATE_PBP_ADDS_SUFFIX = 0.006  # of players without: one in the play-by-play
# letters accented in box-score names: each folds back to its base letter (NFKD)
ACCENTS = {"c": "ćč", "s": "šś", "z": "žź", "o": "öó", "e": "éë", "a": "áä", "n": "ńņ",
           "u": "üū", "i": "íï", "g": "ģ", "r": "ř", "y": "ý"}  # fmt: skip
GENERATIONAL = re.compile(r"(jr|sr|iii|ii|iv|v)$")

# depth rank -> minutes weight (0 = best player of the team)
MINUTES_BY_RANK = np.array(
    [35, 34, 33, 31, 30, 27, 25, 22, 19, 16, 12, 9, 7, 5, 4, 3, 3, 3], dtype=float
)
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

# --------------------------------------------------------------------------- rates
RATE_POSTPONED = 0.005
RATE_OVERTIME = 0.06
RATE_EXTRA_OVERTIME = 0.15  # of overtime games
RATE_NO_PBP = 0.06
RATE_NO_GAMEBOOK = 0.01
RATE_NO_BDL = 0.005  # only for games that do have a gamebook
RATE_PBP_FALLBACK = 0.05
RATE_UNTYPED_SHOTS = 0.05
RATE_PBP_DUPLICATE = 0.01
RATE_GAMEBOOK_STALE = 0.008  # per active row: ~0.5% of all gamebook rows
RATE_BDL_STALE = 0.003
RATE_MALFORMED_MINUTES = 0.002
RATE_PREFIX = 0.30
PREFIX_FROM_SEASON = 2024
RATE_TECHNICAL = 0.085  # per team and game: lone 'free throw 1/1'

NULL_MINUTES_BAND = (36, 44)  # percent of a game's gamebook rows with NULL minutes
ACTIVE_PER_TEAM = (9, 12)

# zone codes
PAINT, MID, THREE = 0, 1, 2
P_ASSIST = np.array([0.49, 0.45, 0.83])
P_BLOCK = np.array([0.18, 0.085, 0.04])
P_AND1 = np.array([0.07, 0.02, 0.008])
RATE_HEAVE = 0.005  # of threes: 35-60 ft
RATE_CORNER = 0.2  # of threes: 22.0-22.9 ft
RATE_LONG_TWO = 0.025  # of mid-range twos in typed feeds: '2PT' at 23.8-25.0 ft
RATE_PAINT_AT_8 = 0.03  # of paint twos: exactly 8.0 ft
P_TEAM_REBOUND = 0.10
P_OFF_REBOUND_SHOT = 0.24
P_OFF_REBOUND_FT = 0.12

# --------------------------------------------------------------------------- codes
ETYPES = (
    "shot",
    "free throw",
    "rebound",
    "foul",
    "turnover",
    "substitution",
    "timeout",
    "jump ball",
    "violation",
    "start of period",
    "end of period",
)
E = {name: i for i, name in enumerate(ETYPES)}
ROLES = ("assist", "block", "steal", "substitute", "jump ball")
R_ASSIST, R_BLOCK, R_STEAL, R_SUB, R_JUMP = range(len(ROLES))
SHOT_TYPES = ("2PT", "3PT", "FT")  # kind 1, 2, 3
STATUSES = ("active", "dnp", "inactive")
ACTIVE, DNP, INACTIVE = range(3)
DNP_REASONS = ("DNP - Coach's Decision", "DNP - Injury/Illness")
DNP_REASON_WEIGHTS = (0.85, 0.15)
INACTIVE_REASONS = (
    "Inactive - Injury/Illness",
    "Inactive - G League - Two-Way",
    "Inactive - Rest",
    "Inactive - Personal Reasons",
)
INACTIVE_REASON_WEIGHTS = (0.6, 0.25, 0.1, 0.05)
REASONS = DNP_REASONS + INACTIVE_REASONS
MALFORMED_MINUTES = ("3O:12", "12:7", "41:75", "", "N/A", "12:30:00")
PERIOD_NAMES = (
    "1st Quarter",
    "2nd Quarter",
    "3rd Quarter",
    "4th Quarter",
    "1st Overtime",
    "2nd Overtime",
    "3rd Overtime",
)

PAINT_SHOTS = (
    ("driving layup", 5),
    ("layup", 5),
    ("dunk", 3),
    ("driving dunk", 2),
    ("alley oop dunk", 1),
    ("tip shot", 1),
    ("putback layup", 1),
    ("reverse layup", 1),
    ("cutting layup", 1),
    ("finger roll layup", 1),
    ("hook shot", 1.5),
    ("floating jump shot", 2),
    ("driving floating jump shot", 1.5),
    ("running layup", 1),
)
MID_SHOTS = (
    ("jump shot", 6),
    ("pullup jump shot", 4),
    ("step back jump shot", 1.5),
    ("turnaround jump shot", 1.5),
    ("fadeaway jump shot", 1),
    ("turnaround fadeaway shot", 1),
    ("jump bank shot", 0.5),
    ("floating jump shot", 1),
    ("hook shot", 0.5),
    ("turnaround hook shot", 0.5),
)
THREE_SHOTS = (
    ("3pt jump shot", 12),
    ("3pt pullup jump shot", 3),
    ("3pt step back jump shot", 1.5),
    ("step back 3pt jump shot", 0.5),
    ("3pt running jump shot", 0.5),
    ("3pt fadeaway jump shot", 0.3),
)
FT_SUBTYPES = tuple(f"free throw {k}/{n}" for n in (1, 2, 3) for k in range(1, n + 1))
OTHER_SUBTYPES = (
    # (event_subtype, phrase used in event_description)
    ("offensive", "offensive rebound"),
    ("defensive", "defensive rebound"),
    ("team", "team rebound"),
    ("shooting", "shooting foul"),
    ("personal", "personal foul"),
    ("loose ball", "loose ball foul"),
    ("personal take", "personal take foul"),
    ("technical", "technical foul"),
    ("bad pass", "bad pass turnover"),
    ("lost ball", "lost ball turnover"),
    ("traveling", "traveling"),
    ("out of bounds lost ball", "out of bounds lost ball turnover"),
    ("step out of bounds", "step out of bounds turnover"),
    ("shot clock", "shot clock turnover"),
    ("regular", "full timeout"),
    ("kicked ball", "kicked ball violation"),
    ("lane", "lane violation"),
    ("delay of game", "delay of game violation"),
)


def _subtype_table():
    names, phrases = [], []
    for group in (PAINT_SHOTS, MID_SHOTS, THREE_SHOTS):
        for name, _ in group:
            if name not in names:
                names.append(name)
                phrases.append(name)
    for name in FT_SUBTYPES:
        k, n = name.rsplit(" ", 1)[1].split("/")
        names.append(name)
        phrases.append(f"free throw {k} of {n}")
    for name, phrase in OTHER_SUBTYPES:
        names.append(name)
        phrases.append(phrase)
    return tuple(names), tuple(phrases)


SUBTYPES, SUBTYPE_PHRASES = _subtype_table()
S = {name: i for i, name in enumerate(SUBTYPES)}


def _shot_menu(group):
    codes = np.array([S[name] for name, _ in group])
    weights = np.array([w for _, w in group], dtype=float)
    return codes, np.cumsum(weights) / weights.sum()


SHOT_MENUS = {
    PAINT: _shot_menu(PAINT_SHOTS),
    MID: _shot_menu(MID_SHOTS),
    THREE: _shot_menu(THREE_SHOTS),
}
SHORT_MID = np.array([S["floating jump shot"], S["hook shot"], S["turnaround hook shot"]])
FT_CODE = {(k, n): S[f"free throw {k}/{n}"] for n in (1, 2, 3) for k in range(1, n + 1)}
FT_CODE_TABLE = np.full((4, 4), -1)  # [k, n] -> subtype code of 'free throw k/n'
for (_k, _n), _code in FT_CODE.items():
    FT_CODE_TABLE[_k, _n] = _code

# event_description templates: literals and {fields}
TEMPLATES = (
    ("shot_made", ("{n1}", " makes ", "{dist}", "-foot ", "{phrase}")),
    (
        "shot_assisted",
        ("{n1}", " makes ", "{dist}", "-foot ", "{phrase}", " (", "{n2}", " assists)"),
    ),
    ("shot_missed", ("{n1}", " misses ", "{dist}", "-foot ", "{phrase}")),
    ("shot_blocked", ("{n2}", " blocks ", "{n1}", "'s ", "{dist}", "-foot ", "{phrase}")),
    ("ft_made", ("{n1}", " makes ", "{phrase}")),
    ("ft_missed", ("{n1}", " misses ", "{phrase}")),
    ("tech_ft_made", ("{n1}", " makes technical free throw")),
    ("tech_ft_missed", ("{n1}", " misses technical free throw")),
    ("player", ("{n1}", " ", "{phrase}")),
    ("team", ("{team}", " ", "{phrase}")),
    ("turnover_steal", ("{n1}", " ", "{phrase}", " (", "{n2}", " steals)")),
    ("substitution", ("{n2}", " enters the game for ", "{n1}")),
    ("jump_ball", ("Jump ball: ", "{n1}", " vs. ", "{n2}")),
    ("period_start", ("Start of the ", "{period}")),
    ("period_end", ("End of the ", "{period}")),
)
T = {name: i for i, (name, _) in enumerate(TEMPLATES)}

# flags on events (truth only, never written)
FLAG_AND1_FT, FLAG_TECH_FT, FLAG_LONG_TWO, FLAG_HEAVE, FLAG_PAINT_AT_8 = 1, 2, 3, 4, 5

# integer fields of a coded event row
INT_FIELDS = (
    "slot",
    "order",
    "delta",
    "etype",
    "subtype",
    "p1",
    "p2",
    "role",
    "side",
    "made",
    "kind",
    "zone",
    "points",
    "tmpl",
    "flag",
    "dup_hours",
)
F = {name: i for i, name in enumerate(INT_FIELDS)}
_ZERO_DEFAULTS = ("order", "delta", "points", "flag", "dup_hours")
DEFAULT_ROW = np.array([0 if f in _ZERO_DEFAULTS else -1 for f in INT_FIELDS], np.int32)

EXPECTED_COLUMNS = (
    ("game_id", pa.string()),
    ("game_date", pa.date32()),
    ("season_year", pa.int64()),
    ("player_lookup", pa.string()),
    ("player_full_name", pa.string()),
    ("team_abbr", pa.string()),
    ("opponent_team_abbr", pa.string()),
    ("home_game", pa.bool_()),
    ("is_active", pa.bool_()),
    ("player_status", pa.string()),
    ("minutes_played", pa.float64()),
    *(
        (c, pa.int64())
        for c in (
            "points",
            "assists",
            "offensive_rebounds",
            "defensive_rebounds",
            "total_rebounds",
            "steals",
            "blocks",
            "turnovers",
            "personal_fouls",
            "fg_makes",
            "fg_attempts",
            "three_pt_makes",
            "three_pt_attempts",
            "ft_makes",
            "ft_attempts",
            "plus_minus",
        )
    ),
    ("primary_source_used", pa.string()),
    ("has_pbp", pa.bool_()),
    *(
        (c, pa.int64())
        for c in (
            "paint_attempts",
            "paint_makes",
            "mid_range_attempts",
            "mid_range_makes",
            "three_attempts_pbp",
            "three_makes_pbp",
            "assisted_fg_makes",
            "unassisted_fg_makes",
            "and1_count",
            "paint_blocks",
            "mid_range_blocks",
            "three_pt_blocks",
            "pbp_shot_events",
            "pbp_fallback_events",
        )
    ),
)
SHOT_ZONE_COLUMNS = tuple(name for name, _ in EXPECTED_COLUMNS[-14:])

US_PER_HOUR = 3_600_000_000
US_PER_DAY = 24 * US_PER_HOUR
EPOCH = dt.date(1970, 1, 1)


# =========================================================================== public API
@dataclasses.dataclass(frozen=True)
class DemoData:
    """Raw tables (DDL column order and types), the truth, and counts of what was made."""

    tables: dict[str, pa.Table]
    expected: pa.Table
    stats: dict[str, int]


def generate(start: dt.date, end: dt.date, seed: int = DEFAULT_SEED) -> DemoData:
    """Raw tables and expected player_game_summary rows for games dated in [start, end]."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    games = _games_in_range(start, end, seed)
    seasons = sorted({g.season for g in games if g.status == "Final"})
    leagues = {s: _league(seed, s) for s in seasons}
    sims = [_simulate_game(seed, g, leagues[g.season]) for g in games if g.status == "Final"]
    return _assemble(games, sims, leagues)


def generate_schedule(start: dt.date, end: dt.date, seed: int = DEFAULT_SEED) -> pa.Table:
    """Only the nbac_schedule rows of generate(start, end, seed) (cheap: no games played)."""
    return _schedule_table(_games_in_range(start, end, seed))


# =========================================================================== helpers
def _rng(seed: int, label: str, *ints: int) -> np.random.Generator:
    return np.random.default_rng([int(seed) % 2**63, zlib.crc32(label.encode()), *ints])


def _pick(rng, weights, n):
    """n draws of indices into `weights` (non-negative, not all zero)."""
    c = np.cumsum(weights)
    return np.minimum(np.searchsorted(c, rng.random(n) * c[-1], side="right"), len(c) - 1)


def _pick_other(rng, weights, exclude):
    """One draw per entry of `exclude`, never equal to that entry."""
    out = _pick(rng, weights, len(exclude))
    clash = out == exclude
    while clash.any():
        out[clash] = _pick(rng, weights, int(clash.sum()))
        clash = out == exclude
    return out


def _pick_capped(rng, weights, n, cap):
    """n draws, no index more than `cap` times (personal fouls: six and out)."""
    out = _pick(rng, weights, n)
    counts = np.bincount(out, minlength=len(weights))
    while counts.max() > cap:
        j = counts.argmax()
        extra = np.flatnonzero(out == j)[cap:]
        out[extra] = _pick(rng, np.where(counts < cap, weights, 0.0), len(extra))
        counts = np.bincount(out, minlength=len(weights))
    return out


def _weighted_subset(rng, weights, k):
    """k distinct indices, drawn with probability proportional to weights."""
    if k <= 0:
        return np.empty(0, np.int64)
    keys = np.log(rng.random(len(weights))) / weights
    return np.argpartition(-keys, k - 1)[:k]


def _menu_pick(rng, menu, n):
    codes, cdf = menu
    return codes[np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(codes) - 1)]


def _weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta((weekday - day.weekday()) % 7)


def _season_of(day: dt.date) -> int:
    """Season containing `day`; July-September belong to the season about to start."""
    return day.year if day.month >= 7 else day.year - 1


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


# =========================================================================== schedule
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
        for season in range(_season_of(start), _season_of(end) + 1)
        for g in _season_games(seed, season)
        if start <= g.date <= end
    ]
    return sorted(games, key=lambda g: (g.date, g.game_id))


def _season_games(seed: int, season: int) -> list[_Game]:
    """Every game of one season: regular season (with postponements) and playoffs."""
    rng = _rng(seed, "schedule", season)
    days = _regular_season_days(season)
    home, away = _matchups(rng)
    dates = _assign_dates(rng, days, home, away)
    regular = [(d, int(a), int(h)) for d, a, h in zip(dates, away, home, strict=True)]
    statuses = ["Final"] * len(regular)
    regular, statuses = _postpone(rng, regular, statuses, days)
    playoffs = _playoffs(rng, max(dates))
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


def _regular_season_days(season: int) -> list[dt.date]:
    opening = _weekday_on_or_after(dt.date(season, 10, 18), 1)  # a Tuesday
    last = _weekday_on_or_after(dt.date(season + 1, 4, 9), 6)  # a Sunday
    thanksgiving = _weekday_on_or_after(dt.date(season, 11, 1), 3) + dt.timedelta(21)
    all_star = _weekday_on_or_after(dt.date(season + 1, 2, 15), 6)
    off = {thanksgiving, dt.date(season, 12, 24)}
    off |= {all_star + dt.timedelta(k) for k in range(-2, 4)}
    n = (last - opening).days + 1
    return [d for d in (opening + dt.timedelta(i) for i in range(n)) if d not in off]


def _round_robin(order: np.ndarray) -> list[list[tuple[int, int]]]:
    """Circle method: len(order) - 1 rounds, each a perfect matching of the teams."""
    t = list(order)
    n = len(t)
    rounds = []
    for _ in range(n - 1):
        rounds.append([(t[i], t[n - 1 - i]) for i in range(n // 2)])
        t = [t[0], t[-1], *t[1:-1]]
    return rounds


def _matchups(rng) -> tuple[np.ndarray, np.ndarray]:
    """1230 (home, away) pairs: everyone twice at home and away, plus 24 more rounds."""
    pairs = [
        (a, b) if rng.random() < 0.5 else (b, a)
        for rnd in _round_robin(rng.permutation(N_TEAMS))
        for a, b in rnd
    ]
    pairs += [(b, a) for a, b in pairs]
    home_games = np.full(N_TEAMS, N_TEAMS - 1)
    extra_rounds = _round_robin(rng.permutation(N_TEAMS))
    for rnd in extra_rounds[: REGULAR_SEASON_GAMES - 2 * (N_TEAMS - 1)]:
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


# =========================================================================== league
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


def lookup_of(name: str) -> str:
    """player_lookup of a name (the contract's key): accents folded (Unicode NFKD,
    combining marks dropped), lower-cased, everything but a-z removed."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return "".join(ch for ch in folded.lower() if "a" <= ch <= "z")


def feed_lookup_of(name: str) -> str:
    """The lookup some feeds deliver: everything but a-z removed, accents NOT folded
    ('Bojan Bogdanović' -> 'bojanbogdanovi')."""
    return "".join(ch for ch in name.lower() if "a" <= ch <= "z")


def _base_key(name: str) -> str:
    """A name's key with a trailing generational suffix set aside."""
    return GENERATIONAL.sub("", lookup_of(name))


def _accented(name: str, rng) -> str:
    """The name with one or two letters of its last name accented."""
    first, _, rest = name.partition(" ")
    letters = [i for i, ch in enumerate(rest) if ch in ACCENTS]
    if not letters:
        return name
    chars = list(rest)
    for i in rng.choice(
        letters, size=min(len(letters), 1 + int(rng.random() < 0.4)), replace=False
    ):
        options = ACCENTS[chars[i]]
        chars[i] = options[rng.integers(len(options))]
    return f"{first} {''.join(chars)}"


def _identities(rng, names: list[str]) -> tuple[list[str], list[str]]:
    """(box-score names, play-by-play names) of canonical names: some accented in the box
    scores only, some with a suffix in one source only."""
    box, pbp = [], []
    for name in names:
        plain, suffix = name, None
        for s in SUFFIXES:
            if name.endswith(f" {s}"):
                plain, suffix = name[: -len(s) - 1], s
        u = rng.random()
        if suffix and u < RATE_PBP_DROPS_SUFFIX:
            pbp.append(plain)
        elif not suffix and u < RATE_PBP_ADDS_SUFFIX:
            pbp.append(f"{name} {SUFFIXES[rng.integers(3)]}")
        else:
            pbp.append(name)
        box.append(_accented(name, rng) if rng.random() < RATE_ACCENTED else name)
    return box, pbp


def _player_names(rng, n: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    cum = np.cumsum(SUFFIX_WEIGHTS)
    while len(names) < n:
        first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
        last = LAST_NAMES[rng.integers(len(LAST_NAMES))]
        u = rng.random()
        suffix = next((s for s, c in zip(SUFFIXES, cum, strict=True) if u < c), None)
        name = f"{first} {last}" + (f" {suffix}" if suffix else "")
        key = _base_key(name)  # no two players alike once suffixes are set aside
        if key not in seen:
            seen.add(key)
            names.append(name)
    return names


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
    box_names, pbp_names = _identities(_rng(seed, "identity", season), names)
    lookups = [lookup_of(x) for x in box_names]
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


# =========================================================================== one game
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


# =========================================================================== events
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


# =========================================================================== assembly
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
        k: [] for k in ("name", "lookup", "feed_lookup", "pbp_name", "pbp_lookup")
    }
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
    return offsets, {
        **strings,
        "prefixed": prefixed,
        "suffix_apart": spelled_apart,
        "accented": accented,
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


def _truth(ev: _Frame, g: _Frame, n_pg: int) -> dict[str, np.ndarray]:
    """Box score and shot zones per player-game, counted from the intended events."""

    def count(mask, who="p1_pg"):
        return np.bincount(getattr(ev, who)[mask], minlength=n_pg).astype(np.int64)

    shot = ev.etype == E["shot"]
    ft = ev.etype == E["free throw"]
    rebound = (ev.etype == E["rebound"]) & (ev.p1 >= 0)
    made = ev.made == 1
    assisted = shot & made & (ev.role == R_ASSIST)
    blocked = shot & (ev.role == R_BLOCK)
    t = {
        "fg_attempts": count(shot),
        "fg_makes": count(shot & made),
        "three_pt_attempts": count(shot & (ev.zone == THREE)),
        "three_pt_makes": count(shot & made & (ev.zone == THREE)),
        "ft_attempts": count(ft),
        "ft_makes": count(ft & made),
        "offensive_rebounds": count(rebound & (ev.subtype == S["offensive"])),
        "defensive_rebounds": count(rebound & (ev.subtype == S["defensive"])),
        "assists": count(assisted, "p2_pg"),
        "blocks": count(blocked, "p2_pg"),
        "steals": count((ev.etype == E["turnover"]) & (ev.role == R_STEAL), "p2_pg"),
        "turnovers": count((ev.etype == E["turnover"]) & (ev.p1 >= 0)),
        "personal_fouls": count(
            (ev.etype == E["foul"]) & (ev.p1 >= 0) & (ev.subtype != S["technical"])
        ),
    }
    t["total_rebounds"] = t["offensive_rebounds"] + t["defensive_rebounds"]
    t["points"] = (
        2 * (t["fg_makes"] - t["three_pt_makes"]) + 3 * t["three_pt_makes"] + t["ft_makes"]
    )
    for zone, att, mk, blk in (
        (PAINT, "paint_attempts", "paint_makes", "paint_blocks"),
        (MID, "mid_range_attempts", "mid_range_makes", "mid_range_blocks"),
        (THREE, "three_attempts_pbp", "three_makes_pbp", "three_pt_blocks"),
    ):
        t[att] = count(shot & (ev.zone == zone))
        t[mk] = count(shot & made & (ev.zone == zone))
        t[blk] = count(blocked & (ev.zone == zone), "p2_pg")
    t["assisted_fg_makes"] = count(assisted)
    t["unassisted_fg_makes"] = t["fg_makes"] - t["assisted_fg_makes"]
    t["and1_count"] = count(ft & (ev.flag == FLAG_AND1_FT))
    t["pbp_shot_events"] = t["fg_attempts"]
    pg_game = np.repeat(np.arange(len(g.n_rows)), g.n_rows)
    t["pbp_fallback_events"] = np.where(g.fallback[pg_game], t["fg_attempts"], 0)
    return t


BOX_COLUMNS = (  # gamebook column -> truth key
    ("points", "points"),
    ("field_goals_made", "fg_makes"),
    ("field_goals_attempted", "fg_attempts"),
    ("three_pointers_made", "three_pt_makes"),
    ("three_pointers_attempted", "three_pt_attempts"),
    ("free_throws_made", "ft_makes"),
    ("free_throws_attempted", "ft_attempts"),
    ("offensive_rebounds", "offensive_rebounds"),
    ("defensive_rebounds", "defensive_rebounds"),
    ("total_rebounds", "total_rebounds"),
    ("assists", "assists"),
    ("steals", "steals"),
    ("blocks", "blocks"),
    ("turnovers", "turnovers"),
    ("personal_fouls", "personal_fouls"),
)
BDL_COLUMNS = (
    ("points", "points"),
    ("assists", "assists"),
    ("rebounds", "total_rebounds"),
    ("offensive_rebounds", "offensive_rebounds"),
    ("defensive_rebounds", "defensive_rebounds"),
    ("steals", "steals"),
    ("blocks", "blocks"),
    ("turnovers", "turnovers"),
    ("personal_fouls", "personal_fouls"),
    ("field_goals_made", "fg_makes"),
    ("field_goals_attempted", "fg_attempts"),
    ("three_pointers_made", "three_pt_makes"),
    ("three_pointers_attempted", "three_pt_attempts"),
    ("free_throws_made", "ft_makes"),
    ("free_throws_attempted", "ft_attempts"),
)
MAX_SECONDS = 100 * 60
MMSS = tuple(f"{s // 60:02d}:{s % 60:02d}" for s in range(MAX_SECONDS))
M_SS = tuple(f"{s // 60}:{s % 60:02d}" for s in range(MAX_SECONDS))
WHOLE_MINUTES = tuple(str(m) for m in range(MAX_SECONDS // 60 + 2))
GAMEBOOK_MINUTES = pa.array(MMSS + ("-",) + MALFORMED_MINUTES, pa.string())


def _with_stale_copies(rows: np.ndarray, stale: np.ndarray):
    """Rows repeated so that a stale row is preceded by its older copy; is_copy marks those."""
    counts = 1 + (stale[rows] != 0)
    out = np.repeat(rows, counts)
    is_copy = np.zeros(len(out), bool)
    is_copy[(np.cumsum(counts) - counts)[counts == 2]] = True
    return out, is_copy


def _context_columns(g: _Frame, game: np.ndarray, game_ids: pa.Array) -> dict[str, pa.Array]:
    return {
        "game_id": game_ids.take(pa.array(game)),
        "game_date": _dates_array(g.days[game]),
        "season_year": pa.array(g.season[game], pa.int64()),
        "home_team_abbr": _take(TEAMS, g.home[game]),
        "away_team_abbr": _take(TEAMS, g.away[game]),
    }


def _stale_box(truth, rows, sign, is_copy) -> dict[str, np.ndarray]:
    """Box-score values of the rows; older copies are off (points by 2, one field goal)."""
    box = {key: truth[key][rows].copy() for key in truth}
    sign = np.where(is_copy, sign, 0)
    sign = np.where((sign < 0) & (box["fg_makes"] == 0), 1, sign)
    box["points"] += 2 * sign
    box["fg_makes"] += sign
    box["fg_attempts"] += np.maximum(sign, 0)
    return box


def _gamebook_table(g, pg, truth, uni, game_ids) -> pa.Table:
    rows, is_copy = _with_stale_copies(np.flatnonzero(g.has_gamebook[pg.game]), pg.gb_stale)
    game, active = pg.game[rows], pg.status[rows] == ACTIVE
    box = _stale_box(truth, rows, pg.gb_stale[rows], is_copy)
    seconds = pg.seconds[rows]
    minutes = np.where(pg.malformed[rows] >= 0, MAX_SECONDS + 1 + pg.malformed[rows], seconds)
    minutes = np.where(active, minutes, np.where(pg.dash[rows], MAX_SECONDS, -1))
    cols = _context_columns(g, game, game_ids)
    team = np.where(pg.side[rows] == 0, g.home[game], g.away[game])
    cols |= {
        "team_abbr": _take(TEAMS, team),
        "player_name": _take(uni["name"], pg.uref[rows]),
        "player_lookup": _take(uni["feed_lookup"], pg.uref[rows]),
        "player_status": _take(STATUSES, pg.status[rows]),
        "dnp_reason": _take(REASONS, pg.reason[rows]),
        "minutes": _take(GAMEBOOK_MINUTES, minutes),
    }
    for column, key in BOX_COLUMNS:
        cols[column] = _null_if(box[key], ~active, pa.int64())
    cols["plus_minus"] = _null_if(pg.plus_minus[rows], ~active, pa.int64())
    cols["processed_at"] = _timestamps_array(g.ts[game, np.where(is_copy, 1, 0)])
    return pa.table(cols)


def _bdl_minutes(g, pg, rows) -> tuple[pa.Array, np.ndarray]:
    """balldontlie minutes strings ("34" or "34:12", per game) and their decimal value."""
    seconds = pg.seconds[rows]
    whole = g.bdl_whole[pg.game[rows]]
    rounded = (seconds + 30) // 60
    strings = pa.array(WHOLE_MINUTES + M_SS, pa.string())
    codes = np.where(whole, rounded, len(WHOLE_MINUTES) + seconds)
    value = np.where(whole, rounded.astype(float), np.round(seconds / 60, 2))
    return _take(strings, codes), value


def _bdl_table(g, pg, truth, uni, game_ids) -> pa.Table:
    base = np.flatnonzero(g.has_bdl[pg.game] & (pg.status == ACTIVE))
    rows, is_copy = _with_stale_copies(base, pg.bdl_stale)
    game = pg.game[rows]
    box = _stale_box(truth, rows, pg.bdl_stale[rows], is_copy)
    cols = _context_columns(g, game, game_ids)
    team = np.where(pg.side[rows] == 0, g.home[game], g.away[game])
    cols |= {
        "team_abbr": _take(TEAMS, team),
        "player_full_name": _take(uni["name"], pg.uref[rows]),
        "player_lookup": _take(uni["feed_lookup"], pg.uref[rows]),
        "minutes": _bdl_minutes(g, pg, rows)[0],
    }
    for column, key in BDL_COLUMNS:
        cols[column] = pa.array(box[key], pa.int64())
    cols["processed_at"] = _timestamps_array(g.ts[game, np.where(is_copy, 3, 2)])
    return pa.table(cols)


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


def _expected_table(g, pg, truth, uni, game_ids) -> pa.Table:
    """The truth: one row per roster player of every Final game (balldontlie-only games:
    active players only)."""
    active_all = pg.status == ACTIVE
    rows = np.flatnonzero(g.has_gamebook[pg.game] | active_all)
    game, active = pg.game[rows], active_all[rows]
    from_gamebook = g.has_gamebook[game]
    home = pg.side[rows] == 0
    team = np.where(home, g.home[game], g.away[game])
    opponent = np.where(home, g.away[game], g.home[game])
    gb_minutes = np.round(pg.seconds[rows] / 60, 2)
    bdl_minutes = _bdl_minutes(g, pg, rows)[1]
    minutes = np.where(from_gamebook, gb_minutes, bdl_minutes)
    minutes_null = ~active | (from_gamebook & (pg.malformed[rows] >= 0))
    cols = {
        "game_id": game_ids.take(pa.array(game)),
        "game_date": _dates_array(g.days[game]),
        "season_year": pa.array(g.season[game], pa.int64()),
        "player_lookup": _take(uni["lookup"], pg.uref[rows]),
        "player_full_name": _take(uni["name"], pg.uref[rows]),
        "team_abbr": _take(TEAMS, team),
        "opponent_team_abbr": _take(TEAMS, opponent),
        "home_game": pa.array(home, pa.bool_()),
        "is_active": pa.array(active, pa.bool_()),
        "player_status": _take(STATUSES, pg.status[rows]),
        "minutes_played": _null_if(minutes, minutes_null, pa.float64()),
    }
    for name, type_ in EXPECTED_COLUMNS:
        if name in truth and name not in SHOT_ZONE_COLUMNS:
            cols[name] = _null_if(truth[name][rows], ~active, type_)
    cols["plus_minus"] = _null_if(pg.plus_minus[rows], ~active | ~from_gamebook, pa.int64())
    cols["primary_source_used"] = _take(
        ("bdl_boxscores", "nbac_gamebook"), from_gamebook.astype(np.int64)
    )
    has_pbp = g.has_pbp[game]
    cols["has_pbp"] = pa.array(has_pbp, pa.bool_())
    for name in SHOT_ZONE_COLUMNS:
        cols[name] = _null_if(truth[name][rows], ~has_pbp, pa.int64())
    table = pa.table({name: cols[name] for name, _ in EXPECTED_COLUMNS})
    return table.sort_by(
        [("game_date", "ascending"), ("game_id", "ascending"), ("player_lookup", "ascending")]
    )


def _assemble(games: list[_Game], sims: list[_SimGame], leagues) -> DemoData:
    offsets, uni = _universe(leagues)
    g = _game_frame(sims)
    pg = _player_game_frame(sims, offsets)
    ev = _event_frame(sims, g)
    truth = _truth(ev, g, len(pg.game))
    game_ids = pa.array([s.game.game_id for s in sims], pa.string())
    pbp, pbp_copies, pbp_prefixed = _pbp_table(g, pg, ev, uni, game_ids)
    tables = {
        "nbac_schedule": _schedule_table(games),
        "nbac_gamebook_player_stats": _gamebook_table(g, pg, truth, uni, game_ids),
        "bdl_player_boxscores": _bdl_table(g, pg, truth, uni, game_ids),
        "bigdataball_play_by_play": pbp,
    }
    expected = _expected_table(g, pg, truth, uni, game_ids)
    stats = _stats(games, sims, g, pg, ev, tables, expected, pbp_copies, pbp_prefixed)
    active = pg.status == ACTIVE
    stats["player_games_accented"] = int((active & uni["accented"][pg.uref]).sum())
    stats["player_games_suffix_apart"] = int((active & uni["suffix_apart"][pg.uref]).sum())
    return DemoData(tables=tables, expected=expected, stats=stats)


def _stats(games, sims, g, pg, ev, tables, expected, pbp_copies, pbp_prefixed) -> dict[str, int]:
    final = [x for x in games if x.status == "Final"]
    in_pbp = g.has_pbp[ev.game]
    shot = in_pbp & (ev.etype == E["shot"])
    gb_games = g.has_gamebook[pg.game]
    bdl_rows = g.has_bdl[pg.game] & (pg.status == ACTIVE)
    stats = {
        "games": len(games),
        "games_final": len(final),
        "games_postponed": sum(x.status == "Postponed" for x in games),
        "games_scheduled": sum(x.status == "Scheduled" for x in games),
        "games_playoffs": sum(x.playoffs for x in final),
        "games_overtime": int((g.n_ot > 0).sum()),
        "game_days": len({x.date for x in final}),
        "games_without_pbp": int((~g.has_pbp).sum()),
        "games_missing_gamebook": int((~g.has_gamebook).sum()),
        "games_missing_bdl": int((~g.has_bdl).sum()),
        "games_pbp_fallback": int((g.has_pbp & g.fallback).sum()),
        "games_untyped_shots": int((g.has_pbp & g.untyped).sum()),
        "pbp_duplicate_events": int(pbp_copies.sum()),
        "pbp_rows_with_prefixed_lookup": int(pbp_prefixed.sum()),
        "gamebook_stale_duplicates": int((gb_games & (pg.gb_stale != 0)).sum()),
        "bdl_stale_duplicates": int((bdl_rows & (pg.bdl_stale != 0)).sum()),
        "malformed_minutes": int((gb_games & (pg.malformed >= 0)).sum()),
        "and1_free_throws": int((in_pbp & (ev.flag == FLAG_AND1_FT)).sum()),
        "lone_free_throws_1of1": int((in_pbp & (ev.flag == FLAG_TECH_FT)).sum()),
        "long_twos": int((shot & (ev.flag == FLAG_LONG_TWO)).sum()),
        "heaves": int((shot & (ev.flag == FLAG_HEAVE)).sum()),
        "paint_shots_at_8ft": int((shot & (ev.flag == FLAG_PAINT_AT_8)).sum()),
    }
    stats |= {f"rows_{name}": table.num_rows for name, table in tables.items()}
    stats["rows_expected"] = expected.num_rows
    return stats
