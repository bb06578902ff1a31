-- Pass 1: the box-score columns of player_game_summary for ONE game day.
--
-- Parameter: @day (DATE). One statement, a MERGE: its source reads only @day's partition
-- of each raw table, its target rows are restricted to @day, and it names only Pass 1
-- columns, so the shot-zone columns written by Pass 2 survive any re-run of a day.
--
-- Rules (data-contract.md, "Pass 1 columns"), and the choices made where it is silent:
-- * Only games with a `Final` schedule row are loaded; a malformed Final schedule row
--   (game_id not YYYYMMDD_AWAY_HOME of its date and teams) rejects the whole day.
-- * player_lookup is the contract's key, made from the player's name (accents folded,
--   lower case, a-z only; the delivered lookup only when the name gives nothing: see
--   include/sql/macros/player_lookup.sql.j2); rows left without a key are dropped. Then
--   the user's player aliases ({{ reference }}.player_aliases, sources 'nbac_gamebook',
--   'bdl_boxscores' and 'any'; include/sql/macros/player_aliases.sql.j2) for the row's
--   team and the game's season (the schedule's season_year) give the key they name.
-- * Duplicate raw rows of a (game_id, player_lookup) keep the latest processed_at; ties
--   (identical re-deliveries) are broken by minutes then points so the pick is stable.
-- * Precedence per game: a game with any gamebook row takes all of its rows from the
--   gamebook; a game with none takes them from balldontlie (active players only, no
--   plus_minus).
-- * Schedule, status and source strings are compared after lower(trim()) (team
--   abbreviations after upper(trim())): 'Final ', 'ACTIVE' and 'active' are the same.
-- * is_active / player_status: 'active', 'dnp' and 'inactive' are taken as delivered. A
--   row whose status is NULL or anything else ('played', ...) is decided by its minutes:
--   with minutes of a player who played (a valid value above 0:00) it is active
--   (player_status 'active'); without, it is not (player_status NULL). Both cases are
--   counted by audit/raw_stats_quality (unknown_status_rows).
-- * minutes_played: "MM:SS" (gamebook) or "MM" / "MM:SS" (balldontlie) -> decimal
--   minutes rounded to 2 places. NULL when the player is not active, for NULL or "-",
--   for anything malformed (letters, seconds >= 60, a third field), and for more minutes
--   than the game lasted (counted as minutes_over_game_length). A game lasts 48 minutes
--   plus 5 per overtime period; the overtimes are read from the box score itself: the
--   five players on the floor share 5 x the game's length, so the larger of the two
--   teams' minute totals (each value above 98 minutes, 48 + 10 overtimes, left out),
--   divided by 5, gives 48 + 5 x the number of overtimes, rounded to the nearest period.
-- * A negative count is not a count: it becomes NULL. A pair whose makes exceed its
--   attempts (FG, 3PT, FT) becomes NULL on both sides; ts_pct / efg_pct are then NULL.
--   ts_pct and efg_pct are NULL where their denominator is 0.
-- * A team_abbr that is neither of the game's teams is kept as delivered, with NULL
--   opponent_team_abbr and home_game (the audit reports the game).
-- * Rows of @day that the sources no longer produce (a game no longer Final, a player
--   gone from a corrected roster) are deleted: a day always mirrors its sources.
-- * Except a Final game whose rows were loaded from the gamebook while the gamebook has
--   no row of it any more (a delivery that lost it): it is never switched to the
--   balldontlie fallback quietly. Its rows are kept as they are (held_games: they are
--   matched by themselves and no WHEN clause touches them), the day stays stale
--   (state/day_status.sql) and Pass 1's audit fails naming the game
--   (audit/gamebook_vanished.sql) until its gamebook rows are loaded again, or the
--   fallback is accepted (python -m nba_backfill.cli accept-fallback deletes its rows).
{%- set extra = extra_columns | default([]) %}
{%- set numeric = numeric_columns | default([]) %}
merge {{ analytics }}.player_game_summary as t
using (
  with
  -- The day's Final games. A Final game the day cannot be loaded without must be well
  -- formed: its game_id is YYYYMMDD_AWAY_HOME of this very day and teams. If one is not,
  -- the statement stops with ERROR() and writes nothing for the day (the other days load);
  -- fix or delete the schedule row, then clear the day's task.
  final_games as (
    select *
    from (
      select
        s.game_id,
        s.game_date,
        s.season_year,
        upper(trim(s.home_team_abbr)) as home_team_abbr,
        upper(trim(s.away_team_abbr)) as away_team_abbr
      from {{ schedule }} as s
      where s.game_date = @day and lower(trim(s.game_status)) = 'final'
    )
    where if(
        game_id = concat(format_date('%Y%m%d', game_date), '_', away_team_abbr, '_', home_team_abbr)
          and away_team_abbr != home_team_abbr,
        true,
        error(concat(
          'REJECTED nbac_schedule row for ', cast(game_date as string), ': game_id ',
          coalesce(game_id, 'NULL'), ' is not YYYYMMDD_AWAY_HOME of its date and teams (away ',
          coalesce(away_team_abbr, 'NULL'), ', home ', coalesce(home_team_abbr, 'NULL'),
          '); fix or delete the row, then clear this day'
        ))
      )
    qualify row_number() over (partition by game_id order by home_team_abbr, season_year) = 1
  ),

  {{ player_aliases_ctes(reference) }},

  gamebook_rows as (
    select
      g.game_id,
      {{ player_lookup('g.player_name', 'g.player_lookup') }} as player_lookup,
      g.player_name as player_full_name,
      upper(trim(g.team_abbr)) as team_abbr,
      lower(trim(g.player_status)) as player_status,
      trim(g.minutes) as minutes_raw,
      g.points,
      g.assists,
      g.offensive_rebounds,
      g.defensive_rebounds,
      g.total_rebounds,
      g.steals,
      g.blocks,
      g.turnovers,
      g.personal_fouls,
      g.field_goals_made,
      g.field_goals_attempted,
      g.three_pointers_made,
      g.three_pointers_attempted,
      g.free_throws_made,
      g.free_throws_attempted,
      g.plus_minus,
      g.processed_at,
      'nbac_gamebook' as primary_source_used
    from {{ raw }}.nbac_gamebook_player_stats as g
    where g.game_date = @day
  ),

  bdl_rows as (
    select
      b.game_id,
      {{ player_lookup('b.player_full_name', 'b.player_lookup') }} as player_lookup,
      b.player_full_name,
      upper(trim(b.team_abbr)) as team_abbr,
      'active' as player_status,
      trim(b.minutes) as minutes_raw,
      b.points,
      b.assists,
      b.offensive_rebounds,
      b.defensive_rebounds,
      b.rebounds as total_rebounds,
      b.steals,
      b.blocks,
      b.turnovers,
      b.personal_fouls,
      b.field_goals_made,
      b.field_goals_attempted,
      b.three_pointers_made,
      b.three_pointers_attempted,
      b.free_throws_made,
      b.free_throws_attempted,
      cast(null as int64) as plus_minus,
      b.processed_at,
      'bdl_boxscores' as primary_source_used
    from {{ raw }}.bdl_player_boxscores as b
    where b.game_date = @day
  ),

  gamebook_games as (
    select distinct game_id from gamebook_rows
  ),

  -- Final games loaded from the gamebook that the gamebook no longer has: kept as they are
  held_games as (
    select distinct t.game_id
    from {{ analytics }}.player_game_summary as t
    where t.game_date = @day
      and {{ own_rows('t') }}
      and t.primary_source_used = 'nbac_gamebook'
      and t.game_id in (select game_id from final_games)
      and t.game_id not in (select game_id from gamebook_games)
  ),

  -- precedence per game, the aliases, then one row per (game_id, player_lookup): the
  -- latest delivery
  chosen as (
    select *
    from (
      select
        r.* except (player_lookup),
        coalesce(a.player_lookup, r.player_lookup) as player_lookup
      from (
        select * from gamebook_rows
        union all
        select * from bdl_rows
        where game_id not in (select game_id from gamebook_games)
          and game_id not in (select game_id from held_games)
      ) as r
      join final_games as f on f.game_id = r.game_id
      {{ alias_join('a', 'r.player_lookup', 'r.primary_source_used', 'r.team_abbr', 'f.season_year') }}
    )
    where player_lookup != ''
    qualify row_number() over (
      partition by game_id, player_lookup
      order by processed_at desc, minutes_raw desc, points desc
    ) = 1
  ),

  -- minutes as a number (NULL when malformed); who played, by the status rule above
  parsed as (
    select
      c.*,
      case
        when regexp_contains(c.minutes_raw, r'^[0-9]{1,3}(:[0-5][0-9])?$') then
          cast(split(c.minutes_raw, ':')[offset(0)] as int64)
          + coalesce(cast(split(c.minutes_raw, ':')[safe_offset(1)] as int64), 0) / 60
      end as minutes_value,
      c.player_status in ('active', 'dnp', 'inactive') as known_status
    from chosen as c
  ),

  -- counts that cannot be counts become NULL; makes above attempts void the pair
  checked as (
    select
      p.*,
      if(p.known_status, p.player_status = 'active', coalesce(p.minutes_value > 0, false)) as is_active,
      p.field_goals_made >= 0 and p.field_goals_made <= p.field_goals_attempted as fg_ok,
      p.three_pointers_made >= 0 and p.three_pointers_made <= p.three_pointers_attempted as three_ok,
      p.free_throws_made >= 0 and p.free_throws_made <= p.free_throws_attempted as ft_ok
    from parsed as p
  ),

  -- how long each game lasted: 48 minutes + 5 per overtime, from the teams' minute totals
  game_lengths as (
    select
      game_id,
      48 + 5 * greatest(0, cast(round((max(team_minutes) / 5 - 48) / 5) as int64)) as game_minutes
    from (
      select game_id, team_abbr, sum(minutes_value) as team_minutes
      from checked
      where is_active and minutes_value <= 98
      group by game_id, team_abbr
    )
    group by game_id
  ),

  day_rows as (
    select
      c.game_id,
      f.game_date,
      f.season_year,
      c.player_lookup,
      c.player_full_name,
      c.team_abbr,
      case c.team_abbr
        when f.home_team_abbr then f.away_team_abbr
        when f.away_team_abbr then f.home_team_abbr
      end as opponent_team_abbr,
      case c.team_abbr
        when f.home_team_abbr then true
        when f.away_team_abbr then false
      end as home_game,
      c.is_active,
      if(c.known_status, c.player_status, if(c.is_active, 'active', null)) as player_status,
      if(c.is_active and c.minutes_value <= l.game_minutes, round(c.minutes_value, 2), null) as minutes_played,
      case when c.points >= 0 then c.points end as points,
      case when c.assists >= 0 then c.assists end as assists,
      case when c.offensive_rebounds >= 0 then c.offensive_rebounds end as offensive_rebounds,
      case when c.defensive_rebounds >= 0 then c.defensive_rebounds end as defensive_rebounds,
      case when c.total_rebounds >= 0 then c.total_rebounds end as total_rebounds,
      case when c.steals >= 0 then c.steals end as steals,
      case when c.blocks >= 0 then c.blocks end as blocks,
      case when c.turnovers >= 0 then c.turnovers end as turnovers,
      case when c.personal_fouls >= 0 then c.personal_fouls end as personal_fouls,
      case when c.fg_ok then c.field_goals_made end as fg_makes,
      case when c.fg_ok then c.field_goals_attempted end as fg_attempts,
      case when c.three_ok then c.three_pointers_made end as three_pt_makes,
      case when c.three_ok then c.three_pointers_attempted end as three_pt_attempts,
      case when c.ft_ok then c.free_throws_made end as ft_makes,
      case when c.ft_ok then c.free_throws_attempted end as ft_attempts,
      c.plus_minus,
      c.primary_source_used
    from checked as c
    join final_games as f on f.game_id = c.game_id
    left join game_lengths as l on l.game_id = c.game_id
  ){% if 'win_flag' in extra %},

  -- win_flag (a table that has it): the team's points against its opponent's
  team_points as (
    select game_id, team_abbr, sum(points) as points
    from day_rows
    group by game_id, team_abbr
  ){% endif %}

  select
    d.*,
    safe_divide(d.points, 2 * (d.fg_attempts + 0.44 * d.ft_attempts)) as ts_pct,
    safe_divide(d.fg_makes + 0.5 * d.three_pt_makes, d.fg_attempts) as efg_pct,
    {%- if 'starter_flag' in extra %}
    -- starter_flag (a table that has it): more than 20 minutes, the table's own definition
    coalesce(d.minutes_played > 20, false) as starter_flag,
    {%- endif %}
    {%- if 'win_flag' in extra %}
    coalesce(tp.points > op.points, false) as win_flag,
    {%- endif %}
    false as held
  from day_rows as d
  {%- if 'win_flag' in extra %}
  left join team_points as tp on tp.game_id = d.game_id and tp.team_abbr = d.team_abbr
  left join team_points as op on op.game_id = d.game_id and op.team_abbr = d.opponent_team_abbr
  {%- endif %}
  union all
  -- the rows of held games as the table has them: each matches itself, and no WHEN
  -- clause touches a held row (only the keys are used; the columns are day_rows')
  select
    t.game_id, t.game_date, t.season_year, t.player_lookup, t.player_full_name, t.team_abbr,
    t.opponent_team_abbr, t.home_game, t.is_active, t.player_status, t.minutes_played,
    t.points, t.assists, t.offensive_rebounds, t.defensive_rebounds, t.total_rebounds,
    t.steals, t.blocks, t.turnovers, t.personal_fouls, t.fg_makes, t.fg_attempts,
    t.three_pt_makes, t.three_pt_attempts, t.ft_makes, t.ft_attempts, t.plus_minus,
    t.primary_source_used, t.ts_pct, t.efg_pct,
    {%- for c in extra %} cast(null as bool) as {{ c }},{% endfor %} true as held
  from {{ analytics }}.player_game_summary as t
  where t.game_date = @day and t.game_id in (select game_id from held_games)
    and {{ own_rows('t') }}
) as s
on t.game_date = @day and t.game_id = s.game_id and t.player_lookup = s.player_lookup
when matched and not s.held then update set
  season_year = s.season_year,
  player_full_name = s.player_full_name,
  team_abbr = s.team_abbr,
  opponent_team_abbr = s.opponent_team_abbr,
  home_game = s.home_game,
  is_active = s.is_active,
  player_status = s.player_status,
  minutes_played = {{ to_target('s.minutes_played', 'minutes_played', numeric) }},
  points = s.points,
  assists = s.assists,
  offensive_rebounds = s.offensive_rebounds,
  defensive_rebounds = s.defensive_rebounds,
  total_rebounds = s.total_rebounds,
  steals = s.steals,
  blocks = s.blocks,
  turnovers = s.turnovers,
  personal_fouls = s.personal_fouls,
  fg_makes = s.fg_makes,
  fg_attempts = s.fg_attempts,
  three_pt_makes = s.three_pt_makes,
  three_pt_attempts = s.three_pt_attempts,
  ft_makes = s.ft_makes,
  ft_attempts = s.ft_attempts,
  plus_minus = s.plus_minus,
  ts_pct = {{ to_target('s.ts_pct', 'ts_pct', numeric) }},
  efg_pct = {{ to_target('s.efg_pct', 'efg_pct', numeric) }},
  {%- for c in extra %}
  {{ c }} = s.{{ c }},
  {%- endfor %}
  primary_source_used = s.primary_source_used,
  pass1_processed_at = current_timestamp()
when not matched by target and not s.held then insert (
  game_id, game_date, season_year, player_lookup, player_full_name, team_abbr,
  opponent_team_abbr, home_game, is_active, player_status, minutes_played, points, assists,
  offensive_rebounds, defensive_rebounds, total_rebounds, steals, blocks, turnovers,
  personal_fouls, fg_makes, fg_attempts, three_pt_makes, three_pt_attempts, ft_makes,
  ft_attempts, plus_minus, ts_pct, efg_pct, primary_source_used,
  {%- for c in extra %} {{ c }},{% endfor %} pass1_processed_at
) values (
  s.game_id, s.game_date, s.season_year, s.player_lookup, s.player_full_name, s.team_abbr,
  s.opponent_team_abbr, s.home_game, s.is_active, s.player_status,
  {{ to_target('s.minutes_played', 'minutes_played', numeric) }}, s.points, s.assists, s.offensive_rebounds, s.defensive_rebounds, s.total_rebounds,
  s.steals, s.blocks, s.turnovers, s.personal_fouls, s.fg_makes, s.fg_attempts,
  s.three_pt_makes, s.three_pt_attempts, s.ft_makes, s.ft_attempts, s.plus_minus,
  {{ to_target('s.ts_pct', 'ts_pct', numeric) }}, {{ to_target('s.efg_pct', 'efg_pct', numeric) }},
  s.primary_source_used,{% for c in extra %} s.{{ c }},{% endfor %} current_timestamp()
)
when not matched by source and t.game_date = @day and {{ own_rows('t') }} then delete
