-- Pass 2: the 14 shot-zone columns of player_game_summary for a range of game days.
--
-- Parameters: @start_date, @end_date (DATE, inclusive). ONE statement: the range's
-- play-by-play partitions are read once for the events (every CTE from `events` down is
-- used exactly once, so BigQuery, which does not materialise CTEs, scans them once too),
-- plus one narrow read of their game ids (`pbp_games`); aggregated per player-game inside
-- the warehouse and written with one MERGE that names only Pass 2 columns. And-ones come
-- from a per-clock aggregate, not a self-join.
--
-- Rules (docs/data-contract.md, "Pass 2 columns"), and the choices made where it is silent:
-- * Every raw string is compared after the same normalisation: lower(trim()) for
--   event_type, event_subtype, player_2_role and data_source, upper(trim()) for shot_type.
-- * Re-delivered events (the same event_id more than once) count once, as their LATEST
--   delivery (processed_at) says, whatever that delivery now is: a shot re-delivered as a
--   violation is no longer a shot, a 'free throw 1/1' re-delivered as '1/2' no longer an
--   and-one candidate. So every event of the range is de-duplicated before anything is
--   filtered. Ties on processed_at are broken by the row's content, so the pick is stable;
--   a row without processed_at loses to any dated one (DESC puts NULLs last on both
--   engines); a row without event_id is identified by game_id and event_sequence.
-- * A game "has play-by-play" when the feed has any row for it: every roster player then
--   gets integers (0 where nothing happened). A game without any row keeps NULLs.
-- * Players are identified as in Pass 1: the contract's key made from the name (accents
--   folded, lower case, a-z only, so 1630552jalenjohnson -> jalenjohnson; see
--   include/sql/macros/player_lookup.sql.j2), then the user's player aliases
--   ({{ reference }}.player_aliases; include/sql/macros/player_aliases.sql.j2): the
--   roster's keys through the box-score sources' aliases exactly as Pass 1 applies them,
--   a play-by-play player's through the 'play_by_play' and 'any' aliases of his team and
--   the game's season. Each play-by-play player (name, lookup,
--   team) is resolved to the game's roster: the same key, else the one roster player of
--   the same team (of the game, when the event names no team) whose key is the same once
--   a trailing generational suffix (jr, sr, ii, iii, iv, v) is set aside on both sides
--   ('jimmybutleriii' -> 'jimmybutler'). Two roster players equal without their suffixes
--   are never merged: neither is matched that way. The row keeps the roster's key; a
--   player resolved to nobody is credited to nobody (audit/pbp_unmatched_players.sql
--   names them, and the run fails above NBA_PASS2_MAX_UNMATCHED_SHARE).
-- * A shot: event_type 'shot' with shot_made, shot_distance and a shooter (player_1: a
--   name or lookup with a letter in it). An event without a shooter is no shot at all: it
--   credits no block either.
-- * Zone: a three by its type first (shot_type '3PT', or '3pt' in event_subtype); the
--   distance (>= 23.75 ft) makes a three only when shot_type is NULL; otherwise paint
--   (<= 8.0 ft) or mid_range. So a '2PT' at 24 ft is mid_range, an untyped shot at
--   23.75 ft and a '3pt' subtype at 22 ft are threes.
-- * assisted_fg_makes: made shots with player_2_role 'assist'; unassisted_fg_makes: made
--   shots whose role is NULL or neither 'assist' nor 'block'. A made shot with role
--   'block' (a feed error) is neither.
-- * and1_count: the shooter's 'free throw 1/1' events at the same game, period and
--   game_clock as a made shot of his (a lone 1/1, e.g. a technical, is not an and-one).
--   Both events need a period and a game_clock: without them nothing ties the two.
-- * Blocks go to player_2 of a shot whose role is 'block', by the zone of that shot, also
--   for blockers who took no shot; as the contract says, whether the shot was made or not.
-- * pbp_shot_events: the shooter's shots; pbp_fallback_events: those from
--   data_source 'nbacom_fallback'.
-- * Rows: every player on the roster of every Final game of the range, the roster being
--   Pass 1's (gamebook if the game has any gamebook row, else balldontlie; same lookup
--   normalisation). Play-by-play players resolved to nobody are not written.
-- * Where Pass 1 has not written a row yet, the MERGE inserts one with the keys and the
--   shot zones; Pass 1 completes it later. Rows of the range that no roster produces any
--   more: a Pass-2-only row is deleted; a row Pass 1 wrote (Pass 1 removes it on its next
--   run) gets NULL zones and is stamped, so that no row of the range is left unprocessed.
merge {{ analytics }}.player_game_summary as t
using (
  with
  -- Final games whose game_id is well formed (YYYYMMDD_AWAY_HOME of its date and teams);
  -- Pass 1 rejects a day with a malformed one, so Pass 2 leaves such a game alone too
  final_games as (
    select game_id, game_date, season_year
    from (
      select
        s.game_id,
        s.game_date,
        s.season_year,
        upper(trim(s.home_team_abbr)) as home_team_abbr,
        upper(trim(s.away_team_abbr)) as away_team_abbr
      from {{ schedule }} as s
      where s.game_date between @start_date and @end_date and lower(trim(s.game_status)) = 'final'
    )
    where game_id = concat(format_date('%Y%m%d', game_date), '_', away_team_abbr, '_', home_team_abbr)
      and away_team_abbr != home_team_abbr
    qualify row_number() over (partition by game_id order by game_date, season_year) = 1
  ),

  {{ player_aliases_ctes(reference) }},

  -- the roster, exactly as Pass 1 builds it: gamebook players, or balldontlie's for games
  -- without any gamebook row
  roster_sources as (
    select
      g.game_id,
      g.game_date,
      {{ player_lookup('g.player_name', 'g.player_lookup') }} as player_lookup,
      upper(trim(g.team_abbr)) as team_abbr,
      true as from_gamebook
    from {{ raw }}.nbac_gamebook_player_stats as g
    where g.game_date between @start_date and @end_date
    union all
    select
      b.game_id,
      b.game_date,
      {{ player_lookup('b.player_full_name', 'b.player_lookup') }} as player_lookup,
      upper(trim(b.team_abbr)) as team_abbr,
      false as from_gamebook
    from {{ raw }}.bdl_player_boxscores as b
    where b.game_date between @start_date and @end_date
  ),

  roster as (
    select
      f.game_id,
      f.game_date,
      coalesce(a.player_lookup, r.player_lookup) as player_lookup,
      any_value(r.team_abbr) as team_abbr
    from (
      select
        *,
        logical_or(from_gamebook) over (partition by game_id, game_date) as game_in_gamebook
      from roster_sources
    ) as r
    join final_games as f on f.game_id = r.game_id and f.game_date = r.game_date
    {{ alias_join('a', 'r.player_lookup', "if(r.from_gamebook, 'nbac_gamebook', 'bdl_boxscores')", 'r.team_abbr', 'f.season_year') }}
    where r.player_lookup != '' and r.from_gamebook = r.game_in_gamebook
    group by f.game_id, f.game_date, coalesce(a.player_lookup, r.player_lookup)
  ),

  -- the roster's keys with a trailing generational suffix set aside, and whether that
  -- suffix-free key names one player of the team (of the game) only
  roster_bases as (
    select
      game_id,
      player_lookup,
      team_abbr,
      base,
      count(*) over (partition by game_id, team_abbr, base) = 1 as one_in_team,
      count(*) over (partition by game_id, base) = 1 as one_in_game
    from (
      select *, regexp_replace(player_lookup, r'(jr|sr|iii|ii|iv|v)$', '') as base
      from roster
    )
    where base != ''
  ),

  -- ONE pass over the range's play-by-play: every event's latest delivery, then only
  -- shots and free throws (`classified` says which of them count)
  events as (
    select *
    from (
      select
        p.game_id,
        lower(trim(p.event_type)) as event_type,
        lower(trim(p.event_subtype)) as event_subtype,
        p.period,
        p.game_clock,
        p.player_1_name,
        p.player_1_lookup,
        p.player_1_team_abbr,
        p.player_2_name,
        p.player_2_lookup,
        p.player_2_team_abbr,
        lower(trim(p.player_2_role)) as player_2_role,
        p.shot_made,
        upper(trim(p.shot_type)) as shot_type,
        p.shot_distance,
        lower(trim(p.data_source)) as data_source
      from {{ raw }}.bigdataball_play_by_play as p
      where p.game_date between @start_date and @end_date
      -- (a row without event_id and event_sequence cannot be matched to a re-delivery:
      -- it counts as it is)
      qualify coalesce(p.event_id, cast(p.event_sequence as string)) is null or row_number() over (
        partition by p.game_id, coalesce(p.event_id, cast(p.event_sequence as string))
        order by
          p.processed_at desc, p.event_type, p.event_subtype, p.shot_made,
          p.shot_distance, p.shot_type, p.player_1_lookup, p.player_2_lookup, p.player_2_role,
          p.period, p.game_clock, p.data_source
      ) = 1
    )
    where event_type in ('shot', 'free throw')
  ),

  -- the games the feed has any row for (a second, narrow read: game ids only)
  pbp_games as (
    select distinct p.game_id
    from {{ raw }}.bigdataball_play_by_play as p
    where p.game_date between @start_date and @end_date
  ),

  classified as (
    select
      game_id,
      period,
      game_clock,
      player_1_name,
      player_1_lookup,
      player_1_team_abbr,
      player_2_name,
      player_2_lookup,
      player_2_team_abbr,
      player_2_role,
      shot_made,
      data_source,
      event_type = 'shot' and shot_made is not null and shot_distance is not null
        and regexp_contains(coalesce(player_1_name, player_1_lookup, ''), r'\pL') as is_shot,
      event_type = 'free throw' and event_subtype = 'free throw 1/1' as is_ft_1of1,
      case
        when shot_type = '3PT' or event_subtype like '%3pt%' then 'three'
        when shot_type is null and shot_distance >= 23.75 then 'three'
        when shot_distance <= 8.0 then 'paint'
        else 'mid_range'
      end as zone
    from events
  ),

  -- each shot credits its shooter and, when blocked, its blocker; a 1/1 free throw its
  -- shooter. A credit names the play-by-play player as the feed does (name, lookup, team).
  credits as (
    select *
    from (
      select
        e.*,
        credit,
        case
          when credit = 'shooter' then e.player_1_name
          when e.is_shot and e.player_2_role = 'block' then e.player_2_name
        end as pbp_name,
        case
          when credit = 'shooter' then e.player_1_lookup
          when e.is_shot and e.player_2_role = 'block' then e.player_2_lookup
        end as pbp_lookup,
        case
          when credit = 'shooter' then e.player_1_team_abbr
          when e.is_shot and e.player_2_role = 'block' then e.player_2_team_abbr
        end as pbp_team
      from classified as e
      cross join unnest(['shooter', 'blocker']) as credit
      where e.is_shot or e.is_ft_1of1
    )
    where coalesce(pbp_name, pbp_lookup) is not null
  ),

  -- per play-by-play player and, for the rows an and-one is made of (1/1 free throws and
  -- made shots that have a period and a clock), per game clock: an and-one is a 1/1 free
  -- throw at the clock of the same player's made shot; every other row needs no clock and
  -- folds into one group per player
  clock_counts as (
    select
      game_id,
      pbp_name,
      pbp_lookup,
      pbp_team,
      and1_part,
      countif(credit = 'shooter' and is_shot and zone = 'paint') as paint_attempts,
      countif(credit = 'shooter' and is_shot and zone = 'paint' and shot_made) as paint_makes,
      countif(credit = 'shooter' and is_shot and zone = 'mid_range') as mid_range_attempts,
      countif(credit = 'shooter' and is_shot and zone = 'mid_range' and shot_made) as mid_range_makes,
      countif(credit = 'shooter' and is_shot and zone = 'three') as three_attempts_pbp,
      countif(credit = 'shooter' and is_shot and zone = 'three' and shot_made) as three_makes_pbp,
      countif(credit = 'shooter' and is_shot and shot_made and player_2_role = 'assist') as assisted_fg_makes,
      countif(
        credit = 'shooter' and is_shot and shot_made
        and (player_2_role is null or player_2_role not in ('assist', 'block'))
      ) as unassisted_fg_makes,
      countif(credit = 'shooter' and is_ft_1of1) as free_throws_1of1,
      countif(credit = 'blocker' and zone = 'paint') as paint_blocks,
      countif(credit = 'blocker' and zone = 'mid_range') as mid_range_blocks,
      countif(credit = 'blocker' and zone = 'three') as three_pt_blocks,
      countif(credit = 'shooter' and is_shot) as pbp_shot_events,
      countif(credit = 'shooter' and is_shot and data_source = 'nbacom_fallback') as pbp_fallback_events
    from (
      select
        *,
        coalesce(
          credit = 'shooter' and (is_ft_1of1 or (is_shot and shot_made))
          and period is not null and game_clock is not null,
          false
        ) as and1_part
      from credits
    )
    group by
      game_id, pbp_name, pbp_lookup, pbp_team, and1_part,
      if(and1_part, period, null), if(and1_part, game_clock, null)
  ),

  -- per play-by-play player (few rows): his counts, his key as the feed spells him
  -- (spelled_key), the key an alias of the play-by-play gives him (aliased_to, NULL when
  -- none applies) and the key he is resolved by (pbp_key)
  pbp_players as (
    select
      p.*,
      a.player_lookup as aliased_to,
      coalesce(a.player_lookup, p.spelled_key) as pbp_key,
      f.season_year
    from (
      select
        game_id,
        pbp_name,
        pbp_lookup,
        upper(trim(pbp_team)) as pbp_team,
        {{ player_lookup('pbp_name', 'pbp_lookup') }} as spelled_key,
        sum(paint_attempts) as paint_attempts,
        sum(paint_makes) as paint_makes,
        sum(mid_range_attempts) as mid_range_attempts,
        sum(mid_range_makes) as mid_range_makes,
        sum(three_attempts_pbp) as three_attempts_pbp,
        sum(three_makes_pbp) as three_makes_pbp,
        sum(assisted_fg_makes) as assisted_fg_makes,
        sum(unassisted_fg_makes) as unassisted_fg_makes,
        sum(if(and1_part and paint_makes + mid_range_makes + three_makes_pbp > 0, free_throws_1of1, 0)) as and1_count,
        sum(paint_blocks) as paint_blocks,
        sum(mid_range_blocks) as mid_range_blocks,
        sum(three_pt_blocks) as three_pt_blocks,
        sum(pbp_shot_events) as pbp_shot_events,
        sum(pbp_fallback_events) as pbp_fallback_events
      from clock_counts
      group by game_id, pbp_name, pbp_lookup, upper(trim(pbp_team))
    ) as p
    join final_games as f on f.game_id = p.game_id
    {{ alias_join('a', 'p.spelled_key', "'play_by_play'", 'p.pbp_team', 'f.season_year') }}
  ),

  -- each play-by-play player resolved to the game's roster: the same key, else the one
  -- roster player of his team (of the game, when the event names no team) equal to him
  -- once generational suffixes are set aside; NULL when nobody. Each join finds at most
  -- one row (roster keys are unique per game; a base match needs a base that is unique
  -- in the team, or in the game), so no player is ever counted twice.
  resolved as (
    select
      p.*,
      coalesce(exact.player_lookup, by_base.player_lookup) as player_lookup
    from pbp_players as p
    left join roster as exact
      on exact.game_id = p.game_id and exact.player_lookup = p.pbp_key
    left join roster_bases as by_base
      on exact.player_lookup is null
      and by_base.game_id = p.game_id
      and by_base.base = regexp_replace(p.pbp_key, r'(jr|sr|iii|ii|iv|v)$', '')
      and (
        (p.pbp_team is not null and by_base.team_abbr = p.pbp_team and by_base.one_in_team)
        or (p.pbp_team is null and by_base.one_in_game)
      )
  ),

  -- per roster player (two spellings of one player add up)
  player_counts as (
    select
      game_id,
      player_lookup,
      sum(paint_attempts) as paint_attempts,
      sum(paint_makes) as paint_makes,
      sum(mid_range_attempts) as mid_range_attempts,
      sum(mid_range_makes) as mid_range_makes,
      sum(three_attempts_pbp) as three_attempts_pbp,
      sum(three_makes_pbp) as three_makes_pbp,
      sum(assisted_fg_makes) as assisted_fg_makes,
      sum(unassisted_fg_makes) as unassisted_fg_makes,
      sum(and1_count) as and1_count,
      sum(paint_blocks) as paint_blocks,
      sum(mid_range_blocks) as mid_range_blocks,
      sum(three_pt_blocks) as three_pt_blocks,
      sum(pbp_shot_events) as pbp_shot_events,
      sum(pbp_fallback_events) as pbp_fallback_events
    from resolved
    where player_lookup is not null
    group by game_id, player_lookup
  ),

  -- roster rows with their counts; a game has play-by-play when the feed has any row for it
  joined as (
    select
      r.game_id,
      r.game_date,
      r.player_lookup,
      c.* except (game_id, player_lookup),
      g.game_id is not null as has_pbp
    from roster as r
    left join player_counts as c
      on c.game_id = r.game_id and c.player_lookup = r.player_lookup
    left join pbp_games as g on g.game_id = r.game_id
  )

  select
    game_id,
    game_date,
    player_lookup,
    if(has_pbp, coalesce(paint_attempts, 0), null) as paint_attempts,
    if(has_pbp, coalesce(paint_makes, 0), null) as paint_makes,
    if(has_pbp, coalesce(mid_range_attempts, 0), null) as mid_range_attempts,
    if(has_pbp, coalesce(mid_range_makes, 0), null) as mid_range_makes,
    if(has_pbp, coalesce(three_attempts_pbp, 0), null) as three_attempts_pbp,
    if(has_pbp, coalesce(three_makes_pbp, 0), null) as three_makes_pbp,
    if(has_pbp, coalesce(assisted_fg_makes, 0), null) as assisted_fg_makes,
    if(has_pbp, coalesce(unassisted_fg_makes, 0), null) as unassisted_fg_makes,
    if(has_pbp, coalesce(and1_count, 0), null) as and1_count,
    if(has_pbp, coalesce(paint_blocks, 0), null) as paint_blocks,
    if(has_pbp, coalesce(mid_range_blocks, 0), null) as mid_range_blocks,
    if(has_pbp, coalesce(three_pt_blocks, 0), null) as three_pt_blocks,
    if(has_pbp, coalesce(pbp_shot_events, 0), null) as pbp_shot_events,
    if(has_pbp, coalesce(pbp_fallback_events, 0), null) as pbp_fallback_events
  from joined
) as s
on t.game_date between @start_date and @end_date
  and t.game_id = s.game_id
  and t.player_lookup = s.player_lookup
