-- Loading player aliases (python -m nba_backfill.cli load DIR, player_aliases.csv): the
-- file is the whole table of aliases in force. ONE statement, run after
-- load/check_aliases.sql found nothing wrong:
-- * a row of the file that is in force already (the same source, alias, team, seasons and
--   key) is kept as it is, its note updated;
-- * a new row is inserted, updated_at now;
-- * a row in force that the file no longer has is retired (retired_at now), never
--   deleted, so that staleness sees the games it touched (include/sql/state/day_status.sql).
-- Loading the same file again changes nothing.
-- Identifiers: staging, staged (the columns the file has; the others are NULL).
merge {{ reference }}.player_aliases as t
using (
  select distinct
    {%- for column, type in [('source', 'STRING'), ('alias', 'STRING'), ('team_abbr', 'STRING'), ('first_season', 'INT64'), ('last_season', 'INT64'), ('player_lookup', 'STRING'), ('note', 'STRING')] %}
    {% if column in staged %}{{ raw_value('s.' ~ column, type) }}{% else %}cast(null as {{ type }}){% endif %} as {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
  from {{ raw }}.{{ staging }} as s
) as s
on t.retired_at is null
  and t.source = s.source
  and t.alias = s.alias
  and coalesce(t.team_abbr, '') = coalesce(s.team_abbr, '')
  and coalesce(t.first_season, -1) = coalesce(s.first_season, -1)
  and coalesce(t.last_season, -1) = coalesce(s.last_season, -1)
  and t.player_lookup = s.player_lookup
when matched and coalesce(t.note, '') != coalesce(s.note, '') then update set note = s.note
when not matched by target then insert (
  source, alias, team_abbr, first_season, last_season, player_lookup, note, updated_at, retired_at
) values (
  s.source, s.alias, s.team_abbr, s.first_season, s.last_season, s.player_lookup, s.note,
  current_timestamp(), cast(null as timestamp)
)
when not matched by source and t.retired_at is null then update set retired_at = current_timestamp()
