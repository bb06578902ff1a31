-- Loading player aliases: what replacing the aliases in force by the staged file will do,
-- before anything is written (the same matching as load/retire_aliases.sql and
-- load/insert_aliases.sql): how many of the file's rows are in force already (kept), new
-- (added), and how many rows in force the file no longer has (retired).
-- Identifiers: staging, staged (the columns the file has).
with
file_rows as (
  {{ staged_aliases(raw ~ '.' ~ staging, staged) }}
),

in_force as (
  select * from {{ reference }}.player_aliases as t where t.retired_at is null
),

kept as (
  select count(*) as kept
  from file_rows as s
  where exists (select 1 from in_force as t where {{ same_alias('t', 's') }})
)

select
  kept.kept,
  (select count(*) from file_rows) - kept.kept as added,
  (select count(*) from in_force) - kept.kept as retired
from kept
