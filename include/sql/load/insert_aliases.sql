-- Loading player aliases, step 2 of 2 (after load/retire_aliases.sql, in its transaction):
-- the rows of the file not in force yet, stamped updated_at now. A row in force already is
-- kept as it is, so loading the same file again changes nothing.
-- Identifiers: staging, staged (the columns the file has).
insert into {{ reference }}.player_aliases (
  source, alias, team_abbr, first_season, last_season, player_lookup, note, updated_at,
  retired_at
)
select
  s.source, s.alias, s.team_abbr, s.first_season, s.last_season, s.player_lookup, s.note,
  current_timestamp(), cast(null as timestamp)
from ({{ staged_aliases(raw ~ '.' ~ staging, staged) }}) as s
where not exists (
  select 1
  from {{ reference }}.player_aliases as t
  where t.retired_at is null and {{ same_alias('t', 's') }}
)
