-- Export for ML training (dags/example_training_export.py): ONE season's rows of
-- player_game_summary as the table has them (box scores and shot zones), without the
-- passes' bookkeeping timestamps; written by the warehouse itself into the season's
-- Parquet partition (Warehouse.export_parquet), never through a worker.
-- Parameters: @season (INT64), @first_date, @last_date (DATE: partitions that can hold the
-- season, so that only they are read).
select o.* except (pass1_processed_at, shot_zones_processed_at)
from {{ analytics }}.player_game_summary as o
where o.game_date between @first_date and @last_date and o.season_year = @season
  and {{ own_rows('o') }}
order by o.game_date, o.game_id, o.player_lookup
