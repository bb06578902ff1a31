-- Staleness: per game day of a range, is each pass complete, stale or missing?
--
-- The warehouse is the record of what needs doing: this compares when a day's raw rows
-- were delivered (processed_at) with when each pass last wrote the day
-- (pass1_processed_at, shot_zones_processed_at), and what each pass should have written
-- with what is there. ONE partition-pruned statement; it reads only keys, statuses and
-- timestamps (on BigQuery: game_date, game_id, game_status, processed_at and the output
-- table's timestamps and row counts), never a stats or play-by-play value.
--
-- One row per date of the range that has a Final game or output rows. Statuses:
--   pass1_status  'complete' | 'stale' | 'missing' (NULL: nothing for Pass 1 on this day)
--     missing: Final games, and not one Pass 1 row for the day;
--     stale:   a Final game without Pass 1 rows (games_without_pass1; of them,
--              games_without_stats have no gamebook or balldontlie row at all), Pass 1
--              rows of a game that is not Final (rows_not_final), rows only Pass 2 wrote
--              (rows_without_pass1), gamebook / balldontlie rows delivered after the
--              day's Pass 1 run (stats_delivered_at > pass1_at), or a Final game loaded
--              from the gamebook that the gamebook has no row of any more
--              (games_gamebook_vanished: Pass 1 keeps its rows, its audit fails naming
--              it, until the gamebook is loaded again or the fallback accepted).
--   pass2_status  'complete' | 'stale' | 'missing' (NULL: nothing for Pass 2 on this day)
--     Pass 2 writes the rows of Final games that have a roster (gamebook or balldontlie
--     rows); a Final game without any is Pass 1's to report.
--     missing: such games, and not one row processed by Pass 2;
--     stale:   rows Pass 2 has not processed (rows_without_pass2), a Final game with a
--              roster but no rows (games_without_rows), play-by-play delivered after the
--              day's shot zones (pbp_delivered_at > pass2_at), Pass 1 rows written after
--              them (pass1_latest > pass2_at), roster rows delivered after them
--              (stats_delivered_at > pass2_at), or a game whose play-by-play exists while
--              its rows have NULL zones (games_pbp_without_zones).
-- Player aliases ({{ reference }}.player_aliases) changed after a pass wrote a game that
-- they touch make the game's day stale for that pass (games_alias_changed_pass1 /
-- _pass2, alias_changed_at): an alias row touches the games that have output rows keyed
-- by its alias or by its key, of its team and seasons when it names them (the games the
-- alias adds a player to, or takes him from). Its change is when it was loaded
-- (updated_at) or retired (retired_at); a box-score alias (nbac_gamebook, bdl_boxscores,
-- any) concerns Pass 1 and Pass 2, a play_by_play alias Pass 2 only. This reads the alias
-- table (small) and the output table's keys, teams and seasons.
-- A timestamp later than the statement's own time (a clock ahead, a bad feed) or NULL
-- cannot be compared and is left out (audit/raw_stats_quality and audit/pbp_quality count
-- those rows).
-- Parameters: @start_date, @end_date (DATE, inclusive).
with
schedule as (
  select
    s.game_id,
    s.game_date,
    logical_or(lower(trim(s.game_status)) = 'final') as is_final
  from {{ schedule }} as s
  where s.game_date between @start_date and @end_date
  group by s.game_id, s.game_date
),

stats as (
  select
    game_id,
    game_date,
    max(delivered_at) as delivered_at,
    logical_or(from_gamebook) as has_gamebook
  from (
    select
      g.game_id,
      g.game_date,
      if(g.processed_at <= current_timestamp(), g.processed_at, null) as delivered_at,
      true as from_gamebook
    from {{ raw }}.nbac_gamebook_player_stats as g
    where g.game_date between @start_date and @end_date
    union all
    select
      b.game_id,
      b.game_date,
      if(b.processed_at <= current_timestamp(), b.processed_at, null) as delivered_at,
      false as from_gamebook
    from {{ raw }}.bdl_player_boxscores as b
    where b.game_date between @start_date and @end_date
  )
  group by game_id, game_date
),

pbp as (
  select
    p.game_id,
    p.game_date,
    max(if(p.processed_at <= current_timestamp(), p.processed_at, null)) as delivered_at
  from {{ raw }}.bigdataball_play_by_play as p
  where p.game_date between @start_date and @end_date
  group by p.game_id, p.game_date
),

-- each alias row twice: once per key it touches (its alias, its key)
alias_changes as (
  select c.source, touched_key, c.team_abbr, c.first_season, c.last_season, c.changed_at
  from (
    select
      lower(trim(a.source)) as source,
      {{ player_lookup('a.alias', 'cast(null as string)') }} as alias_key,
      {{ player_lookup('a.player_lookup', 'cast(null as string)') }} as player_lookup,
      nullif(upper(trim(a.team_abbr)), '') as team_abbr,
      a.first_season,
      a.last_season,
      greatest(a.updated_at, coalesce(a.retired_at, a.updated_at)) as changed_at
    from {{ reference }}.player_aliases as a
  ) as c
  cross join unnest([c.alias_key, c.player_lookup]) as touched_key
  where c.changed_at <= current_timestamp()
),

