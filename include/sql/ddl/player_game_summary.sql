-- Output: one row per (game_id, player_lookup), every player on either roster of every
-- Final game. Pass 1 owns the box-score columns, Pass 2 the shot-zone columns; neither
-- pass ever writes the other's columns.
create table if not exists {{ analytics }}.player_game_summary (
  -- keys and context (Pass 1; the keys are also written by Pass 2 when it runs first)
  game_id string not null,
  game_date date not null,
  season_year int64,
  player_lookup string not null,
  player_full_name string,
  team_abbr string,
  opponent_team_abbr string,
  home_game bool,
  -- availability (Pass 1)
  is_active bool,
  player_status string,
  -- box score (Pass 1)
  minutes_played float64,
  points int64,
  assists int64,
  offensive_rebounds int64,
  defensive_rebounds int64,
  total_rebounds int64,
  steals int64,
  blocks int64,
  turnovers int64,
  personal_fouls int64,
  fg_makes int64,
  fg_attempts int64,
  three_pt_makes int64,
  three_pt_attempts int64,
  ft_makes int64,
  ft_attempts int64,
  plus_minus int64,
  ts_pct float64,
  efg_pct float64,
  -- lineage (Pass 1)
  primary_source_used string,       -- nbac_gamebook | bdl_boxscores
  pass1_processed_at timestamp,
  -- shot zones (Pass 2): NULL until Pass 2 has run for a game with play-by-play
  paint_attempts int64,
  paint_makes int64,
  mid_range_attempts int64,
  mid_range_makes int64,
  three_attempts_pbp int64,
  three_makes_pbp int64,
  assisted_fg_makes int64,
  unassisted_fg_makes int64,
  and1_count int64,
  paint_blocks int64,
  mid_range_blocks int64,
  three_pt_blocks int64,
  pbp_shot_events int64,
  pbp_fallback_events int64,
  shot_zones_processed_at timestamp
)
partition by game_date
cluster by player_lookup, team_abbr
