-- Export for ML training (dags/example_training_export.py): the seasons a range of game
-- days touches, from the output table (each is exported whole).
-- Parameters: @start_date, @end_date (DATE, inclusive).
select distinct o.season_year
from {{ analytics }}.player_game_summary as o
where o.game_date between @start_date and @end_date and o.season_year is not null
  and {{ own_rows('o') }}
order by o.season_year
