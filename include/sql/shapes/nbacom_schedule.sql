-- The schedule in NBA.com's shape (NBA_SCHEDULE_SHAPE=nbacom), seen in this package's.
--
-- Created by `cli apply-schema` when NBA_SCHEDULE_SHAPE=nbacom; every statement of both
-- passes, staleness, the audits and the loader's plan reads the schedule through it. The
-- raw table is NBA.com's (the production shape of najicham/nba-stats-scraper,
-- schemas/bigquery/raw/nbac_schedule_tables.sql): a 10-digit NBA.com game_id,
-- home_team_tricode / away_team_tricode, game_status INT64 (1 scheduled, 2 in progress,
-- 3 final) and its text in game_status_text.
-- * game_id: the other raw tables key a game YYYYMMDD_AWAY_HOME, and so does this view
--   (the expression of the production view v_game_id_mappings, over every season, the
--   teams trimmed and upper-cased); NBA.com's own id is kept as nba_game_id.
-- * game_status: code 3 is Final whatever the text says; without a code, a text starting
--   'Final' ('Final/OT') is Final; a text 'PPD' or 'Postponed' is Postponed; then code 2
--   In Progress, 1 Scheduled, anything else Unknown (not Final).
-- One row per raw row, nothing filtered: the statements read it exactly as they read the
-- native table (a game with a Final row among duplicates is Final; each row's own date
-- makes its id, so an NBA.com id reused on another date is another game). A query of the
-- view filters game_date, which BigQuery applies to the raw table's partitions.
create or replace view {{ reference }}.nbac_schedule_games as
select
  concat(
    format_date('%Y%m%d', s.game_date), '_', upper(trim(s.away_team_tricode)), '_',
    upper(trim(s.home_team_tricode))
  ) as game_id,
  s.game_date,
  s.season_year,
  upper(trim(s.home_team_tricode)) as home_team_abbr,
  upper(trim(s.away_team_tricode)) as away_team_abbr,
  case
    when s.game_status = 3 then 'Final'
    -- no code: the text decides ('Final', 'Final/OT', 'Final/2OT')
    when s.game_status is null and regexp_contains(lower(trim(s.game_status_text)), r'^final') then 'Final'
    when regexp_contains(lower(trim(s.game_status_text)), r'^(ppd|postponed)') then 'Postponed'
    when s.game_status = 2 then 'In Progress'
    when s.game_status = 1 then 'Scheduled'
    else 'Unknown'
  end as game_status,
  s.is_playoffs,
  s.game_id as nba_game_id
from {{ raw }}.nbac_schedule as s
