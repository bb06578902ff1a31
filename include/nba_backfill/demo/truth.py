"""The truth: box score and shot zones counted from the intended events, and the
expected player_game_summary rows a correct pipeline must produce.

Its key is the contract's: the box-score name, accents folded. Games missing from the
gamebook take their rows from balldontlie (active players only, no plus_minus); games
without play-by-play have NULL shot-zone columns; malformed gamebook minutes give NULL
minutes_played.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from nba_backfill.demo.arrays import _dates_array, _null_if, _take
from nba_backfill.demo.boxscores import _bdl_minutes
from nba_backfill.demo.codes import (
    ACTIVE,
    FLAG_AND1_FT,
    MID,
    PAINT,
    R_ASSIST,
    R_BLOCK,
    R_STEAL,
    STATUSES,
    THREE,
    E,
    S,
)
from nba_backfill.demo.frames import _Frame
from nba_backfill.demo.league import TEAMS

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
        # as the source Pass 1 took the game from spells it
        "player_full_name": pa.array(
            np.where(
                from_gamebook,
                _take(uni["name"], pg.uref[rows]).to_numpy(zero_copy_only=False),
                _take(uni["bdl_name"], pg.uref[rows]).to_numpy(zero_copy_only=False),
            ),
            pa.string(),
        ),
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
