-- Staleness that the output table shows by itself, over ALL of its history: the game
-- days whose rows Pass 2 has not processed since Pass 1 last wrote them (a row without
-- shot_zones_processed_at, or Pass 1 rows newer than the day's shot zones). Whatever
-- happened to the asset event of the Pass 1 run that wrote them (Airflow can drop one),
-- every Pass 2 run finds these days here and processes them.
-- It reads only game_date and the two processing timestamps of the output table (no raw
-- table, so no partition filter is needed: a few MB on BigQuery for ten seasons).
-- One row per date with rows; `pending` says whether Pass 2 owes it a run.
-- Parameters: @end_date (DATE, inclusive).
select
  game_date,
  countif(shot_zones_processed_at is null) > 0
    or max(pass1_processed_at) > min(shot_zones_processed_at) as pending
from {{ analytics }}.player_game_summary
where game_date <= @end_date and {{ own_rows() }}
group by game_date
order by game_date
