-- Loading player aliases (python -m nba_backfill.cli load DIR, player_aliases.csv), step 1
-- of 2 (the same transaction as load/insert_aliases.sql): the file is the whole table of
-- aliases in force, so a row in force that the file no longer has (every column of the
-- file alike: include/sql/macros/player_aliases.sql.j2, same_alias) is retired
-- (retired_at now), never deleted, so that staleness sees the games it touched
-- (include/sql/state/day_status.sql). Run after load/check_aliases.sql found nothing wrong.
-- Identifiers: staging, staged (the columns the file has).
update {{ reference }}.player_aliases as t
set retired_at = current_timestamp()
where t.retired_at is null
  and not exists (
    select 1
    from ({{ staged_aliases(raw ~ '.' ~ staging, staged) }}) as s
    where {{ same_alias('t', 's') }}
  )
