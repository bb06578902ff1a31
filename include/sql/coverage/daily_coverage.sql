-- Backfill coverage page: one row per calendar day of a range that has a schedule row or
-- output rows, with what Pass 1 and Pass 2 have written for it and the day's audit
-- figures. ONE statement per page view; every read is partition-pruned on game_date
-- (the raw schedule requires it), so a multi-season view reads only the columns below.
-- Choices where the contract is silent:
-- - a Final game is "complete" when it has Pass 1 rows for both of its teams (the
--   audit/game_coverage rule), "partial" with rows for one team only, "missing" without;
-- - Pass 2 coverage counts Pass 1 rows that Pass 2 has processed
--   (shot_zones_processed_at set); games without play-by-play count as processed, since
--   Pass 2 writes NULL zones and a timestamp for them (games_with_pbp tells them apart);
-- - the NULL-minutes share is measured on gamebook rows, as audit/null_minutes_share;
-- - duplicate_keys counts surplus rows of a (game_id, player_lookup) key.
-- Parameters: @start_date, @end_date (DATE, inclusive).
with
schedule as (
  select
    game_id,
    any_value(game_date) as game_date,
    any_value(home_team_abbr) as home_team_abbr,
    any_value(away_team_abbr) as away_team_abbr,
    logical_or(lower(trim(game_status)) = 'final') as is_final
  from {{ schedule }}
  where game_date between @start_date and @end_date
  group by game_id
),

summary as (
  select
    game_date,
    game_id,
    player_lookup,
    team_abbr,
    primary_source_used,
    minutes_played,
    pbp_shot_events,
    pass1_processed_at,
    shot_zones_processed_at
  from {{ analytics }}.player_game_summary
  where game_date between @start_date and @end_date and {{ own_rows() }}
),

per_game as (
  select
    coalesce(s.game_date, g.game_date) as game_date,
    coalesce(s.game_id, g.game_id) as game_id,
    coalesce(logical_or(g.is_final), false) as is_final,
    logical_or(g.game_id is not null) as scheduled,
    countif(s.pass1_processed_at is not null) as pass1_rows,
    count(distinct case
      when s.pass1_processed_at is not null and s.team_abbr in (g.home_team_abbr, g.away_team_abbr)
      then s.team_abbr
    end) as teams,
    countif(s.pass1_processed_at is not null and s.primary_source_used = 'nbac_gamebook') as gamebook_rows,
    countif(s.pass1_processed_at is not null and s.primary_source_used = 'bdl_boxscores') as bdl_rows,
    countif(
      s.pass1_processed_at is not null
      and s.primary_source_used = 'nbac_gamebook'
      and s.minutes_played is null
    ) as null_minutes_rows,
    countif(s.pass1_processed_at is not null and s.shot_zones_processed_at is not null) as pass2_rows,
    countif(s.shot_zones_processed_at is not null) as shot_zone_rows,
    countif(s.pbp_shot_events is not null) > 0 as has_pbp,
    count(s.player_lookup) - count(distinct s.player_lookup) as duplicate_keys,
    max(s.pass1_processed_at) as pass1_processed_at,
    max(s.shot_zones_processed_at) as shot_zones_processed_at
  from schedule as g
  full outer join summary as s on s.game_id = g.game_id
  group by 1, 2
)

select
  game_date,
  countif(is_final) as final_games,
  countif(scheduled and not is_final) as other_games,
  countif(is_final and teams = 2) as games_complete,
  countif(is_final and pass1_rows > 0 and teams != 2) as games_one_team,
  countif(is_final and pass1_rows = 0) as games_missing,
  countif(not is_final and pass1_rows > 0) as games_not_final,
  countif(is_final and pass1_rows > 0 and pass2_rows = pass1_rows) as games_pass2,
  countif(is_final and has_pbp) as games_with_pbp,
  sum(pass1_rows) as pass1_rows,
  sum(gamebook_rows) as gamebook_rows,
  sum(bdl_rows) as bdl_rows,
  sum(null_minutes_rows) as null_minutes_rows,
  sum(pass2_rows) as pass2_rows,
  sum(shot_zone_rows) as shot_zone_rows,
  sum(duplicate_keys) as duplicate_keys,
  max(pass1_processed_at) as pass1_processed_at,
  max(shot_zones_processed_at) as shot_zones_processed_at
from per_game
group by game_date
order by game_date
