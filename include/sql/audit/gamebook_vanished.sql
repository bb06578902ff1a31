-- Audit: Final games of the range that Pass 1 loaded from the gamebook (the primary
-- source) while the gamebook has no row of them any more: a delivery lost them. Pass 1
-- never switches such a game to the balldontlie fallback quietly: it keeps the game's rows
-- as they are (include/sql/pass1/load_day.sql, held_games) and this fails the run, naming
-- the game, until its gamebook rows are loaded again (python -m nba_backfill.cli load), or
-- the fallback is accepted (python -m nba_backfill.cli accept-fallback --game-id ...).
-- One row per such game: its rows, and the balldontlie rows it has now; no rows = pass.
-- Parameters: @start_date, @end_date (DATE, inclusive).
with
final_games as (
  select distinct s.game_id, s.game_date
  from {{ schedule }} as s
  where s.game_date between @start_date and @end_date
    and lower(trim(s.game_status)) = 'final'
),

loaded as (
  select o.game_id, o.game_date, count(*) as gamebook_rows_loaded
  from {{ analytics }}.player_game_summary as o
  where o.game_date between @start_date and @end_date
    and o.primary_source_used = 'nbac_gamebook'
    and {{ own_rows('o') }}
  group by o.game_id, o.game_date
),

gamebook as (
  select distinct g.game_id, g.game_date
  from {{ raw }}.nbac_gamebook_player_stats as g
  where g.game_date between @start_date and @end_date
),

fallback as (
  select b.game_id, b.game_date, count(*) as bdl_rows
  from {{ raw }}.bdl_player_boxscores as b
  where b.game_date between @start_date and @end_date
  group by b.game_id, b.game_date
)

select l.game_date, l.game_id, l.gamebook_rows_loaded, coalesce(b.bdl_rows, 0) as bdl_rows
from loaded as l
join final_games as f on f.game_id = l.game_id and f.game_date = l.game_date
left join gamebook as g on g.game_id = l.game_id and g.game_date = l.game_date
left join fallback as b on b.game_id = l.game_id and b.game_date = l.game_date
where g.game_id is null
order by l.game_date, l.game_id
