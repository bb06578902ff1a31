-- Audit figures: the messes in the range's raw stats rows (Final games only), counted. Each
-- one gets the contract's behaviour in Pass 1 (include/sql/pass1/load_day.sql) and none
-- fails the run; this query only reports how many there were, per source.
-- (least() over coalesced counts: BigQuery's LEAST is NULL if any argument is NULL.)
-- Parameters: @start_date, @end_date (DATE, inclusive).
with
final_games as (
  select game_id, any_value(home_team_abbr) as home_team_abbr, any_value(away_team_abbr) as away_team_abbr
  from {{ raw }}.nbac_schedule
  where game_date between @start_date and @end_date and game_status = 'Final'
  group by game_id
),

stats as (
  select
    'nbac_gamebook' as source,
    g.game_id,
    regexp_replace(lower(coalesce(g.player_lookup, g.player_name)), r'[^a-z]', '') as player_lookup,
    lower(trim(g.player_status)) = 'active' as is_active,
    trim(g.minutes) as minutes,
    upper(trim(g.team_abbr)) as team_abbr,
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
    regexp_replace(lower(coalesce(b.player_lookup, b.player_full_name)), r'[^a-z]', '') as player_lookup,
    true as is_active,
    trim(b.minutes) as minutes,
    upper(trim(b.team_abbr)) as team_abbr,
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
)

select
  s.source,
  count(*) as raw_rows,
  count(*) - count(distinct concat(s.game_id, '|', s.player_lookup)) as duplicate_rows,
  countif(
    s.is_active and s.minutes is not null and s.minutes != '-'
    and not regexp_contains(s.minutes, r'^[0-9]{1,3}(:[0-5][0-9])?$')
  ) as malformed_minutes,
  countif(s.has_negative_count) as negative_counts,
  countif(s.makes_over_attempts) as makes_over_attempts,
  countif(s.team_abbr is null or s.team_abbr not in (f.home_team_abbr, f.away_team_abbr)) as unknown_team_rows,
  countif(s.player_lookup = '' or s.player_lookup is null) as rows_without_lookup
from stats as s
join final_games as f on f.game_id = s.game_id
group by s.source
order by s.source
