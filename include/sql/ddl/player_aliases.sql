-- Reference: player aliases, the user's own table (docs/data-contract.md, "Player aliases").
-- Both passes apply the rows in force (retired_at NULL) to the player keys they make, before
-- Pass 2 resolves play-by-play players to the roster: where `source` spells a player
-- `alias` (a name or a key; folded by the key rule), for `team_abbr` and seasons
-- `first_season` .. `last_season` when given, the key is `player_lookup`. Loaded with
-- `python -m nba_backfill.cli load DIR` (player_aliases.csv: the whole table; the loader
-- stamps updated_at and retires rows the file no longer has, so that staleness sees every
-- change). Small and read whole: neither partitioned nor clustered.
create table if not exists {{ reference }}.player_aliases (
  source string not null,           -- nbac_gamebook | bdl_boxscores | play_by_play | any
  alias string not null,            -- the name or key as that source spells it
  team_abbr string,                 -- only that team's rows (NULL: any team)
  first_season int64,               -- only from this season_year (NULL: from the first)
  last_season int64,                -- only up to this season_year (NULL: to the last)
  player_lookup string not null,    -- the key to use
  note string,                      -- why (free text)
  updated_at timestamp not null,    -- when the row got its content (set by cli load)
  retired_at timestamp              -- when it was taken out of force (NULL: in force)
)
