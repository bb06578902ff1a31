-- Loading player aliases (python -m nba_backfill.cli load DIR, player_aliases.csv): the
-- staged file's rows with what stops each from being applied, by the very rules the passes
-- apply (include/sql/macros/player_aliases.sql.j2): a row there twice, two rows that could
-- give one spelling two keys, a chain, an unknown source, an alias or key without a
-- letter, an alias equal to its key, first_season after last_season. Nothing is written
-- unless this returns no row.
-- Rows: source, alias_key, team_abbr, first_season, last_season, player_lookup, problem.
-- Identifiers: staging, staged (the columns the file has).
{%- set typed %}{{ staged_aliases(raw ~ '.' ~ staging, staged, distinct=false) }}{%- endset %}
with
{{ player_aliases_ctes(reference, typed) }}

select *
from player_aliases
where problem is not null
order by source, alias_key, team_abbr, first_season, last_season, player_lookup
