-- Accepting the balldontlie fallback for games whose gamebook rows are gone
-- (python -m nba_backfill.cli accept-fallback, after audit/gamebook_vanished.sql named
-- them): their rows are deleted, so that the next Pass 1 run finds the Final games without
-- rows (stale) and loads them from the source there is; Pass 2 follows.
-- Parameters: @dates (ARRAY<DATE>) and @game_ids (ARRAY<STRING>).
delete from {{ analytics }}.player_game_summary as t
where t.game_date in unnest(@dates) and t.game_id in unnest(@game_ids)
  and {{ own_rows('t') }}
