-- Loading raw files, step 2 of 2 (the same transaction as load/delete_games.sql): the
-- staged file's rows, as the raw table's column types want them (include/sql/macros/
-- raw_values.sql.j2; load/check_staged.sql said every value is one its column takes).
-- A column the file lacks is NULL. Appends only: the rows it replaces were deleted by
-- step 1, so loading the same file again changes nothing.
-- Identifiers: table, staging, columns (every column of the raw table, with its type),
-- staged (the columns the file has).
insert into {{ raw }}.{{ table }} (
  {%- for column, type in columns %}
  {{ column }}{{ "," if not loop.last }}
  {%- endfor %}
)
select
  {%- for column, type in columns %}
  {% if column in staged %}{{ raw_value('s.' ~ column, type) }}{% else %}cast(null as {{ type }}){% endif %} as {{ column }}{{ "," if not loop.last }}
  {%- endfor %}
from {{ raw }}.{{ staging }} as s
