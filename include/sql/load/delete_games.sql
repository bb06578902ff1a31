-- Loading raw files, step 1 of 2 (the same transaction as load/insert_staged.sql): delete
-- the rows the staged file replaces. replace = 'games' (the default): the rows of the
-- (game_date, game_id) pairs the file holds, and nothing else, so that a correction of one
-- game leaves the other games of its date as they are; replace = 'dates' (--replace-dates):
-- every row of the file's game dates. Only the partitions of the file's dates are read or
-- rewritten (the filter on game_date), whatever the size of the table.
-- Parameters: @first_date, @last_date (DATE) and @dates (ARRAY<DATE>): the file's game dates.
-- Identifiers: table, staging, replace ('games' or 'dates').
delete from {{ raw }}.{{ table }} as t
where t.game_date between @first_date and @last_date
  and t.game_date in unnest(@dates)
{%- if replace == 'games' %}
  and exists (
    select 1
    from {{ raw }}.{{ staging }} as s
    where cast(s.game_id as string) = t.game_id
      and {{ raw_value('s.game_date', 'DATE') }} = t.game_date
  )
{%- endif %}
