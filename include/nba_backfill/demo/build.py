"""The entry points: ``generate``, ``generate_schedule`` and the ``DemoData`` they return.

``generate`` builds the schedule, each season's league and every Final game, then turns
the coded events and player-games of all games into arrow tables in a few vectorised
steps, and counts the messes real feeds have in ``DemoData.stats``:
  - play-by-play events re-delivered; gamebook and balldontlie rows with an older,
    stale copy;
  - numeric player-id prefixes on play-by-play lookups from the 2024-25 season on;
  - players spelled differently by the sources (accents, letters NFKD keeps, suffixes;
    and a few per season beyond that, with the aliases that resolve them: player_aliases);
  - malformed gamebook minutes strings;
  - games missing from the gamebook or balldontlie, games without play-by-play;
  - feed variations: ``nbacom_fallback`` play-by-play, shot_type left NULL, long twos
    typed ``2PT`` beyond 23.75 ft, corner threes at 22 ft, paint shots at exactly 8.0 ft.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pyarrow as pa

from nba_backfill.demo.boxscores import _bdl_table, _gamebook_table
from nba_backfill.demo.codes import (
    ACTIVE,
    FLAG_AND1_FT,
    FLAG_HEAVE,
    FLAG_LONG_TWO,
    FLAG_PAINT_AT_8,
    FLAG_TECH_FT,
    E,
)
from nba_backfill.demo.frames import _event_frame, _game_frame, _player_game_frame, _universe
from nba_backfill.demo.game import _SimGame, _simulate_game
from nba_backfill.demo.league import _league
from nba_backfill.demo.playbyplay import _pbp_table
from nba_backfill.demo.schedule import _Game, _games_in_range, _schedule_table
from nba_backfill.demo.truth import _expected_table, _truth

DEFAULT_SEED = 20211019
# the raw tables (DemoData.tables also has the reference table player_aliases)
TABLE_NAMES = (
    "nbac_schedule",
    "nbac_gamebook_player_stats",
    "bdl_player_boxscores",
    "bigdataball_play_by_play",
)


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
        "player_aliases": _aliases_table(leagues),
    }
    expected = _expected_table(g, pg, truth, uni, game_ids)
    stats = _stats(games, sims, g, pg, ev, tables, expected, pbp_copies, pbp_prefixed)
    active = pg.status == ACTIVE
    stats["player_games_accented"] = int((active & uni["accented"][pg.uref]).sum())
    stats["player_games_suffix_apart"] = int((active & uni["suffix_apart"][pg.uref]).sum())
    stats["player_games_transliterated"] = int((active & uni["transliterated"][pg.uref]).sum())
    stats["player_games_aliased"] = int((active & uni["aliased"][pg.uref]).sum())
    stats["aliases"] = tables["player_aliases"].num_rows
    return DemoData(tables=tables, expected=expected, stats=stats)


ALIAS_COLUMNS = (
    ("source", pa.string()), ("alias", pa.string()), ("team_abbr", pa.string()),
    ("first_season", pa.int64()), ("last_season", pa.int64()), ("player_lookup", pa.string()),
    ("note", pa.string()), ("updated_at", pa.timestamp("us", tz="UTC")),
    ("retired_at", pa.timestamp("us", tz="UTC")),
)  # fmt: skip


def _aliases_table(leagues) -> pa.Table:
    """nba_reference.player_aliases rows that resolve the players spelled apart beyond
    accents and suffixes (names.SPELLED_APART): the demo's own aliases, each limited to its
    player's team and season, loaded the September before the season."""
    rows = [
        {**alias, "updated_at": dt.datetime(season, 9, 1, tzinfo=dt.UTC), "retired_at": None}
        for season in sorted(leagues)
        for alias in leagues[season].aliases
    ]
    return pa.table(
        {name: pa.array([r[name] for r in rows], type_) for name, type_ in ALIAS_COLUMNS}
    )


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
