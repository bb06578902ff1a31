-- Loading player aliases: what replacing the aliases in force by the staged file will do,
-- before anything is written (the same matching as load/replace_aliases.sql): how many of
-- the file's rows are in force already (kept), new (added), and how many rows in force the
-- file no longer has (retired).
-- Identifiers: staging, staged (the columns the file has).
with
file_rows as (
  select distinct
    {%- for column, type in [('source', 'STRING'), ('alias', 'STRING'), ('team_abbr', 'STRING'), ('first_season', 'INT64'), ('last_season', 'INT64'), ('player_lookup', 'STRING')] %}
    {% if column in staged %}{{ raw_value('s.' ~ column, type) }}{% else %}cast(null as {{ type }}){% endif %} as {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
  from {{ raw }}.{{ staging }} as s
),

in_force as (
  select * from {{ reference }}.player_aliases as t where t.retired_at is null
),

matched as (
  select
    f.source is not null as in_file,
    t.source is not null as in_table
  from file_rows as f
  full outer join in_force as t
    on t.source = f.source
    and t.alias = f.alias
    and coalesce(t.team_abbr, '') = coalesce(f.team_abbr, '')
    and coalesce(t.first_season, -1) = coalesce(f.first_season, -1)
    and coalesce(t.last_season, -1) = coalesce(f.last_season, -1)
    and t.player_lookup = f.player_lookup
)

select
  countif(in_file and in_table) as kept,
  countif(in_file and not in_table) as added,
  countif(in_table and not in_file) as retired
from matched
