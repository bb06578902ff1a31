-- Raw: NBA.com gamebook, the PRIMARY stats source. One row per player on either roster,
-- including players who did not play (player_status dnp / inactive).
create table if not exists {{ raw }}.nbac_gamebook_player_stats (
  game_id string not null,
  game_date date not null,
  season_year int64,
  home_team_abbr string,
  away_team_abbr string,
  team_abbr string,
  player_name string,
  player_lookup string,
  player_status string,             -- active | dnp | inactive
  dnp_reason string,
  minutes string,                   -- "MM:SS"; NULL or "-" when not played
  points int64,
  field_goals_made int64,
  field_goals_attempted int64,
  three_pointers_made int64,
  three_pointers_attempted int64,
  free_throws_made int64,
  free_throws_attempted int64,
  offensive_rebounds int64,
  defensive_rebounds int64,
  total_rebounds int64,
  assists int64,
  steals int64,
  blocks int64,
  turnovers int64,
  personal_fouls int64,
  plus_minus int64,
  processed_at timestamp
)
partition by game_date
cluster by game_id, player_lookup
options (require_partition_filter = true)
