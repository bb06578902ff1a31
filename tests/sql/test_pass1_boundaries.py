"""Pass 1 (include/sql/pass1/load_day.sql): every rule on both sides of its boundary.

Each case is one game of its own (teams Annn at Hnnn, one day) with the raw rows the rule
needs; ONE run of the day's MERGE loads them all; each case then checks the columns it is
about against values written by hand (a player missing from `expected` must have no row).
"""

from __future__ import annotations

import datetime as dt

import pytest

from nba_backfill import pass1

from helpers import TS, bdl, gamebook, insert, schedule, summary_rows

DAY = dt.date(2021, 10, 19)
OLDER, LATER = TS - dt.timedelta(days=1), TS + dt.timedelta(hours=2)


def line(pts=10, fgm=4, fga=8, tpm=1, tpa=3, ftm=1, fta=2, **more):
    return {
        "points": pts, "field_goals_made": fgm, "field_goals_attempted": fga,
        "three_pointers_made": tpm, "three_pointers_attempted": tpa,
        "free_throws_made": ftm, "free_throws_attempted": fta, **more,
    }  # fmt: skip


def G(name, team="A", **values):  # noqa: N802  a gamebook row of the case's game
    return ("gamebook", name, team, values)


def B(name, team="A", **values):  # noqa: N802  a balldontlie row of the case's game
    return ("bdl", name, team, values)


