-- Audit: every `Final` game of the range has Pass 1 rows for both of its 2 teams.
-- Returns one row per game that fails (no rows, or rows for one team only); no rows =
-- pass. Rows with a team that is not one of the game's two are kept by Pass 1 and counted
-- by audit/raw_stats_quality (unknown_team_rows), not failed here.
-- Parameters: @start_date, @end_date (DATE, inclusive).
with
final_games as (
  select distinct game_id, game_date, home_team_abbr, away_team_abbr
  from {{ schedule }}
  where game_date between @start_date and @end_date
    and lower(trim(game_status)) = 'final'
),

loaded as (
  select game_id, team_abbr
  from {{ analytics }}.player_game_summary
  where game_date between @start_date and @end_date
    and pass1_processed_at is not null
),

per_game as (
  select
    f.game_date,
    f.game_id,
    count(l.game_id) as player_rows,
    count(distinct case when l.team_abbr in (f.home_team_abbr, f.away_team_abbr) then l.team_abbr end) as teams
  from final_games as f
  left join loaded as l on l.game_id = f.game_id
  group by f.game_date, f.game_id
)

select
  game_date,
  game_id,
  player_rows,
  teams,
  case when player_rows = 0 then 'no rows' else 'rows for only one of its teams' end as problem
from per_game
where player_rows = 0 or teams != 2
order by game_date, game_id
