-- Raw: BigDataBall play-by-play, one row per event; the shot-zone source of Pass 2.
-- Feeds re-deliver rows: the same event_id can appear more than once.
create table if not exists {{ raw }}.bigdataball_play_by_play (
  game_id string not null,
  game_date date not null,
  season_year int64,
  home_team_abbr string,
  away_team_abbr string,
  event_id string,                  -- {game_id}_{event_sequence}
  event_sequence int64,
  period int64,
  game_clock string,                -- "MM:SS" remaining in the period
  game_clock_seconds int64,
  event_type string,                -- shot | free throw | rebound | foul | ...
  event_subtype string,             -- "3pt jump shot", "free throw 1/1", ...
  event_description string,
  score_home int64,
  score_away int64,
  player_1_name string,
  player_1_lookup string,
  player_1_team_abbr string,
  player_2_name string,
  player_2_lookup string,
  player_2_team_abbr string,
  player_2_role string,             -- assist | block | ...
  shot_made bool,
  shot_type string,                 -- 2PT | 3PT | FT
  shot_distance float64,            -- feet
  points_scored int64,
  original_x float64,
  original_y float64,
  data_source string,               -- bigdataball | nbacom_fallback
  processed_at timestamp
)
partition by game_date
cluster by game_id
options (require_partition_filter = true)
