-- Rows of each table that the viewer may see in one snapshot. Capacity, orders and
-- inventory count the source lines behind each cell (sum of n_lines, from the rollups), so a
-- planner's aggregate cells count the lines in them; suppressed cells count as none.
with
table_counts as (
    select 'clusters' as table_name, count(*) as n_rows from clusters
    union all
    select 'factories' as table_name, count(*) as n_rows from factories
    union all
    select 'capacity' as table_name, coalesce(sum(c.n_lines), 0) as n_rows from capacity_cells as c
    union all
    select 'orders' as table_name, coalesce(sum(o.n_lines), 0) as n_rows from order_cells as o
    union all
    select 'inventory' as table_name, coalesce(sum(i.n_lines), 0) as n_rows from stock_cells as i
    union all
    select 'schools' as table_name, count(*) as n_rows from schools
    union all
    select 'demand' as table_name, count(*) as n_rows from demand
)

select t.table_name, cast(t.n_rows as bigint) as n_rows
from table_counts as t