when matched then update set
  paint_attempts = s.paint_attempts,
  paint_makes = s.paint_makes,
  mid_range_attempts = s.mid_range_attempts,
  mid_range_makes = s.mid_range_makes,
  three_attempts_pbp = s.three_attempts_pbp,
  three_makes_pbp = s.three_makes_pbp,
  assisted_fg_makes = s.assisted_fg_makes,
  unassisted_fg_makes = s.unassisted_fg_makes,
  and1_count = s.and1_count,
  paint_blocks = s.paint_blocks,
  mid_range_blocks = s.mid_range_blocks,
  three_pt_blocks = s.three_pt_blocks,
  pbp_shot_events = s.pbp_shot_events,
  pbp_fallback_events = s.pbp_fallback_events,
  shot_zones_processed_at = current_timestamp()
{#- a table with REQUIRED columns beyond the keys (pass2_blocked_by, nba_backfill.target)
    gets no key-only row: Pass 1 writes the row, Pass 2 fills it on its next run #}
{%- if not (pass2_blocked_by | default([])) %}
when not matched by target then insert (
  game_id, game_date, player_lookup, paint_attempts, paint_makes, mid_range_attempts,
  mid_range_makes, three_attempts_pbp, three_makes_pbp, assisted_fg_makes,
  unassisted_fg_makes, and1_count, paint_blocks, mid_range_blocks, three_pt_blocks,
  pbp_shot_events, pbp_fallback_events, shot_zones_processed_at
) values (
  s.game_id, s.game_date, s.player_lookup, s.paint_attempts, s.paint_makes,
  s.mid_range_attempts, s.mid_range_makes, s.three_attempts_pbp, s.three_makes_pbp,
  s.assisted_fg_makes, s.unassisted_fg_makes, s.and1_count, s.paint_blocks,
  s.mid_range_blocks, s.three_pt_blocks, s.pbp_shot_events, s.pbp_fallback_events,
  current_timestamp()
)
{%- endif %}
when not matched by source
  and t.game_date between @start_date and @end_date
  and t.pass1_processed_at is null and t.shot_zones_processed_at is not null then delete
when not matched by source
  and t.game_date between @start_date and @end_date and {{ own_rows('t') }} then update set
  paint_attempts = cast(null as int64),
  paint_makes = cast(null as int64),
  mid_range_attempts = cast(null as int64),
  mid_range_makes = cast(null as int64),
  three_attempts_pbp = cast(null as int64),
  three_makes_pbp = cast(null as int64),
  assisted_fg_makes = cast(null as int64),
  unassisted_fg_makes = cast(null as int64),
  and1_count = cast(null as int64),
  paint_blocks = cast(null as int64),
  mid_range_blocks = cast(null as int64),
  three_pt_blocks = cast(null as int64),
  pbp_shot_events = cast(null as int64),
  pbp_fallback_events = cast(null as int64),
  shot_zones_processed_at = current_timestamp()
