-- Audit figures: the messes in the range's play-by-play, counted. Each
-- one gets the contract's behaviour in Pass 2 (include/sql/pass2/merge_shot_zones.sql);
-- none fails the run.
--   duplicate_events   re-delivered rows of an event_id (counted once by Pass 2)
--   prefixed_lookups   rows whose player lookups carry a numeric id prefix (stripped)
--   fallback_events    rows from nbacom_fallback (counted in pbp_fallback_events)
--   shots_without_shooter rows typed shot without player_1 (no shot, no block credited)
--   undated_events     rows without processed_at (never picked over a dated delivery)
-- Parameters: @start_date, @end_date (DATE, inclusive).
with
pbp as (
  select
    p.game_id,
    p.event_id,
    lower(trim(p.event_type)) as event_type,
    lower(trim(p.data_source)) as data_source,
    p.processed_at,
    p.player_1_name,
    p.player_1_lookup,
    p.player_2_lookup
  from {{ raw }}.bigdataball_play_by_play as p
  where p.game_date between @start_date and @end_date
)

select
  count(*) as pbp_rows,
  count(distinct pbp.game_id) as games_with_pbp_rows,
  count(*) - count(distinct pbp.event_id) as duplicate_events,
  countif(regexp_contains(pbp.player_1_lookup, r'^[0-9]') or regexp_contains(pbp.player_2_lookup, r'^[0-9]')) as prefixed_lookups,
  countif(pbp.data_source = 'nbacom_fallback') as fallback_events,
  countif(pbp.event_type = 'shot' and not regexp_contains(coalesce(pbp.player_1_name, pbp.player_1_lookup, ''), r'\pL')) as shots_without_shooter,
  countif(pbp.processed_at is null) as undated_events
from pbp
