-- Capacity and booked pieces by county and category in the weeks [$week_from, $week_to)
-- of one cluster ($cluster_id; null = every cluster), to compare two snapshots, from the
-- capacity cells. A planner's suppressed cells have null measures and are counted, not summed.
-- uses: cluster_cells_in_window
with
by_county_category as (
    select
        c.cluster_id, c.adcode, c.category,
        sum(c.capacity_pieces) as capacity_pieces,
        sum(c.booked_pieces) as booked_pieces,
        count(*) filter (where c.suppressed) as suppressed_cells
    from cluster_cells_in_window as c
    group by c.cluster_id, c.adcode, c.category
)

select b.*
from by_county_category as b
order by b.cluster_id, b.adcode, b.category
