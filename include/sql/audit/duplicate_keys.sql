-- Audit: exactly one row per (game_id, player_lookup) in the range.
-- Returns the offending keys (at most 50), worst first; no rows = pass.
-- Parameters: @start_date, @end_date (DATE, inclusive).
select
  game_date,
  game_id,
  player_lookup,
  count(*) as copies
from {{ analytics }}.player_game_summary
where game_date between @start_date and @end_date
group by game_date, game_id, player_lookup
having count(*) > 1
order by copies desc, game_date, game_id, player_lookup
limit 50
