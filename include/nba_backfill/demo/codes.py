"""Integer codes used by the simulation, and the strings they stand for.

Zones (paint / mid_range / three), event types, event subtypes with the phrases of the
event descriptions, player roles, player statuses and their reasons, description
templates, truth flags, the integer fields of a coded event row, and time units.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

# zone codes
PAINT, MID, THREE = 0, 1, 2

# event types, and the role of an event's player_2
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

# player statuses, their reasons, malformed gamebook minutes
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

# event subtypes: shots by zone (with weights), free throws, the others (with phrases)
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

# time units
US_PER_HOUR = 3_600_000_000
US_PER_DAY = 24 * US_PER_HOUR
EPOCH = dt.date(1970, 1, 1)