alias_games as (
  select
    o.game_id,
    o.game_date,
    max(if(c.source = 'play_by_play', null, c.changed_at)) as pass1_alias_at,
    max(c.changed_at) as pass2_alias_at
  from {{ analytics }}.player_game_summary as o
  join alias_changes as c
    on c.touched_key = o.player_lookup
    and (c.team_abbr is null or c.team_abbr = o.team_abbr)
    and (c.first_season is null or c.first_season <= o.season_year)
    and (c.last_season is null or c.last_season >= o.season_year)
  where o.game_date between @start_date and @end_date and {{ own_rows('o') }}
  group by o.game_id, o.game_date
),

summary as (
  select
    game_id,
    game_date,
    count(*) as rows_total,
    countif(pass1_processed_at is not null) as pass1_rows,
    countif(pass1_processed_at is null) as rows_without_pass1,
    countif(shot_zones_processed_at is null) as rows_without_pass2,
    countif(pbp_shot_events is not null) as rows_with_zones,
    countif(primary_source_used = 'nbac_gamebook') as gamebook_rows_loaded,
    min(pass1_processed_at) as pass1_at,
    max(pass1_processed_at) as pass1_latest,
    min(shot_zones_processed_at) as pass2_at
  from {{ analytics }}.player_game_summary
  where game_date between @start_date and @end_date and {{ own_rows() }}
  group by game_id, game_date
),

games as (
  select
    coalesce(s.game_date, o.game_date) as game_date,
    coalesce(s.is_final, false) as is_final,
    st.game_id is not null as has_stats,
    coalesce(st.has_gamebook, false) as has_gamebook,
    coalesce(o.gamebook_rows_loaded, 0) as gamebook_rows_loaded,
    st.delivered_at as stats_delivered_at,
    p.game_id is not null as has_pbp,
    p.delivered_at as pbp_delivered_at,
    coalesce(o.rows_total, 0) as rows_total,
    coalesce(o.pass1_rows, 0) as pass1_rows,
    coalesce(o.rows_without_pass1, 0) as rows_without_pass1,
    coalesce(o.rows_without_pass2, 0) as rows_without_pass2,
    coalesce(o.rows_with_zones, 0) as rows_with_zones,
    o.pass1_at,
    o.pass1_latest,
    o.pass2_at,
    if(ag.pass1_alias_at > o.pass1_at, ag.pass1_alias_at, null) as pass1_alias_at,
    if(ag.pass2_alias_at > o.pass2_at, ag.pass2_alias_at, null) as pass2_alias_at
  from schedule as s
  full outer join summary as o on o.game_id = s.game_id and o.game_date = s.game_date
  left join alias_games as ag on ag.game_id = o.game_id and ag.game_date = o.game_date
  left join stats as st
    on st.game_id = coalesce(s.game_id, o.game_id) and st.game_date = coalesce(s.game_date, o.game_date)
  left join pbp as p
    on p.game_id = coalesce(s.game_id, o.game_id) and p.game_date = coalesce(s.game_date, o.game_date)
),

days as (
  select
    game_date,
    countif(is_final) as final_games,
    countif(is_final and pass1_rows = 0) as games_without_pass1,
    countif(is_final and not has_stats) as games_without_stats,
    countif(is_final and gamebook_rows_loaded > 0 and not has_gamebook) as games_gamebook_vanished,
    countif(is_final and has_stats) as games_with_roster,
    countif(is_final and has_stats and rows_total = 0) as games_without_rows,
    countif(is_final and has_pbp and rows_total > 0 and rows_with_zones = 0) as games_pbp_without_zones,
    sum(pass1_rows) as pass1_rows,
    sum(if(is_final, 0, pass1_rows)) as rows_not_final,
    sum(rows_without_pass1) as rows_without_pass1,
    sum(if(is_final, rows_total, 0)) as final_rows,
    sum(if(is_final, rows_without_pass2, 0)) as rows_without_pass2,
    max(if(is_final, stats_delivered_at, null)) as stats_delivered_at,
    max(if(is_final, pbp_delivered_at, null)) as pbp_delivered_at,
    min(pass1_at) as pass1_at,
    max(pass1_latest) as pass1_latest,
    min(if(is_final, pass2_at, null)) as pass2_at,
    countif(pass1_alias_at is not null) as games_alias_changed_pass1,
    countif(is_final and pass2_alias_at is not null) as games_alias_changed_pass2,
    max(coalesce(pass1_alias_at, pass2_alias_at)) as alias_changed_at
  from games
  group by game_date
  having countif(is_final) > 0 or sum(rows_total) > 0
)

select
  d.*,
  case
    when d.final_games > 0 and d.pass1_rows = 0 then 'missing'
    when d.games_without_pass1 > 0
      or d.rows_not_final > 0
      or d.rows_without_pass1 > 0
      or d.games_alias_changed_pass1 > 0
      or d.games_gamebook_vanished > 0
      or d.stats_delivered_at > d.pass1_at then 'stale'
    else 'complete'
  end as pass1_status,
  case
    when d.games_with_roster = 0 then null
    when d.final_rows = d.rows_without_pass2 then 'missing'
    when d.rows_without_pass2 > 0
      or d.games_without_rows > 0
      or d.games_pbp_without_zones > 0
      or d.games_alias_changed_pass2 > 0
      or d.pbp_delivered_at > d.pass2_at
      or d.pass1_latest > d.pass2_at
      or d.stats_delivered_at > d.pass2_at then 'stale'
    else 'complete'
  end as pass2_status
from days as d
order by d.game_date
