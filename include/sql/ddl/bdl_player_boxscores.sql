-- Raw: balldontlie box scores, the FALLBACK stats source. Active players only.
create table if not exists {{ raw }}.bdl_player_boxscores (
  game_id string not null,
  game_date date not null,
  season_year int64,
  home_team_abbr string,
  away_team_abbr string,
  team_abbr string,
  player_full_name string,
  player_lookup string,
  minutes string,                   -- "34" or "34:12"
  points int64,
  assists int64,
  rebounds int64,
  offensive_rebounds int64,
  defensive_rebounds int64,
  steals int64,
  blocks int64,
  turnovers int64,
  personal_fouls int64,
  field_goals_made int64,
  field_goals_attempted int64,
  three_pointers_made int64,
  three_pointers_attempted int64,
  free_throws_made int64,
  free_throws_attempted int64,
  processed_at timestamp
)
partition by game_date
cluster by game_id, player_lookup
options (require_partition_filter = true)
