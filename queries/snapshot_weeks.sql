-- The weeks the snapshot's capacity covers, with how many rows each has (from the cells).
with
weeks as (
    select c.week_start, sum(c.n_lines) as rows
    from capacity_cells as c
    group by c.week_start
)

select w.week_start, w.rows
from weeks as w
order by w.week_start
