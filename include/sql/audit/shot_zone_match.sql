-- Audit: for active players of games with play-by-play whose box score Pass 1 loaded,
-- the shot zones must agree with the box score:
--   paint_attempts + mid_range_attempts + three_attempts_pbp = fg_attempts
--   three_attempts_pbp = three_pt_attempts
--   assisted_fg_makes + unassisted_fg_makes = fg_makes
-- Real feeds carry scorer corrections, so these are match rates (the threshold is
-- configuration). Returns the 10 games with the most mismatches, each row carrying the
-- range's totals; no rows = nothing to compare yet.
-- Parameters: @start_date, @end_date (DATE, inclusive).
with
checked as (
  select
    game_date,
    game_id,
    paint_attempts + mid_range_attempts + three_attempts_pbp = fg_attempts as zones_match,
    three_attempts_pbp = three_pt_attempts as threes_match,
    assisted_fg_makes + unassisted_fg_makes = fg_makes as makes_match
  from {{ analytics }}.player_game_summary
  where game_date between @start_date and @end_date
    and is_active
    and pbp_shot_events is not null
    and fg_attempts is not null
),

per_game as (
  select
    game_date,
    game_id,
    count(*) as players,
    countif(not zones_match) as zones_mismatches,
    countif(not threes_match) as threes_mismatches,
    countif(not makes_match) as makes_mismatches
  from checked
  group by game_date, game_id
)

select
  game_date,
  game_id,
  players,
  zones_mismatches,
  threes_mismatches,
  makes_mismatches,
  sum(players) over () as total_players,
  sum(zones_mismatches) over () as total_zones_mismatches,
  sum(threes_mismatches) over () as total_threes_mismatches,
  sum(makes_mismatches) over () as total_makes_mismatches,
  count(*) over () as total_games
from per_game
order by zones_mismatches + threes_mismatches + makes_mismatches desc, game_date, game_id
limit 10