# (case, raw rows, {lookup: {column: value}}); teams "A" / "H" stand for the case's away /
# home team. Minutes are 30:00 unless a case says otherwise.
CASES = [
    # -- which source: per game ---------------------------------------------------------
    ("a game with gamebook rows takes all of them, none of balldontlie's",
     [G("Kev Dur", minutes="30:00", **line(20)), B("Kev Dur", minutes="31", **line(99)),
      B("Only Bdl", minutes="12", **line(2))],
     {"kevdur": {"points": 20, "primary_source_used": "nbac_gamebook", "minutes_played": 30.0}}),
    ("a game without gamebook rows takes balldontlie's",
     [B("Kev Dur", minutes="31", **line(21, rebounds=7, offensive_rebounds=2, defensive_rebounds=5))],
     {"kevdur": {"points": 21, "primary_source_used": "bdl_boxscores", "minutes_played": 31.0,
                 "total_rebounds": 7, "is_active": True, "player_status": "active",
                 "plus_minus": None}}),
    # -- duplicates: the latest delivery ----------------------------------------------------------
    ("the latest delivery wins (older copy last in the table)",
     [G("Kev Dur", processed_at=LATER, **line(30)), G("Kev Dur", processed_at=OLDER, **line(10))],
     {"kevdur": {"points": 30}}),
    ("the latest delivery wins (older copy first)",
     [G("Kev Dur", processed_at=OLDER, **line(10)), G("Kev Dur", processed_at=LATER, **line(30))],
     {"kevdur": {"points": 30}}),
    ("an undated copy loses to a dated one",
     [G("Kev Dur", processed_at=None, **line(10)), G("Kev Dur", processed_at=OLDER, **line(30))],
     {"kevdur": {"points": 30}}),
    ("the same instant: the longer minutes string, then the higher points",
     [G("Kev Dur", minutes="30:00", **line(10)), G("Kev Dur", minutes="31:00", **line(12)),
      G("Jim Har", minutes="30:00", **line(10)), G("Jim Har", minutes="30:00", **line(14))],
     {"kevdur": {"points": 12, "minutes_played": 31.0}, "jimhar": {"points": 14}}),
    ("a balldontlie duplicate too",
     [B("Kev Dur", processed_at=OLDER, **line(10)), B("Kev Dur", processed_at=LATER, **line(30))],
     {"kevdur": {"points": 30}}),
    # -- minutes --------------------------------------------------------------------------------
    ("MM:SS", [G("Kev Dur", minutes="34:12")], {"kevdur": {"minutes_played": 34.2}}),
    ("MM alone (gamebook)", [G("Kev Dur", minutes="34")], {"kevdur": {"minutes_played": 34.0}}),
    ("rounded to 2 places: 5:07 = 5.1166..", [G("Kev Dur", minutes="5:07")], {"kevdur": {"minutes_played": 5.12}}),
    ("rounded to 2 places: 10:01 = 10.0166..", [G("Kev Dur", minutes="10:01")], {"kevdur": {"minutes_played": 10.02}}),
    ("59 seconds", [G("Kev Dur", minutes="41:59")], {"kevdur": {"minutes_played": 41.98}}),
    ("60 seconds: malformed", [G("Kev Dur", minutes="41:60")], {"kevdur": {"minutes_played": None, "is_active": True}}),
    ("one-digit seconds: malformed", [G("Kev Dur", minutes="12:7")], {"kevdur": {"minutes_played": None}}),
    ("two-digit seconds with a zero", [G("Kev Dur", minutes="12:07")], {"kevdur": {"minutes_played": 12.12}}),
    ("padded with spaces", [G("Kev Dur", minutes=" 34:12 ")], {"kevdur": {"minutes_played": 34.2}}),
    ("a letter O", [G("Kev Dur", minutes="3O:12")], {"kevdur": {"minutes_played": None}}),
    ("a third field", [G("Kev Dur", minutes="12:30:00")], {"kevdur": {"minutes_played": None}}),
    ("four digits of minutes", [G("Kev Dur", minutes="1234:00")], {"kevdur": {"minutes_played": None}}),
    ("empty", [G("Kev Dur", minutes="")], {"kevdur": {"minutes_played": None}}),
    ("a dash for a DNP", [G("Kev Dur", minutes="-", player_status="dnp")],
     {"kevdur": {"minutes_played": None, "is_active": False, "player_status": "dnp"}}),
    ("0:00 of an active player", [G("Kev Dur", minutes="0:00")], {"kevdur": {"minutes_played": 0.0, "is_active": True}}),
    # -- status -----------------------------------------------------------------------------------
    ("'inactive'", [G("Kev Dur", player_status="inactive", minutes=None)],
     {"kevdur": {"is_active": False, "player_status": "inactive", "minutes_played": None}}),
    ("'DNP ' normalised", [G("Kev Dur", player_status="DNP ", minutes=None)],
     {"kevdur": {"is_active": False, "player_status": "dnp"}}),
    ("'ACTIVE' normalised", [G("Kev Dur", player_status="ACTIVE")],
     {"kevdur": {"is_active": True, "player_status": "active"}}),
    ("unknown status with minutes: active", [G("Kev Dur", player_status="played", minutes="20:00")],
     {"kevdur": {"is_active": True, "player_status": "active", "minutes_played": 20.0}}),
    ("NULL status with 0:01: active", [G("Kev Dur", player_status=None, minutes="0:01")],
     {"kevdur": {"is_active": True, "player_status": "active", "minutes_played": 0.02}}),
    ("NULL status with 0:00: not active", [G("Kev Dur", player_status=None, minutes="0:00")],
     {"kevdur": {"is_active": False, "player_status": None, "minutes_played": None}}),
    ("NULL status with malformed minutes: not active", [G("Kev Dur", player_status=None, minutes="3O:00")],
     {"kevdur": {"is_active": False, "player_status": None}}),
    ("dnp with minutes: the status wins", [G("Kev Dur", player_status="dnp", minutes="10:00")],
     {"kevdur": {"is_active": False, "player_status": "dnp", "minutes_played": None}}),
    # -- counts ---------------------------------------------------------------------------------------
    ("a negative count becomes NULL, the others stay",
     [G("Kev Dur", **line(10, steals=-1, assists=3, turnovers=-2))],
     {"kevdur": {"steals": None, "assists": 3, "turnovers": None, "points": 10}}),
    ("0 is a count", [G("Kev Dur", **line(0, 0, 0, 0, 0, 0, 0, steals=0))],
     {"kevdur": {"points": 0, "steals": 0, "fg_attempts": 0}}),
    ("makes = attempts: kept", [G("Kev Dur", **line(12, 5, 5, 2, 2, 0, 0))],
     {"kevdur": {"fg_makes": 5, "fg_attempts": 5, "three_pt_makes": 2, "three_pt_attempts": 2}}),
    ("FG makes above attempts: the pair NULL", [G("Kev Dur", **line(12, 6, 5, 1, 3, 0, 0))],
     {"kevdur": {"fg_makes": None, "fg_attempts": None, "three_pt_makes": 1, "efg_pct": None, "ts_pct": None}}),
    ("3PT makes above attempts: the pair NULL", [G("Kev Dur", **line(12, 5, 8, 3, 2, 0, 0))],
     {"kevdur": {"three_pt_makes": None, "three_pt_attempts": None, "fg_makes": 5, "efg_pct": None}}),
    ("FT makes above attempts: the pair NULL", [G("Kev Dur", **line(12, 5, 8, 1, 2, 4, 3))],
     {"kevdur": {"ft_makes": None, "ft_attempts": None, "ts_pct": None, "fg_attempts": 8}}),
    ("negative makes: the pair NULL", [G("Kev Dur", **line(12, -1, 8, 1, 2, 0, 0))],
     {"kevdur": {"fg_makes": None, "fg_attempts": None}}),
    # -- ratios ----------------------------------------------------------------------------------------
    ("ts_pct and efg_pct", [G("Kev Dur", **line(25, 9, 20, 3, 7, 4, 5))],
     # ts = 25 / (2 * (20 + 0.44 * 5)) = 25 / 44.4; efg = (9 + 0.5 * 3) / 20 = 0.525
     {"kevdur": {"ts_pct": pytest.approx(25 / 44.4), "efg_pct": pytest.approx(0.525)}}),
    ("no shots at all: both NULL", [G("Kev Dur", **line(0, 0, 0, 0, 0, 0, 0))],
     {"kevdur": {"ts_pct": None, "efg_pct": None}}),
    ("free throws only: ts_pct, no efg_pct", [G("Kev Dur", **line(2, 0, 0, 0, 0, 2, 2))],
     {"kevdur": {"ts_pct": pytest.approx(2 / 1.76), "efg_pct": None}}),
    # -- teams, lookups ------------------------------------------------------------------------------------
    ("away team, padded and lower-case", [G("Kev Dur", team=" a{n} ")],
     {"kevdur": {"team_abbr": "A{n}", "opponent_team_abbr": "H{n}", "home_game": False}}),
    ("home team", [G("Kev Dur", team="H")],
     {"kevdur": {"team_abbr": "H{n}", "opponent_team_abbr": "A{n}", "home_game": True}}),
    ("a team not in the game: kept, no opponent", [G("Kev Dur", team="XXX")],
     {"kevdur": {"team_abbr": "XXX", "opponent_team_abbr": None, "home_game": None}}),
    ("lookup from the name when none is delivered", [G("Shaquille O'Neal", player_lookup=None)],
     {"shaquilleoneal": {"player_full_name": "Shaquille O'Neal"}}),
    ("the key is made from the name, not from the delivered lookup",
     [G("Bojan Bogdanović", player_lookup="bojanbogdanovi")],
     {"bojanbogdanovic": {"player_full_name": "Bojan Bogdanović"}}),
    ("accents folded: ć č ņ ģ ö İ",
     [G("Nikola Jokić"), G("Luka Dončić"), G("Kristaps Porziņģis"), G("Dennis Schröder"),
      G("Ersan İlyasova")],
     {"nikolajokic": {}, "lukadoncic": {}, "kristapsporzingis": {}, "dennisschroder": {},
      "ersanilyasova": {}}),
    ("apostrophes, hyphens, dots and suffixes dropped as characters",
     [G("D'Angelo Russell"), G("Karl-Anthony Towns"), G("P.J. Tucker"), G("Tim Hardaway Jr.")],
     {"dangelorussell": {}, "karlanthonytowns": {}, "pjtucker": {}, "timhardawayjr": {}}),
    ("the delivered lookup when the name gives nothing",
     [G("", player_lookup="1630552Jalen-Johnson"), G(None, player_lookup="Dončić")],
     {"jalenjohnson": {"player_full_name": ""}, "doncic": {"player_full_name": None}}),
    ("a name and lookup of nothing but digits: dropped", [G("1234", player_lookup="1234"), G("Kev Dur", **line(10))],
     {"kevdur": {"points": 10}}),
]  # fmt: skip


