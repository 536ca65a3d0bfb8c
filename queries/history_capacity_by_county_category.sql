-- Capacity and booked pieces by county and category in the weeks [$week_from, $week_to)
-- of one cluster ($cluster_id; null = every cluster), to compare two snapshots.
-- A planner's suppressed cells have null measures and are counted, not summed.
with
capacity_in_window as (
    select c.cluster_id, c.adcode, c.category, c.capacity_pieces, c.booked_pieces, c.suppressed
    from capacity as c
    where ($cluster_id is null or c.cluster_id = $cluster_id)
      and c.week_start >= $week_from
      and c.week_start < $week_to
),

by_county_category as (
    select
        w.cluster_id,
        w.adcode,
        w.category,
        sum(w.capacity_pieces) as capacity_pieces,
        sum(w.booked_pieces) as booked_pieces,
        count(*) filter (where w.suppressed) as suppressed_cells
    from capacity_in_window as w
    group by w.cluster_id, w.adcode, w.category
)

select b.*
from by_county_category as b
order by b.cluster_id, b.adcode, b.category
