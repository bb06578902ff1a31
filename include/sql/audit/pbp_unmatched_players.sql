-- Audit: the play-by-play players Pass 2 credits to nobody, and how many shots that is.
--
-- The CTEs are those of include/sql/pass2/merge_shot_zones.sql, embedded as they are
-- (`ctes_of`): the same events, the same players, the same resolution to the roster; this
-- statement only counts what they leave unresolved. Final games of the range only.
-- Rows:
--   kind 'totals'  one row: shots (of games with a roster), unmatched_shots (of them,
--                  by players resolved to nobody), games_without_roster (Final games with
--                  play-by-play shots but not one gamebook or balldontlie row) and
--                  shots_without_roster (theirs)
--   kind 'player'  the 20 unresolved players with the most shots over the range: name and
--                  lookup as the feed has them, their key and team; games, shots, and
--                  the first and last of those games (game_id, game_date, last_date)
--   kind 'game'    the 20 games without a roster with the most shots
-- Parameters: @start_date, @end_date (DATE, inclusive).
{{ ctes_of('pass2/merge_shot_zones') }},

game_rosters as (
  select f.game_id, f.game_date, count(r.player_lookup) > 0 as has_roster
  from final_games as f
  left join roster as r on r.game_id = f.game_id
  group by f.game_id, f.game_date
),

players as (
  select p.*, g.game_date, g.has_roster
  from resolved as p
  join game_rosters as g on g.game_id = p.game_id
  where p.pbp_shot_events > 0
)

select
  'totals' as kind,
  cast(null as date) as game_date,
  cast(null as string) as game_id,
  cast(null as string) as player_name,
  cast(null as string) as player_lookup,
  cast(null as string) as player_key,
  cast(null as string) as team_abbr,
  cast(null as date) as last_date,
  cast(null as int64) as games,
  sum(if(has_roster, pbp_shot_events, 0)) as shots,
  sum(if(has_roster and player_lookup is null, pbp_shot_events, 0)) as unmatched_shots,
  count(distinct if(has_roster, null, game_id)) as games_without_roster,
  sum(if(has_roster, 0, pbp_shot_events)) as shots_without_roster
from players
union all
select * from (
  select
    'player', min(game_date), min(game_id), pbp_name, pbp_lookup, pbp_key, pbp_team,
    max(game_date), count(distinct game_id), sum(pbp_shot_events), null, null, null
  from players
  where has_roster and player_lookup is null
  group by pbp_name, pbp_lookup, pbp_key, pbp_team
  order by sum(pbp_shot_events) desc, min(game_date), pbp_key, pbp_name
  limit 20
)
union all
select * from (
  select
    'game', game_date, game_id, null, null, null, null, null, null, sum(pbp_shot_events),
    null, null, null
  from players
  where not has_roster
  group by game_date, game_id
  order by sum(pbp_shot_events) desc, game_date, game_id
  limit 20
)
