-- Loading raw files (python -m nba_backfill.cli load DIR): is every value of a staged file
-- what its raw table's column takes? (include/sql/macros/raw_values.sql.j2 says what each
-- type takes.) Nothing is written before this says yes.
-- Returns one row: rows; per column `<column>__bad` (how many values it does not take) and
-- `<column>__example` (the first such value); per required column `<column>__nulls` (its
-- empty values); and the game dates the file holds (first_date, last_date, dates; none for a
-- table without game_date, such as player_aliases).
-- Identifiers: staging, columns (the file's columns, with the raw table's types),
-- required (the raw table's NOT NULL columns, all of them in the file).
select
  count(*) as rows,
  {%- for column, type in columns %}
  countif(not {{ raw_value_ok('s.' ~ column, type) }}) as {{ column }}__bad,
  min(if({{ raw_value_ok('s.' ~ column, type) }}, null, cast(s.{{ column }} as string))) as {{ column }}__example,
  {%- endfor %}
  {%- for column in required %}
  countif(nullif(trim(cast(s.{{ column }} as string)), '') is null) as {{ column }}__nulls,
  {%- endfor %}
  {%- if 'game_date' in required %}
  min(if({{ raw_value_ok('s.game_date', 'DATE') }}, {{ raw_value('s.game_date', 'DATE') }}, null)) as first_date,
  max(if({{ raw_value_ok('s.game_date', 'DATE') }}, {{ raw_value('s.game_date', 'DATE') }}, null)) as last_date,
  array_agg(distinct if({{ raw_value_ok('s.game_date', 'DATE') }}, {{ raw_value('s.game_date', 'DATE') }}, null) ignore nulls) as dates
  {%- else %}
  cast(null as date) as first_date,
  cast(null as date) as last_date,
  cast([] as array<date>) as dates
  {%- endif %}
from {{ raw }}.{{ staging }} as s
