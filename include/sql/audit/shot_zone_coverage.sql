-- Audit figures for Pass 2: how much of the range carries shot zones.
-- Parameters: @start_date, @end_date (DATE, inclusive).
select
  count(*) as rows_in_range,
  count(distinct game_id) as games,
  countif(shot_zones_processed_at is not null) as pass2_rows,
  countif(pbp_shot_events is not null) as rows_with_shot_zones,
  count(distinct if(pbp_shot_events is not null, game_id, null)) as games_with_pbp,
  count(distinct if(shot_zones_processed_at is not null and pbp_shot_events is null, game_id, null)) as games_without_pbp,
  countif(pass1_processed_at is null) as rows_waiting_for_pass1,
  sum(pbp_shot_events) as shot_events,
  sum(pbp_fallback_events) as fallback_events
from {{ analytics }}.player_game_summary
where game_date between @start_date and @end_date and {{ own_rows() }}
