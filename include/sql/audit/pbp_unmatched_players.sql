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
--                  the first and last of those games (game_id, game_date, last_date), the
--                  seasons of those games (first_season, last_season); aliased_to: the key
--                  an alias gave him (not on his game's roster); and the alias that would
--                  resolve him: `candidates` is how many players of his team (of his game,
--                  when the feed names no team) took a shot or blocked one by the box score
--                  (Pass 1's fg_attempts, blocks) yet were credited nothing by the
--                  play-by-play (Pass 2's columns, as the MERGE of these CTEs wrote them), in
--                  EVERY one of his games; `suggested_key` is that player's key when there is
--                  exactly one (a suggestion, never applied on its own)
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
),

-- the unresolved players, one row per player (as the feed names him: `who`) and game
unresolved as (
  select distinct
    concat(coalesce(pbp_name, '-'), '|', coalesce(pbp_lookup, '-'), '|', coalesce(pbp_team, '-')) as who,
    pbp_team,
    game_id
  from players
  where has_roster and player_lookup is null
),

-- roster players who took a shot or blocked one by the box score (Pass 1's columns), yet
-- were credited nothing by the play-by-play (Pass 2's, just merged from these CTEs): where
-- an unresolved player may belong
left_unmatched as (
  select o.game_id, o.player_lookup, o.team_abbr
  from {{ analytics }}.player_game_summary as o
  where o.game_date between @start_date and @end_date
    and (o.fg_attempts > 0 or o.blocks > 0)
    and o.pbp_shot_events = 0
    and o.paint_blocks + o.mid_range_blocks + o.three_pt_blocks = 0
),

-- per unresolved player, the roster players of his team left unmatched in every one of
-- his games: exactly one is the suggestion
candidates as (
  select u.who, c.player_lookup, count(distinct u.game_id) as games
  from unresolved as u
  join left_unmatched as c
    on c.game_id = u.game_id and (u.pbp_team is null or c.team_abbr = u.pbp_team)
  group by u.who, c.player_lookup
),

suggestions as (
  select
    c.who,
    count(*) as candidates,
    if(count(*) = 1, min(c.player_lookup), null) as suggested_key
  from candidates as c
  join (select who, count(distinct game_id) as games from unresolved group by who) as g
    on g.who = c.who and g.games = c.games
  group by c.who
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
  sum(if(has_roster, 0, pbp_shot_events)) as shots_without_roster,
  cast(null as int64) as first_season,
  cast(null as int64) as last_season,
  cast(null as string) as aliased_to,
  cast(null as int64) as candidates,
  cast(null as string) as suggested_key
from players
union all
select * from (
  select
    'player', p.game_date, p.game_id, p.pbp_name, p.pbp_lookup, p.pbp_key, p.pbp_team,
    p.last_date, p.games, p.shots, null, null, null, p.first_season, p.last_season,
    p.aliased_to, coalesce(s.candidates, 0), s.suggested_key
  from (
    select
      min(game_date) as game_date, min(game_id) as game_id, pbp_name, pbp_lookup, pbp_key,
      pbp_team, max(game_date) as last_date, count(distinct game_id) as games,
      sum(pbp_shot_events) as shots, min(season_year) as first_season,
      max(season_year) as last_season, max(aliased_to) as aliased_to
    from players
    where has_roster and player_lookup is null
    group by pbp_name, pbp_lookup, pbp_key, pbp_team
  ) as p
  left join suggestions as s
    on s.who = concat(coalesce(p.pbp_name, '-'), '|', coalesce(p.pbp_lookup, '-'), '|', coalesce(p.pbp_team, '-'))
  order by p.shots desc, p.game_date, p.pbp_key, p.pbp_name
  limit 20
)
union all
select * from (
  select
    'game', game_date, game_id, null, null, null, null, null, null, sum(pbp_shot_events),
    null, null, null, null, null, null, null, null
  from players
  where not has_roster
  group by game_date, game_id
  order by sum(pbp_shot_events) desc, game_date, game_id
  limit 20
)
