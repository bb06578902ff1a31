"""Player identity across sources: the key every pass makes (accents folded, from the
name), and Pass 2's resolution of play-by-play players to the game's roster (the same key,
else a unique roster player of the same team equal once generational suffixes are set
aside). Expected keys and counts written by hand; tests/bigquery/test_emulator_keys.py
checks the same keys on the BigQuery emulator."""

from __future__ import annotations

import datetime as dt

import pytest

from nba_backfill import pass1, pass2
from nba_backfill.days import DayRange
from nba_backfill.demo import lookup_of

from helpers import (
    HARD_NAMES,
    ONE_MADE_PAINT,
    ZERO_ZONES,
    gamebook,
    insert,
    schedule,
    shot,
    summary_rows,
    zones,
)

DAY = dt.date(2021, 10, 19)
RANGE = DayRange(DAY, DAY, "test")
G1 = "20211019_BKN_MIL"
ZERO = ZERO_ZONES


def reference_key(name, lookup):
    """The contract's rule, in Python (the demo generator's: unicodedata's NFKD, then the
    transliterated letters)."""
    return lookup_of(name or "") or lookup_of(lookup or "") or None


def test_the_hand_written_keys_are_the_contracts_rule():
    assert [reference_key(n, lk) for n, lk, _ in HARD_NAMES] == [k for _, _, k in HARD_NAMES]


def test_pass1_makes_the_keys(warehouse):
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "nbac_gamebook_player_stats", [
        gamebook(G1, "BKN", name, lookup) for name, lookup, _ in HARD_NAMES
    ])  # fmt: skip
    pass1.load_day(warehouse, DAY)
    got = {k[1] for k in summary_rows(warehouse)}
    assert got == {key for _, _, key in HARD_NAMES if key}


ROSTER = [
    gamebook(G1, "BKN", "Bojan Bogdanović", "bojanbogdanovi"),
    gamebook(G1, "BKN", "Jimmy Butler", "jimmybutler"),
    gamebook(G1, "BKN", "Reggie Bullock Jr.", "reggiebullockjr"),
    gamebook(G1, "BKN", "Gary Payton", "garypayton"),
    gamebook(G1, "BKN", "Gary Payton II", "garypaytonii"),
    gamebook(G1, "MIL", "Marcus Morris Sr.", "marcusmorrissr"),
    gamebook(G1, "MIL", "Mo Bamba", "mobamba"),
    gamebook(G1, "BKN", "Kevin Knox II", "kevinknoxii"),
    gamebook(G1, "MIL", "Nikola Jokić", "nikolajoki"),
    gamebook(G1, "MIL", "Kevin Knox Jr.", "kevinknoxjr"),
    gamebook(G1, "MIL", "Ömer Aşık", "omerask"),
    gamebook(G1, "BKN", "Kristian Jørgensen", "kristianjrgensen"),
]


