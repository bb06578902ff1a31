-- Loading raw files (python -m nba_backfill.cli load DIR): the staged file's rows replace
-- the rows of the same game dates in the raw table, in ONE statement (a failed load leaves
-- the table as it was; loading the same file again changes nothing). Run after
-- load/check_staged.sql said every value is one its column takes.
-- Parameters: @first_date, @last_date (DATE) and @dates (ARRAY<DATE>): the file's game dates.
-- Identifiers: table, staging, columns (every column of the raw table, with its type),
-- staged (the columns the file has; the others are NULL).
merge {{ raw }}.{{ table }} as t
using (
  select
    {%- for column, type in columns %}
    {% if column in staged %}{{ raw_value('s.' ~ column, type) }}{% else %}cast(null as {{ type }}){% endif %} as {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
  from {{ raw }}.{{ staging }} as s
) as s
on false
when not matched by source
  and t.game_date between @first_date and @last_date
  and t.game_date in unnest(@dates) then delete
when not matched then insert (
  {%- for column, type in columns %}
  {{ column }}{{ "," if not loop.last }}
  {%- endfor %}
) values (
  {%- for column, type in columns %}
  s.{{ column }}{{ "," if not loop.last }}
  {%- endfor %}
)
