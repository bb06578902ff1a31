-- Audit figure: the share of rows with NULL minutes_played (players who dressed but did
-- not play). Measured on gamebook rows only: the gamebook lists full rosters, while
-- balldontlie lists active players only, so its games would pull the share down.
-- The band it must fall in is configuration (NBA_NULL_MINUTES_MIN/MAX_SHARE).
-- Parameters: @start_date, @end_date (DATE, inclusive).
select
  count(*) as pass1_rows,
  countif(primary_source_used = 'nbac_gamebook') as gamebook_rows,
  countif(primary_source_used = 'bdl_boxscores') as bdl_rows,
  countif(primary_source_used = 'nbac_gamebook' and minutes_played is null) as null_minutes_rows,
  safe_divide(
    countif(primary_source_used = 'nbac_gamebook' and minutes_played is null),
    countif(primary_source_used = 'nbac_gamebook')
  ) as null_minutes_share,
  count(distinct game_id) as games,
  count(distinct game_date) as game_days
from {{ analytics }}.player_game_summary
where game_date between @start_date and @end_date
  and pass1_processed_at is not null
