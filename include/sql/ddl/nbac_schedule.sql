-- Raw: NBA.com schedule, one row per game. Read-only for this pipeline.
create table if not exists {{ raw }}.nbac_schedule (
  game_id string not null,          -- YYYYMMDD_AWAY_HOME
  game_date date not null,
  season_year int64 not null,       -- year the season starts (2021 for 2021-22)
  home_team_abbr string not null,
  away_team_abbr string not null,
  game_status string not null,      -- Final | Postponed | Scheduled
  is_playoffs bool
)
partition by game_date
cluster by game_id
options (require_partition_filter = true)
