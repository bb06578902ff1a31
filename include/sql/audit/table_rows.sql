-- Every column of the range's rows except the processing timestamps, in key order.
-- Used to compare two builds of the table (checksums in tests and in `make demo`);
-- it reads the output table only, never a raw table.
-- Parameters: @start_date, @end_date (DATE, inclusive).
select * except (pass1_processed_at, shot_zones_processed_at)
from {{ analytics }}.player_game_summary
where game_date between @start_date and @end_date and {{ own_rows() }}
order by game_date, game_id, player_lookup
