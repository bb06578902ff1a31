-- Pass 2 split by season (a window too big for the warehouse as one statement): the
-- seasons the window's schedule holds, each with its first and last game date. The
-- caller cuts the window between one season's last date and the next one's first.
-- Parameters: @start_date, @end_date (DATE, inclusive).
select
  s.season_year,
  min(s.game_date) as first_date,
  max(s.game_date) as last_date
from {{ schedule }} as s
where s.game_date between @start_date and @end_date and s.season_year is not null
group by s.season_year
order by first_date
