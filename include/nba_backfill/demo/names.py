"""Player names, how each source spells them, and the player_lookup keys.

Names are drawn from first and last names (with suffixes, apostrophes, hyphens and
initials); no two players of a season share a name once suffixes are set aside.
The sources spell some players differently (``_identities``): accented names in the box
scores and plain ones in the play-by-play (Jokić / Jokic, Aşık / Asik, Jørgensen /
Jorgensen), generational suffixes in one source only (Butler / Butler III), and, per
season, a few players spelled apart beyond that, which the season's aliases resolve
(a nickname in the play-by-play or in balldontlie, a middle name or a hyphenated surname
in the box scores only).

``lookup_of`` is the contract's key: the name with accents folded. ``feed_lookup_of`` is
what the box-score feeds deliver: accents not folded ('nikolajoki').
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import numpy as np

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
RATE_TRANSLITERATED = 0.02  # box-score name with ı or ø, play-by-play name plain
RATE_PBP_DROPS_SUFFIX = 0.25  # of players with a suffix: none in the play-by-play
RATE_PBP_ADDS_SUFFIX = 0.006  # of players without: one in the play-by-play

# letters accented in box-score names: each folds back to its base letter (NFKD), or is
# transliterated to it (ı, ø: letters NFKD keeps as they are)
ACCENTS = {"c": "ćč", "s": "šś", "z": "žź", "o": "öóø", "e": "éë", "a": "áä", "n": "ńņ",
           "u": "üū", "i": "íïı", "g": "ģ", "r": "ř", "y": "ý"}  # fmt: skip
TRANSLITERATED = "ıø"

# Players spelled apart beyond accents and suffixes, which only an alias resolves (real
# seasons have about ten such player-games): per season, one player of each kind, whose new
# spelling is no other player's key. `source` is the feed that spells him apart (the
# aliases' source names).
FIRST_NAME_NICKNAMES = {"Anthony": "Tony", "Daniel": "Danny", "Malcolm": "Mal",
                        "Mitchell": "Mitch", "Patrick": "Pat", "Robert": "Bobby", "Tyler": "Ty",
                        "Victor": "Vic"}  # fmt: skip
MIDDLE_NAMES = ("James", "Lee", "Michael", "Ray", "Andre")
SPELLED_APART = (
    # (kind, source that spells him apart)
    ("nickname", "play_by_play"),  # Bobby Walker in the play-by-play, Robert Walker elsewhere
    ("middle_name", "play_by_play"),  # the box scores' Jalen Lee Brooks is Jalen Brooks there
    ("hyphen", "play_by_play"),  # the box scores' Cam Smith-Jones is Cam Smith there
    ("nickname", "bdl_boxscores"),  # balldontlie's Danny Cole is the gamebook's Daniel Cole
)
GENERATIONAL = re.compile(r"(jr|sr|iii|ii|iv|v)$")


# The letters NFKD keeps as they are, transliterated (include/sql/macros/player_lookup.sql.j2)
TRANSLITERATE = {
    **dict(zip("ıøłđðħŧĸƒɓɗƙƴəǝɛɔɨ", "iolddhtkfbdkyeeeoi", strict=True)),
    "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ŋ": "ng",
}  # fmt: skip


def lookup_of(name: str) -> str:
    """player_lookup of a name (the contract's key): accents folded (Unicode NFKD,
    combining marks dropped), lower-cased, the letters NFKD keeps transliterated (ı -> i,
    ø -> o, ß -> ss, ...), everything but a-z removed."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    spelled = "".join(TRANSLITERATE.get(ch, ch) for ch in folded.lower())
    return "".join(ch for ch in spelled if "a" <= ch <= "z")


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


@dataclasses.dataclass
class Identities:
    """How each source spells the players of a season, and the aliases that resolve the
    players spelled apart beyond accents and suffixes: (player index, source, spelling)."""

    box: list[str]  # the gamebook's (and the truth's player_full_name)
    pbp: list[str]
    bdl: list[str]
    aliases: list[tuple[int, str, str]]


def _spelled_apart(
    rng, box: list[str], pbp: list[str], bdl: list[str]
) -> list[tuple[int, str, str]]:
    """Spell one player of each kind of SPELLED_APART apart (in place); returns the aliases
    (player, source, spelling) that resolve them. A player is taken only if his new spelling
    is no other player's key, even once generational suffixes are set aside."""
    taken: set[str] = set()
    for names in (box, pbp, bdl):
        for name in names:
            taken |= {lookup_of(name), _base_key(name)}
    used: set[int] = set()
    aliases = []
    order = rng.permutation(len(box))
    for kind, source in SPELLED_APART:
        for k in order:
            name = box[k]
            if k in used or name != pbp[k] or name != bdl[k] or lookup_of(name) != _base_key(name):
                continue  # plain names only: not accented, no suffix, not spelled apart yet
            first, _, last = name.partition(" ")
            if kind == "nickname" and first in FIRST_NAME_NICKNAMES:
                spelled = f"{FIRST_NAME_NICKNAMES[first]} {last}"
            elif kind == "middle_name":
                spelled = name  # the box scores add the middle name
                middle = MIDDLE_NAMES[rng.integers(len(MIDDLE_NAMES))]
                longer = f"{first} {middle} {last}"
                if lookup_of(longer) in taken:
                    continue
            elif kind == "hyphen" and "-" in last and " " not in last:
                spelled = f"{first} {last.split('-')[0]}"
            else:
                continue
            if kind != "middle_name" and (
                lookup_of(spelled) in taken or _base_key(spelled) in taken
            ):
                continue
            used.add(k)
            if kind == "middle_name":
                box[k] = bdl[k] = longer
                taken.add(lookup_of(longer))
            elif source == "play_by_play":
                pbp[k] = spelled
            else:
                bdl[k] = spelled
            taken |= {lookup_of(spelled), _base_key(spelled)}
            aliases.append((int(k), source, spelled))
            break
    return aliases


def _identities(rng, names: list[str]) -> Identities:
    """How each source spells canonical names: some accented in the box scores only, some
    with a suffix in one source only, a few spelled apart beyond that (aliases)."""
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
    for k in np.flatnonzero(rng.random(len(box)) < RATE_TRANSLITERATED):
        box[k] = _transliterated(box[k])
    bdl = list(box)
    aliases = _spelled_apart(rng, box, pbp, bdl)
    return Identities(box, pbp, bdl, aliases)


def _transliterated(name: str) -> str:
    """The name with the i or o of its last name spelled with a letter NFKD keeps (Asik ->
    Asık, Jorgensen -> Jørgensen), as Turkish and Nordic box scores have them."""
    first, _, rest = name.partition(" ")
    if "i" in rest:
        return f"{first} {rest.replace('i', 'ı')}"
    return f"{first} {rest.replace('o', 'ø')}"


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