def game_of(index: int) -> str:
    return f"{DAY:%Y%m%d}_A{index:02d}_H{index:02d}"


def team_of(index: int, team: str) -> str:
    return {"A": f"A{index:02d}", "H": f"H{index:02d}"}.get(
        team, team.replace("{n}", f"{index:02d}")
    )


def lookup_of(name: str | None) -> str:
    return "".join(c for c in (name or "").lower() if "a" <= c <= "z")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    from nba_backfill.warehouse import duckdb_warehouse

    warehouse = duckdb_warehouse(tmp_path_factory.mktemp("pass1-boundaries") / "w.duckdb")
    warehouse.apply_schema()
    schedules, gamebook_rows, bdl_rows = [], [], []
    for index, (_, specs, _) in enumerate(CASES):
        game = game_of(index)
        schedules.append(schedule(game))
        for source, name, team, values in specs:
            values = {"minutes": "30:00", **values}
            lookup = values.pop("player_lookup", lookup_of(name))
            build, rows = (gamebook, gamebook_rows) if source == "gamebook" else (bdl, bdl_rows)
            rows.append(build(game, team_of(index, team), name, lookup, **values))
    insert(warehouse, "nbac_schedule", schedules)
    insert(warehouse, "nbac_gamebook_player_stats", gamebook_rows)
    insert(warehouse, "bdl_player_boxscores", bdl_rows)
    pass1.load_day(warehouse, DAY)
    return summary_rows(warehouse)


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=[c[0] for c in CASES])
def test_rule(loaded, index, case):
    _, _, expected = case
    game = game_of(index)
    assert {k[1] for k in loaded if k[0] == game} == set(expected)
    for lookup, columns in expected.items():
        row = loaded[(game, lookup)]
        want = {
            c: v.replace("{n}", f"{index:02d}") if isinstance(v, str) else v
            for c, v in columns.items()
        }
        assert {c: row[c] for c in want} == want, lookup
