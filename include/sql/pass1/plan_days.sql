-- Pass 1 planning: the game days of a range, i.e. the dates with at least one `Final`
-- game, and the dates whose output rows no Final game produces any more (a game no longer
-- Final, a rescheduled game): their load_day deletes those rows. Days with neither get no
-- task and no query.
-- Parameters: @start_date, @end_date (DATE, inclusive).
select
  game_date,
  sum(final_games) as final_games
from (
  select s.game_date, count(distinct s.game_id) as final_games
  from {{ schedule }} as s
  where s.game_date between @start_date and @end_date
    and lower(trim(s.game_status)) = 'final'
  group by s.game_date
  union all
  select o.game_date, 0 as final_games
  from {{ analytics }}.player_game_summary as o
  where o.game_date between @start_date and @end_date and {{ own_rows('o') }}
  group by o.game_date
)
group by game_date
order by game_date
