"""Player aliases (nba_reference.player_aliases): the user's own spellings, applied by both
passes before Pass 2 resolves play-by-play players to the roster. Each rule on both sides
of its boundary: the source, the team, the seasons, rows retired, spellings folded, two
rows that could apply to one spelling refused; and a changed alias making exactly the
games it touches stale. Expected keys and counts written by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from nba_backfill import pass1, pass2, staleness
from nba_backfill.days import DayRange
from nba_backfill.warehouse import DataRejected

from helpers import (
    ONE_MADE_PAINT,
    ZERO_ZONES,
    alias,
    bdl,
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
ROSTER = [
    gamebook(G1, "BKN", "Maurice Harkless", "mauriceharkless"),
    gamebook(G1, "BKN", "Nicolas Claxton", "nicolasclaxton"),
    gamebook(G1, "MIL", "Giannis Antetokounmpo", "giannisantetokounmpo"),
]
KEYS = {"mauriceharkless", "nicolasclaxton", "giannisantetokounmpo"}
MOE = shot(G1, 1, "moeharkless", True, 3.0, player_1_name="Moe Harkless", player_1_team_abbr="BKN")


def run_both(warehouse) -> dict:
    pass1.load_day(warehouse, DAY)
    pass2.merge_window(warehouse, RANGE)
    return summary_rows(warehouse)


@pytest.mark.parametrize(
    ("case", "aliases", "credited"),
    [
        ("no alias: the nickname matches nobody", [], None),
        ("an alias of the play-by-play resolves the nickname",
         [alias("play_by_play", "Moe Harkless", "mauriceharkless")], "mauriceharkless"),
        ("alias and key are folded by the key rule (a key, a name in capitals)",
         [alias("play_by_play", "moeharkless", "MAURICE HARKLESS")], "mauriceharkless"),
        ("'any' source applies to the play-by-play",
         [alias("any", "Moe Harkless", "mauriceharkless")], "mauriceharkless"),
        ("a gamebook alias does not apply to the play-by-play",
         [alias("nbac_gamebook", "Moe Harkless", "mauriceharkless")], None),
        ("an alias of his team applies",
         [alias("play_by_play", "Moe Harkless", "mauriceharkless", team=" bkn ")], "mauriceharkless"),
        ("an alias of another team does not",
         [alias("play_by_play", "Moe Harkless", "mauriceharkless", team="MIL")], None),
        ("an alias of the game's season applies (first = last = 2021)",
         [alias("play_by_play", "Moe Harkless", "mauriceharkless", first_season=2021, last_season=2021)],
         "mauriceharkless"),
        ("an alias from the next season on does not",
         [alias("play_by_play", "Moe Harkless", "mauriceharkless", first_season=2022)], None),
        ("an alias up to the season before does not",
         [alias("play_by_play", "Moe Harkless", "mauriceharkless", last_season=2020)], None),
        ("a retired alias does not",
         [alias("play_by_play", "Moe Harkless", "mauriceharkless",
                retired_at=dt.datetime(2021, 10, 21, tzinfo=dt.UTC))], None),
        ("an alias to a key the roster does not have credits nobody",
         [alias("play_by_play", "Moe Harkless", "moeharklessjr")], None),
        ("an aliased key still resolves by the suffix rule (Jr. set aside)",
         [alias("play_by_play", "Moe Harkless", "Maurice Harkless Jr.")], "mauriceharkless"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)  # fmt: skip
def test_play_by_play_aliases(warehouse, case, aliases, credited):
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "nbac_gamebook_player_stats", ROSTER)
    insert(warehouse, "bigdataball_play_by_play", [MOE])
    insert(warehouse, "player_aliases", aliases)
    rows = run_both(warehouse)
    assert {k[1] for k in rows} == KEYS
    assert {p: zones(rows[(G1, p)]) for p in KEYS} == {
        p: ONE_MADE_PAINT if p == credited else ZERO for p in KEYS
    }


@pytest.mark.parametrize(
    ("case", "aliases", "keys"),
    [
        ("no alias: the gamebook's spelling is the key", [], {"nicclaxton"}),
        ("a gamebook alias gives the key it names",
         [alias("nbac_gamebook", "Nic Claxton", "nicolasclaxton")], {"nicolasclaxton"}),
        ("a balldontlie alias does not apply to the gamebook",
         [alias("bdl_boxscores", "Nic Claxton", "nicolasclaxton")], {"nicclaxton"}),
        ("an alias of another team does not apply",
         [alias("nbac_gamebook", "Nic Claxton", "nicolasclaxton", team="MIL")], {"nicclaxton"}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)  # fmt: skip
def test_box_score_aliases_key_pass1_and_the_roster_of_pass2(warehouse, case, aliases, keys):
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "nbac_gamebook_player_stats", [
        gamebook(G1, "BKN", "Nic Claxton", "nicclaxton", points=9),
        gamebook(G1, "MIL", "Giannis Antetokounmpo", "giannisantetokounmpo"),
    ])  # fmt: skip
    insert(warehouse, "bigdataball_play_by_play", [
        shot(G1, 1, "nicolasclaxton", True, 3.0, player_1_name="Nicolas Claxton", player_1_team_abbr="BKN"),
    ])  # fmt: skip
    insert(warehouse, "player_aliases", aliases)
    rows = run_both(warehouse)
    assert {k[1] for k in rows} == keys | {"giannisantetokounmpo"}
    (key,) = keys
    assert rows[(G1, key)]["points"] == 9  # Pass 1's row, under that key
    # Pass 2's roster is Pass 1's: the play-by-play's Nicolas Claxton finds him only when
    # the gamebook's spelling was aliased to that key
    expected = ONE_MADE_PAINT if key == "nicolasclaxton" else ZERO
    assert zones(rows[(G1, key)]) == expected


def test_a_balldontlie_alias_keys_a_game_without_gamebook(warehouse):
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "bdl_player_boxscores", [bdl(G1, "BKN", "Nic Claxton", points=4)])
    insert(warehouse, "player_aliases", [alias("bdl_boxscores", "nicclaxton", "nicolasclaxton")])
    assert {k[1] for k in run_both(warehouse)} == {"nicolasclaxton"}


@pytest.mark.parametrize(
    ("case", "aliases", "message"),
    [
        ("two rows apply to one spelling (sources equal, one team unset)",
         [alias("any", "Moe Harkless", "mauriceharkless"),
          alias("any", "moe harkless", "moeharkless2", team="BKN")],
         "also any moeharkless -> "),
        ("'any' overlaps a source, seasons overlapping at one season",
         [alias("any", "Moe Harkless", "mauriceharkless", last_season=2021),
          alias("nbac_gamebook", "Moe Harkless", "maurice", first_season=2021),
          alias("play_by_play", "Moe Harkless", "mauriceh", first_season=2021)],
         "also "),
        ("the same row twice", [alias("any", "Moe Harkless", "mauriceharkless")] * 2,
         "the row is there more than once"),
        ("an alias that is its own key", [alias("any", "Moe Harkless", "moeharkless")],
         "the alias is its own key"),
        ("a key that is itself an alias (a chain)",
         [alias("any", "Moe Harkless", "mauriceharkless"),
          alias("nbac_gamebook", "Maurice Harkless", "mauriceharklessjr")],
         "a chain: "),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)  # fmt: skip
def test_aliases_that_cannot_be_applied_stop_both_passes(warehouse, case, aliases, message):
    """Rows written to the table by other means than `cli load` (which refuses them, with
    the rows that are merely useless too: tests/sql/test_loading_by_game.py). A statement
    that would apply such a row to one of its rows stops before it writes anything (and
    may stop earlier: the check can run before the join)."""
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "nbac_gamebook_player_stats", ROSTER + [
        gamebook(G1, "BKN", "Moe Harkless", "moeharkless"),  # the spelling, in the gamebook too
    ])  # fmt: skip
    insert(warehouse, "bigdataball_play_by_play", [MOE])
    insert(warehouse, "player_aliases", aliases)
    for step in (
        lambda: pass2.merge_window(warehouse, RANGE),
        lambda: pass1.load_day(warehouse, DAY),
    ):
        with pytest.raises(DataRejected, match="nba_reference.player_aliases") as error:
            step()
        assert message in str(error.value)
    assert summary_rows(warehouse) == {}  # nothing written


def test_rows_that_do_not_overlap_are_accepted(warehouse):
    """The other side of each overlap: other teams, other seasons, other spellings."""
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "nbac_gamebook_player_stats", ROSTER)
    insert(warehouse, "bigdataball_play_by_play", [MOE])
    insert(warehouse, "player_aliases", [
        alias("play_by_play", "Moe Harkless", "mauriceharkless", team="BKN", first_season=2021),
        alias("play_by_play", "Moe Harkless", "moeharklessmil", team="MIL"),
        alias("play_by_play", "Moe Harkless", "oldmoe", team="BKN", last_season=2020),
        alias("nbac_gamebook", "Moe Harkless", "mauriceharkless"),
        alias("play_by_play", "Moe Harkless", "retired", retired_at=TS_LATER),
        # a key one season (team), a spelling another: no chain
        alias("play_by_play", "Nic C", "nicolasclaxton", first_season=2021),
        alias("nbac_gamebook", "Nicolas Claxton", "nicclaxtonold", last_season=2020),
        alias("play_by_play", "Gian A", "giannisantetokounmpo", team="MIL"),
        alias("bdl_boxscores", "Giannis Antetokounmpo", "greekfreak", team="BKN"),
    ])  # fmt: skip
    rows = run_both(warehouse)
    assert zones(rows[(G1, "mauriceharkless")]) == ONE_MADE_PAINT


TS_LATER = dt.datetime(2021, 10, 22, tzinfo=dt.UTC)
G_OTHER = "20211020_LAL_BKN"  # another day, Harkless on BKN again


def statuses(warehouse, start=DAY, end=dt.date(2021, 10, 20)) -> dict:
    return {
        (s.day, p): s.status(p)
        for s in staleness.day_statuses(warehouse, DayRange(start, end, "test"))
        for p in staleness.PASSES
    }


@pytest.fixture
def both_days_done(warehouse):
    """Two game days, both passes complete; Harkless (BKN) plays on both."""
    day2 = dt.date(2021, 10, 20)
    insert(warehouse, "nbac_schedule", [schedule(G1), schedule(G_OTHER)])
    insert(warehouse, "nbac_gamebook_player_stats", ROSTER + [
        gamebook(G_OTHER, "BKN", "Maurice Harkless", "mauriceharkless"),
        gamebook(G_OTHER, "LAL", "LeBron James", "lebronjames"),
    ])  # fmt: skip
    insert(warehouse, "bigdataball_play_by_play", [
        MOE,
        shot(G_OTHER, 1, "lebronjames", True, 3.0, player_1_name="LeBron James", player_1_team_abbr="LAL"),
    ])  # fmt: skip
    for day in (DAY, day2):
        pass1.load_day(warehouse, day)
    pass2.merge_window(warehouse, DayRange(DAY, day2, "test"))
    assert set(statuses(warehouse).values()) == {"complete"}
    return warehouse


def test_a_new_play_by_play_alias_makes_pass2_stale_on_the_games_it_touches(both_days_done):
    insert(both_days_done, "player_aliases", [
        alias("play_by_play", "Moe Harkless", "mauriceharkless", updated_at=dt.datetime.now(dt.UTC)),
    ])  # fmt: skip
    assert statuses(both_days_done) == {
        (DAY, "pass1"): "complete", (DAY, "pass2"): "stale",
        (dt.date(2021, 10, 20), "pass1"): "complete", (dt.date(2021, 10, 20), "pass2"): "stale",
    }  # fmt: skip
    (status,) = [s for s in staleness.day_statuses(both_days_done, RANGE)]
    assert "player aliases changed" in status.describe("pass2")
    pass2.merge_window(both_days_done, DayRange(DAY, dt.date(2021, 10, 20), "test"))
    assert set(statuses(both_days_done).values()) == {"complete"}
    assert zones(summary_rows(both_days_done)[(G1, "mauriceharkless")]) == ONE_MADE_PAINT


def test_an_alias_limited_to_a_season_or_team_touches_only_those_games(both_days_done):
    now = dt.datetime.now(dt.UTC)
    insert(both_days_done, "player_aliases", [
        alias("play_by_play", "Moe Harkless", "mauriceharkless", team="LAL", updated_at=now),
        alias("play_by_play", "Moe Harkless", "mauriceharkless", team="BKN", first_season=2022,
              updated_at=now),
        alias("play_by_play", "Someone Else", "nobodyhere", updated_at=now),
    ])  # fmt: skip
    assert set(statuses(both_days_done).values()) == {"complete"}


def test_a_box_score_alias_makes_pass1_stale_and_its_retirement_again(both_days_done):
    later = dt.datetime.now(dt.UTC)
    insert(both_days_done, "player_aliases", [
        alias("nbac_gamebook", "Maurice Harkless", "moeharkless", team="BKN", updated_at=later),
    ])  # fmt: skip
    assert statuses(both_days_done)[(DAY, "pass1")] == "stale"
    assert statuses(both_days_done)[(dt.date(2021, 10, 20), "pass1")] == "stale"
    for day in (DAY, dt.date(2021, 10, 20)):
        pass1.load_day(both_days_done, day)
    pass2.merge_window(both_days_done, DayRange(DAY, dt.date(2021, 10, 20), "test"))
    assert set(statuses(both_days_done).values()) == {"complete"}
    rows = summary_rows(both_days_done)
    assert (G1, "moeharkless") in rows and (G1, "mauriceharkless") not in rows
    assert zones(rows[(G1, "moeharkless")]) == ONE_MADE_PAINT  # the play-by-play's spelling
    # retired: the games keyed by its key become stale again, and go back
    with both_days_done.connect() as con:
        con.execute(
            "update nba_reference.player_aliases set retired_at = ?", [dt.datetime.now(dt.UTC)]
        )
    assert statuses(both_days_done)[(DAY, "pass1")] == "stale"
    pass1.load_day(both_days_done, DAY)
    assert (G1, "mauriceharkless") in summary_rows(both_days_done)


# ---- the guard's suggestions: the alias row that would resolve an unresolved player --------


def fga(n: int) -> dict:
    return {"field_goals_made": 0, "field_goals_attempted": n}


def guard_details(warehouse, day_range=RANGE) -> list[str]:
    from nba_backfill.audits import audit_pass2
    from nba_backfill.config import settings

    report = audit_pass2(warehouse, day_range, settings())
    (check,) = [
        c for c in report.checks if c.name == "play-by-play shots credited to a roster player"
    ]
    return check.details


def nickname_game(warehouse, claxton_in_pbp: bool = True, aliases=()):
    insert(warehouse, "nbac_schedule", [schedule(G1)])
    insert(warehouse, "nbac_gamebook_player_stats", [
        gamebook(G1, "BKN", "Maurice Harkless", "mauriceharkless", **fga(5)),
        gamebook(G1, "BKN", "Nicolas Claxton", "nicolasclaxton", **fga(3)),
        gamebook(G1, "BKN", "Bench Guy", "benchguy", player_status="dnp", minutes=None),
        gamebook(G1, "MIL", "Giannis Antetokounmpo", "giannisantetokounmpo", **fga(1)),
        # (a player of the other team with a shot and none in the play-by-play)
        gamebook(G1, "MIL", "Brook Lopez", "brooklopez", **fga(2)),
    ])  # fmt: skip
    events = [
        MOE,
        shot(G1, 2, "giannisantetokounmpo", False, 3.0, player_1_name="Giannis Antetokounmpo",
             player_1_team_abbr="MIL"),
    ]  # fmt: skip
    if claxton_in_pbp:
        events.append(shot(G1, 3, "nicolasclaxton", True, 3.0, player_1_name="Nicolas Claxton",
                           player_1_team_abbr="BKN"))  # fmt: skip
    insert(warehouse, "bigdataball_play_by_play", events)
    insert(warehouse, "player_aliases", list(aliases))
    run_both(warehouse)


def test_the_guard_suggests_the_alias_of_the_one_player_left_unmatched(warehouse, tmp_path):
    nickname_game(warehouse)
    details = guard_details(warehouse)
    assert details[0] == (
        "'Moe Harkless' (key moeharkless, team BKN) matches no roster player of his game: 1 "
        "shot(s) credited to nobody in 1 game(s), 20211019_BKN_MIL (2021-10-19); the one player "
        "of BKN left unmatched in all his games is 'mauriceharkless': if that is him, add to "
        "player_aliases.csv: play_by_play,Moe Harkless,BKN,2021,2021,mauriceharkless"
    )
    assert details[1].startswith("suggested alias rows are a starting point, never applied")
    assert zones(summary_rows(warehouse)[(G1, "mauriceharkless")]) == ZERO  # never applied
    # loaded as suggested (cli load's own format), the row resolves him
    from nba_backfill.loading import load_directory

    folder = tmp_path / "aliases"
    folder.mkdir()
    row = details[0].rsplit("player_aliases.csv: ", 1)[1]
    (folder / "player_aliases.csv").write_text(
        "source,alias,team_abbr,first_season,last_season,player_lookup\n" + row + "\n"
    )
    load_directory(warehouse, folder, out=lambda _: None)
    pass2.merge_window(warehouse, RANGE)
    assert zones(summary_rows(warehouse)[(G1, "mauriceharkless")]) == ONE_MADE_PAINT
    assert guard_details(warehouse) == []


def test_two_players_left_unmatched_no_suggestion(warehouse):
    nickname_game(warehouse, claxton_in_pbp=False)
    assert guard_details(warehouse)[0].endswith(
        "; no alias to suggest: 2 players of BKN are left unmatched in all his games"
    )


def test_an_alias_to_a_key_not_on_the_roster_is_reported_as_such(warehouse):
    nickname_game(warehouse, aliases=[alias("play_by_play", "Moe Harkless", "moeharklessjr")])
    assert guard_details(warehouse)[0] == (
        "'Moe Harkless' (key moeharklessjr, team BKN) matches no roster player of his game: 1 "
        "shot(s) credited to nobody in 1 game(s), 20211019_BKN_MIL (2021-10-19); an alias gives "
        "him the key 'moeharklessjr', which is not on the roster of his game(s): correct that row "
        "of nba_reference.player_aliases"
    )


def test_the_suggestion_is_the_player_left_unmatched_in_every_game_of_his(warehouse):
    """Moe Harkless in two games: Claxton is left unmatched in the first only, Harkless in
    both: the suggestion is Harkless, for the seasons of those games."""
    nickname_game(warehouse, claxton_in_pbp=False)
    g2 = "20220105_BKN_LAL"  # the next season
    insert(warehouse, "nbac_schedule", [schedule(g2, season_year=2022)])
    insert(warehouse, "nbac_gamebook_player_stats", [
        gamebook(g2, "BKN", "Maurice Harkless", "mauriceharkless", **fga(4)),
        gamebook(g2, "BKN", "Nicolas Claxton", "nicolasclaxton", **fga(2)),
    ])  # fmt: skip
    insert(warehouse, "bigdataball_play_by_play", [
        shot(g2, 1, "moeharkless", True, 3.0, player_1_name="Moe Harkless", player_1_team_abbr="BKN"),
        shot(g2, 2, "nicolasclaxton", True, 3.0, player_1_name="Nicolas Claxton",
             player_1_team_abbr="BKN"),
    ])  # fmt: skip
    both = DayRange(DAY, dt.date(2022, 1, 5), "test")
    pass1.load_day(warehouse, dt.date(2022, 1, 5))
    pass2.merge_window(warehouse, both)
    assert guard_details(warehouse, both)[0].endswith(
        "the one player of BKN left unmatched in all his games is 'mauriceharkless': if that is "
        "him, add to player_aliases.csv: play_by_play,Moe Harkless,BKN,2021,2022,mauriceharkless"
    )
