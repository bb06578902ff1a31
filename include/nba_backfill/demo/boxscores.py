"""The box-score tables: nbac_gamebook_player_stats and bdl_player_boxscores.

Values come from the truth. Some rows come twice, preceded by an OLDER copy that carries
stale stats (the newest copy is the truth). Gamebook minutes are 'MM:SS' ('-' or NULL for
players who did not play, a few malformed); balldontlie minutes are whole minutes or
'M:SS', per game, and only active players have balldontlie rows.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from nba_backfill.demo.arrays import MAX_SECONDS, MMSS, _null_if, _take, _timestamps_array
from nba_backfill.demo.codes import ACTIVE, MALFORMED_MINUTES, REASONS, STATUSES
from nba_backfill.demo.frames import _context_columns
from nba_backfill.demo.league import TEAMS

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

# minutes strings: balldontlie's 'M:SS' and whole minutes; the gamebook's ('MM:SS', '-')
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
        "player_full_name": _take(uni["bdl_name"], pg.uref[rows]),
        "player_lookup": _take(uni["bdl_feed_lookup"], pg.uref[rows]),
        "minutes": _bdl_minutes(g, pg, rows)[0],
    }
    for column, key in BDL_COLUMNS:
        cols[column] = pa.array(box[key], pa.int64())
    cols["processed_at"] = _timestamps_array(g.ts[game, np.where(is_copy, 3, 2)])
    return pa.table(cols)
