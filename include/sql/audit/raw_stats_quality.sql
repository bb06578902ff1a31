-- Audit figures: the messes in the range's raw stats rows (Final games only), counted. Each
-- one gets the contract's behaviour in Pass 1 (include/sql/pass1/load_day.sql) and none
-- fails the run; this query only reports how many there were, per source.
--   duplicate_rows           re-delivered rows of a (game, player): the latest one is kept
--   malformed_minutes        minutes of a player who played that do not parse (NULL)
--   minutes_over_game_length minutes above 48 + 5 per overtime of their game (NULL)
--   unknown_status_rows      player_status NULL or not active / dnp / inactive (decided
--                            by the minutes)
--   negative_counts, makes_over_attempts, unknown_team_rows, rows_without_lookup
--   undated_rows             rows without processed_at (never picked over a dated one;
--                            staleness cannot see them)
--   future_dated_rows        rows whose processed_at is later than now (staleness ignores
--                            them until then)
-- (least() over coalesced counts: BigQuery's LEAST is NULL if any argument is NULL.)
-- Parameters: @start_date, @end_date (DATE, inclusive).
with
final_games as (
  select
    game_id,
    any_value(upper(trim(home_team_abbr))) as home_team_abbr,
    any_value(upper(trim(away_team_abbr))) as away_team_abbr
  from {{ schedule }}
  where game_date between @start_date and @end_date and lower(trim(game_status)) = 'final'
  group by game_id
),

stats as (
  select
    'nbac_gamebook' as source,
    g.game_id,
    {{ player_lookup('g.player_name', 'g.player_lookup') }} as player_lookup,
    lower(trim(g.player_status)) as player_status,
    trim(g.minutes) as minutes,
    upper(trim(g.team_abbr)) as team_abbr,
    g.processed_at,
    g.points,
    least(
      coalesce(g.points, 0),
      coalesce(g.assists, 0),
      coalesce(g.offensive_rebounds, 0),
      coalesce(g.defensive_rebounds, 0),
      coalesce(g.total_rebounds, 0),
      coalesce(g.steals, 0),
      coalesce(g.blocks, 0),
      coalesce(g.turnovers, 0),
      coalesce(g.personal_fouls, 0),
      coalesce(g.field_goals_made, 0),
      coalesce(g.field_goals_attempted, 0),
      coalesce(g.three_pointers_made, 0),
      coalesce(g.three_pointers_attempted, 0),
      coalesce(g.free_throws_made, 0),
      coalesce(g.free_throws_attempted, 0)
    ) < 0 as has_negative_count,
    g.field_goals_made > g.field_goals_attempted
      or g.three_pointers_made > g.three_pointers_attempted
      or g.free_throws_made > g.free_throws_attempted as makes_over_attempts
  from {{ raw }}.nbac_gamebook_player_stats as g
  where g.game_date between @start_date and @end_date
  union all
  select
    'bdl_boxscores' as source,
    b.game_id,
    {{ player_lookup('b.player_full_name', 'b.player_lookup') }} as player_lookup,
    'active' as player_status,
    trim(b.minutes) as minutes,
    upper(trim(b.team_abbr)) as team_abbr,
    b.processed_at,
    b.points,
    least(
      coalesce(b.points, 0),
      coalesce(b.assists, 0),
      coalesce(b.offensive_rebounds, 0),
      coalesce(b.defensive_rebounds, 0),
      coalesce(b.rebounds, 0),
      coalesce(b.steals, 0),
      coalesce(b.blocks, 0),
      coalesce(b.turnovers, 0),
      coalesce(b.personal_fouls, 0),
      coalesce(b.field_goals_made, 0),
      coalesce(b.field_goals_attempted, 0),
      coalesce(b.three_pointers_made, 0),
      coalesce(b.three_pointers_attempted, 0),
      coalesce(b.free_throws_made, 0),
      coalesce(b.free_throws_attempted, 0)
    ) < 0 as has_negative_count,
    b.field_goals_made > b.field_goals_attempted
      or b.three_pointers_made > b.three_pointers_attempted
      or b.free_throws_made > b.free_throws_attempted as makes_over_attempts
  from {{ raw }}.bdl_player_boxscores as b
  where b.game_date between @start_date and @end_date
),

-- Pass 1's reading of status and minutes (load_day.sql: `chosen`, `parsed`, `checked`)
played as (
  select
    s.*,
    s.player_status in ('active', 'dnp', 'inactive') as known_status,
    if(
      s.player_status in ('active', 'dnp', 'inactive'),
      s.player_status = 'active',
      coalesce(s.minutes_value > 0, false)
    ) as is_active
  from (
    select
      st.*,
      case
        when regexp_contains(st.minutes, r'^[0-9]{1,3}(:[0-5][0-9])?$') then
          cast(split(st.minutes, ':')[offset(0)] as int64)
          + coalesce(cast(split(st.minutes, ':')[safe_offset(1)] as int64), 0) / 60
      end as minutes_value
    from stats as st
  ) as s
),

-- the row Pass 1 keeps of each (game, player): the latest delivery
chosen as (
  select *
  from played
  where player_lookup != ''
  qualify row_number() over (
    partition by source, game_id, player_lookup
    order by processed_at desc, minutes desc, points desc
  ) = 1
),

-- load_day.sql's game length: 48 + 5 per overtime, from the larger team minute total
game_lengths as (
  select
    source,
    game_id,
    48 + 5 * greatest(0, cast(round((max(team_minutes) / 5 - 48) / 5) as int64)) as game_minutes
  from (
    select source, game_id, team_abbr, sum(minutes_value) as team_minutes
    from chosen
    where is_active and minutes_value <= 98
    group by source, game_id, team_abbr
  )
  group by source, game_id
),

checked as (
  select
    c.source,
    c.game_id,
    countif(
      c.is_active and c.minutes is not null and c.minutes != '-' and c.minutes_value is null
    ) as malformed_minutes,
    countif(c.is_active and c.minutes_value > l.game_minutes) as minutes_over_game_length,
    countif(not c.known_status or c.player_status is null) as unknown_status_rows
  from chosen as c
  left join game_lengths as l on l.game_id = c.game_id and l.source = c.source
  group by c.source, c.game_id
),

raw_counts as (
  select
    s.source,
    s.game_id,
    count(*) as raw_rows,
    count(*) - count(distinct concat(s.game_id, '|', s.player_lookup)) as duplicate_rows,
    countif(s.has_negative_count) as negative_counts,
    countif(s.makes_over_attempts) as makes_over_attempts,
    countif(s.team_abbr is null or s.team_abbr not in (f.home_team_abbr, f.away_team_abbr)) as unknown_team_rows,
    countif(s.player_lookup = '' or s.player_lookup is null) as rows_without_lookup,
    countif(s.processed_at is null) as undated_rows,
    countif(s.processed_at > current_timestamp()) as future_dated_rows
  from played as s
  join final_games as f on f.game_id = s.game_id
  group by s.source, s.game_id
)

select
  r.source,
  sum(r.raw_rows) as raw_rows,
  sum(r.duplicate_rows) as duplicate_rows,
  sum(c.malformed_minutes) as malformed_minutes,
  sum(c.minutes_over_game_length) as minutes_over_game_length,
  sum(c.unknown_status_rows) as unknown_status_rows,
  sum(r.negative_counts) as negative_counts,
  sum(r.makes_over_attempts) as makes_over_attempts,
  sum(r.unknown_team_rows) as unknown_team_rows,
  sum(r.rows_without_lookup) as rows_without_lookup,
  sum(r.undated_rows) as undated_rows,
  sum(r.future_dated_rows) as future_dated_rows
from raw_counts as r
left join checked as c on c.source = r.source and c.game_id = r.game_id
group by r.source
order by r.source
