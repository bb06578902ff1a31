-- Pass 1 planning: the game days of a range, i.e. the dates with at least one `Final`
-- game. Days without one get no task and no query.
-- Parameters: @start_date, @end_date (DATE, inclusive).
select
  game_date,
  count(distinct game_id) as final_games
from {{ raw }}.nbac_schedule
where game_date between @start_date and @end_date
  and game_status = 'Final'
group by game_date
order by game_date
