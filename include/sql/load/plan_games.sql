-- Loading raw files (python -m nba_backfill.cli load DIR): what loading a staged file will
-- do, per game, before anything is written. Feeds deliver by game: a file replaces the
-- rows of the (game_date, game_id) pairs it holds, and nothing else; with --replace-dates
-- (replace = 'dates') it replaces every row of its game dates, so that the games of
-- those dates it does not hold are removed.
-- One row per game of the file's dates, in the file or in the table: file_rows,
-- table_rows (today), and is_final (the schedule has it Final).
-- Reads the staging table, and the table and the schedule only within the file's dates.
-- Parameters: @first_date, @last_date (DATE) and @dates (ARRAY<DATE>): the file's game dates.
-- Identifiers: table, staging.
with
file_games as (
  select
    {{ raw_value('s.game_date', 'DATE') }} as game_date,
    cast(s.game_id as string) as game_id,
    count(*) as file_rows
  from {{ raw }}.{{ staging }} as s
  group by 1, 2
),

table_games as (
  select t.game_date, t.game_id, count(*) as table_rows
  from {{ raw }}.{{ table }} as t
  where t.game_date between @first_date and @last_date and t.game_date in unnest(@dates)
  group by t.game_date, t.game_id
),

final_games as (
  select s.game_date, s.game_id, logical_or(lower(trim(s.game_status)) = 'final') as is_final
  from {{ schedule }} as s
  where s.game_date between @first_date and @last_date and s.game_date in unnest(@dates)
  group by s.game_date, s.game_id
),

games as (
  select
    coalesce(f.game_date, t.game_date) as game_date,
    coalesce(f.game_id, t.game_id) as game_id,
    coalesce(f.file_rows, 0) as file_rows,
    coalesce(t.table_rows, 0) as table_rows
  from file_games as f
  full outer join table_games as t on t.game_date = f.game_date and t.game_id = f.game_id
)

select g.*, coalesce(s.is_final, false) as is_final
from games as g
left join final_games as s on s.game_date = g.game_date and s.game_id = g.game_id
order by g.game_date, g.game_id
