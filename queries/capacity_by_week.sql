-- Weekly capacity, booked and idle pieces by category for one cluster ($cluster_id;
-- null = every cluster) in the weeks [$week_from, $week_to).
with
capacity_in_window as (
    select c.*
    from capacity as c
    where ($cluster_id is null or c.cluster_id = $cluster_id)
      and c.week_start >= $week_from
      and c.week_start < $week_to
),

weekly as (
    select
        c.week_start,
        c.category,
        sum(c.capacity_pieces) as capacity_pieces,
        sum(c.booked_pieces) as booked_pieces,
        count(*) filter (where c.suppressed) as suppressed_cells
    from capacity_in_window as c
    group by c.week_start, c.category
)

select
    w.week_start,
    w.category,
    w.capacity_pieces,
    w.booked_pieces,
    w.capacity_pieces - w.booked_pieces as idle_pieces,
    w.booked_pieces / nullif(w.capacity_pieces, 0) as utilisation,
    w.suppressed_cells
from weekly as w
order by w.week_start, w.category