@pytest.mark.parametrize(
    ("case", "events", "expected"),
    [
        ("accents: Bogdanovic in the play-by-play is the gamebook's Bogdanović",
         [shot(G1, 1, "bojanbogdanovic", True, 3.0, player_1_name="Bojan Bogdanovic", player_1_team_abbr="BKN")],
         {"bojanbogdanovic": ONE_MADE_PAINT}),
        ("both sides keyed from the name, not from a lookup that dropped the accented letter",
         [shot(G1, 1, "nikolajoki", True, 3.0, player_1_name="Nikola Jokić", player_1_team_abbr="MIL")],
         {"nikolajokic": ONE_MADE_PAINT}),
        ("a letter NFKD keeps: Omer Asik in the play-by-play is the gamebook's Ömer Aşık",
         [shot(G1, 1, "omerasik", True, 3.0, player_1_name="Omer Asik", player_1_team_abbr="MIL")],
         {"omerasik": ONE_MADE_PAINT}),
        ("... and Jorgensen is Jørgensen, also without a name (the lookup folded)",
         [shot(G1, 1, "kristianjorgensen", True, 3.0, player_1_team_abbr="BKN")],
         {"kristianjorgensen": ONE_MADE_PAINT}),
        ("a suffix in the play-by-play only: Butler III is the gamebook's Butler",
         [shot(G1, 1, "jimmybutleriii", True, 3.0, player_1_name="Jimmy Butler III", player_1_team_abbr="BKN")],
         {"jimmybutler": ONE_MADE_PAINT}),
        ("a suffix in the gamebook only: Bullock is the gamebook's Bullock Jr.",
         [shot(G1, 1, "reggiebullock", True, 3.0, player_1_name="Reggie Bullock", player_1_team_abbr="BKN")],
         {"reggiebullockjr": ONE_MADE_PAINT}),
        ("an id-prefixed lookup without a name, and a suffix",
         [shot(G1, 1, "1629008reggiebullock", True, 3.0, player_1_team_abbr="BKN")],
         {"reggiebullockjr": ONE_MADE_PAINT}),
        ("Payton and Payton II: two roster players equal without suffixes are never merged",
         [shot(G1, 1, "garypaytoniii", True, 3.0, player_1_name="Gary Payton III", player_1_team_abbr="BKN")],
         {}),
        ("... but each still matches by his own key",
         [shot(G1, 1, "garypayton", True, 3.0, player_1_name="Gary Payton", player_1_team_abbr="BKN"),
          shot(G1, 2, "garypaytonii", True, 3.0, player_1_name="Gary Payton II", player_1_team_abbr="BKN")],
         {"garypayton": ONE_MADE_PAINT, "garypaytonii": ONE_MADE_PAINT}),
        ("a suffix match needs the same team: Morris of BKN is not MIL's Morris Sr.",
         [shot(G1, 1, "marcusmorris", True, 3.0, player_1_name="Marcus Morris", player_1_team_abbr="BKN")],
         {}),
        ("... and with MIL it is",
         [shot(G1, 1, "marcusmorris", True, 3.0, player_1_name="Marcus Morris", player_1_team_abbr=" mil ")],
         {"marcusmorrissr": ONE_MADE_PAINT}),
        ("no team on the event: the game's one player equal without suffixes",
         [shot(G1, 1, "marcusmorris", True, 3.0, player_1_name="Marcus Morris")],
         {"marcusmorrissr": ONE_MADE_PAINT}),
        ("no team on the event, and two players of the game equal without suffixes: nobody",
         [shot(G1, 1, "kevinknox", True, 3.0, player_1_name="Kevin Knox")],
         {}),
        ("... with his team it is the one of that team",
         [shot(G1, 1, "kevinknox", True, 3.0, player_1_name="Kevin Knox", player_1_team_abbr="MIL")],
         {"kevinknoxjr": ONE_MADE_PAINT}),
        ("an exact key needs no team",
         [shot(G1, 1, "mobamba", True, 3.0, player_1_name="Mo Bamba", player_1_team_abbr="BKN")],
         {"mobamba": ONE_MADE_PAINT}),
        ("two spellings of one player add up",
         [shot(G1, 1, "jimmybutler", True, 3.0, player_1_name="Jimmy Butler", player_1_team_abbr="BKN"),
          shot(G1, 2, "jimmybutleriii", True, 3.0, player_1_name="Jimmy Butler III", player_1_team_abbr="BKN")],
         {"jimmybutler": {**ONE_MADE_PAINT, "paint_attempts": 2, "paint_makes": 2,
                          "unassisted_fg_makes": 2, "pbp_shot_events": 2}}),
        ("a blocker resolved like a shooter (accent and suffix)",
         [shot(G1, 1, "mobamba", False, 3.0, player_1_name="Mo Bamba", player_1_team_abbr="MIL",
               player_2_name="Jimmy Butler III", player_2_lookup="jimmybutleriii",
               player_2_team_abbr="BKN", player_2_role="block")],
         {"mobamba": {**ZERO, "paint_attempts": 1, "pbp_shot_events": 1},
          "jimmybutler": {**ZERO, "paint_blocks": 1}}),
        ("a name that is only a suffix matches nobody",
         [shot(G1, 1, "jr", True, 3.0, player_1_name="Jr.", player_1_team_abbr="BKN")],
         {}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)  # fmt: skip
def test_play_by_play_players_resolve_to_the_roster(warehouse, case, events, expected):
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "nbac_gamebook_player_stats", ROSTER)
    insert(warehouse, "bigdataball_play_by_play", events)
    pass2.merge_window(warehouse, RANGE)
    rows = summary_rows(warehouse)
    keys = {"bojanbogdanovic", "jimmybutler", "reggiebullockjr", "garypayton", "garypaytonii",
            "marcusmorrissr", "mobamba", "kevinknoxii", "kevinknoxjr", "nikolajokic",
            "omerasik", "kristianjorgensen"}  # fmt: skip
    assert {k[1] for k in rows} == keys  # the roster's keys, nothing else
    assert {p: zones(rows[(G1, p)]) for p in keys} == {p: expected.get(p, ZERO) for p in keys}


def check_named(report, name):
    (check,) = [c for c in report.checks if c.name == name]
    return check


def test_the_guard_names_unresolved_players_and_fails_above_its_limit(warehouse, nba_env):
    from nba_backfill.audits import audit_pass2
    from nba_backfill.config import settings

    g2 = "20211020_MIL_BKN"
    both_days = DayRange(DAY, DAY + dt.timedelta(days=1), "test")
    insert(warehouse, "nbac_schedule", [schedule(G1), schedule(g2)])
    insert(warehouse, "nbac_gamebook_player_stats", ROSTER + [
        gamebook(g2, "MIL", "Mo Bamba", "mobamba"),
    ])  # fmt: skip
    # 2 of 399 shots are nobody's: 0.501% > 0.5%
    insert(warehouse, "bigdataball_play_by_play", [
        shot(G1, i, "mobamba", True, 3.0, player_1_name="Mo Bamba", player_1_team_abbr="MIL")
        for i in range(1, 200)
    ] + [
        shot(g2, i, "mobamba", True, 3.0, player_1_name="Mo Bamba", player_1_team_abbr="MIL")
        for i in range(1, 199)
    ] + [
        shot(G1, 300, "zzstranger", False, 9.0, player_1_name="Zz Stranger", player_1_team_abbr="BKN"),
        shot(g2, 300, "zzstranger", False, 9.0, player_1_name="Zz Stranger", player_1_team_abbr="BKN"),
    ])  # fmt: skip
    for day in (DAY, DAY + dt.timedelta(days=1)):
        pass1.load_day(warehouse, day)
    pass2.merge_window(warehouse, both_days)
    rows = summary_rows(warehouse)
    assert rows[(G1, "mobamba")]["pbp_shot_events"] == 199
    assert rows[(g2, "mobamba")]["pbp_shot_events"] == 198

    report = audit_pass2(warehouse, both_days, settings())
    guard = check_named(report, "play-by-play shots credited to a roster player")
    assert not guard.passed
    assert guard.summary == "0.50% of 399 shots credited to nobody (limit 0.5%)"
    assert guard.details[0] == (
        "'Zz Stranger' (key zzstranger, team BKN) matches no roster player of his game: "
        "2 shot(s) credited to nobody in 2 game(s), the first 20211019_BKN_MIL (2021-10-19), "
        "the last on 2021-10-20; no alias to suggest: no player of BKN with a shot or block "
        "in the box score is left unmatched in all his games"
    )
    assert "load the missing box scores" in guard.details[-1]
    assert report.figures["pbp_shots"] == 399
    assert report.figures["unmatched_shots"] == 2

    # the other side of the limit: 1 of 200 shots, exactly 0.5%, passes
    guard = check_named(
        audit_pass2(warehouse, RANGE, settings()), "play-by-play shots credited to a roster player"
    )
    assert guard.passed
    assert guard.summary == "0.50% of 200 shots credited to nobody (limit 0.5%)"
    assert guard.details == [
        "'Zz Stranger' (key zzstranger, team BKN) matches no roster player of his game: "
        "1 shot(s) credited to nobody in 1 game(s), 20211019_BKN_MIL (2021-10-19); no alias "
        "to suggest: no player of BKN with a shot or block in the box score is left unmatched "
        "in all his games"
    ]

    nba_env(NBA_PASS2_MAX_UNMATCHED_SHARE="0.01")  # the setting moves the limit
    guard = check_named(
        audit_pass2(warehouse, both_days, settings()),
        "play-by-play shots credited to a roster player",
    )
    assert guard.passed and guard.summary.endswith("(limit 1.0%)")


def test_a_range_with_play_by_play_but_no_roster_fails_and_says_so(warehouse):
    from nba_backfill.audits import AuditError, audit_pass2
    from nba_backfill.config import settings

    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "bigdataball_play_by_play", [
        shot(G1, 1, "mobamba", True, 3.0, player_1_name="Mo Bamba"),
        shot(G1, 2, "mobamba", False, 3.0, player_1_name="Mo Bamba"),
    ])  # fmt: skip
    result = pass2.merge_window(warehouse, RANGE)
    assert result["rows"] == 0 and summary_rows(warehouse) == {}  # green-but-empty ...
    report = audit_pass2(warehouse, RANGE, settings())
    guard = check_named(report, "play-by-play shots credited to a roster player")
    assert not guard.passed  # ... is not green
    assert guard.summary == (
        "100.00% of 2 shots credited to nobody (limit 0.5%); 1 game(s) without a roster"
    )
    assert guard.details[0] == (
        "2021-10-19 20211019_BKN_MIL: play-by-play shots (2) but no gamebook or balldontlie "
        "row at all: load the game's box score"
    )
    with pytest.raises(AuditError, match="no gamebook or balldontlie row at all"):
        report.raise_for_failures()
