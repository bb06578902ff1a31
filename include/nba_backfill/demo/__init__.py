"""Deterministic, seeded demo data: the four raw NBA tables and the truth they encode.

``generate(start, end, seed)`` returns realistic raw rows for every game dated in
``[start, end]`` plus ``expected``: the ``player_game_summary`` rows a correct pipeline
must produce from them (Pass 1 and Pass 2 columns, without timestamps and the derived
ts_pct / efg_pct). The same seed and range always give the same rows.

Modules, in the order they import each other (each one imports only modules above it):
  sampling    seeded random generators and weighted draws
  codes       integer codes of the simulation (event types, subtypes, statuses, ...)
              and the strings they stand for
  names       player names, how each source spells them, player_lookup keys
  league      the 30 teams and each season's players with their profiles
  arrays      helpers that turn numpy arrays into arrow columns
  schedule    regular season, postponed games, playoffs; the nbac_schedule table
  sides       one team in one game: who plays, minutes, every shot and free throw
  events      the play-by-play events of one game, integer-coded
  game        one whole game with its own RNG: flags, both sides, events, messes
  frames      all simulated games as numpy columns (games, player-games, events)
  boxscores   the nbac_gamebook_player_stats and bdl_player_boxscores tables
  playbyplay  the bigdataball_play_by_play table
  truth       the box score counted from the events, and the expected table
  build       generate(), generate_schedule() and DemoData

Imports numpy and pyarrow at module level: import this package inside task callables,
not at DAG parse time.
"""

from nba_backfill.demo.build import (
    ALIAS_COLUMNS,
    DEFAULT_SEED,
    TABLE_NAMES,
    DemoData,
    generate,
    generate_schedule,
)
from nba_backfill.demo.codes import ETYPES, MALFORMED_MINUTES
from nba_backfill.demo.names import feed_lookup_of, lookup_of
from nba_backfill.demo.schedule import LAST_PLAYED_DATE
from nba_backfill.demo.truth import EXPECTED_COLUMNS, SHOT_ZONE_COLUMNS

__all__ = [
    "ALIAS_COLUMNS",
    "DEFAULT_SEED",
    "ETYPES",
    "EXPECTED_COLUMNS",
    "LAST_PLAYED_DATE",
    "MALFORMED_MINUTES",
    "SHOT_ZONE_COLUMNS",
    "TABLE_NAMES",
    "DemoData",
    "feed_lookup_of",
    "generate",
    "generate_schedule",
    "lookup_of",
]
