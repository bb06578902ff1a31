-- Audit: every `Final` game of the range has Pass 1 rows for exactly its 2 teams.
-- Returns one row per game that fails (no rows, one team only, or a team that is not one
-- of the game's two teams); no rows = pass.
-- Parameters: @start_date, @end_date (DATE, inclusive).
with
final_games as (
  select distinct game_id, game_date, home_team_abbr, away_team_abbr
  from {{ raw }}.nbac_schedule
  where game_date between @start_date and @end_date
    and game_status = 'Final'
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
    count(distinct case when l.team_abbr in (f.home_team_abbr, f.away_team_abbr) then l.team_abbr end) as teams,
    count(distinct case when l.team_abbr not in (f.home_team_abbr, f.away_team_abbr) then l.team_abbr end) as unknown_teams
  from final_games as f
  left join loaded as l on l.game_id = f.game_id
  group by f.game_date, f.game_id
)

select
  game_date,
  game_id,
  player_rows,
  teams,
  unknown_teams,
  case
    when player_rows = 0 then 'no rows'
    when unknown_teams > 0 then 'rows for a team that is not in the game'
    else 'rows for only one team'
  end as problem
from per_game
where player_rows = 0 or teams != 2 or unknown_teams > 0
order by game_date, game_id
