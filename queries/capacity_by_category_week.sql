-- Weekly capacity, booked and idle pieces by category for one cluster ($cluster_id; null =
-- every cluster) in the weeks [$week_from, $week_to), with the part in pooled planning.
-- Read from the capacity cells (rollups). For planners, cells of fewer than 3 factories have
-- null measures: they drop out of the sums and are counted in suppressed_cells /
-- suppressed_factories instead.
-- uses: cluster_cells_in_window
with
weekly as (
    select
        c.week_start,
        c.category,
        sum(c.capacity_pieces) as capacity_pieces,
        sum(c.booked_pieces) as booked_pieces,
        coalesce(sum(c.capacity_pieces) filter (where c.pooled_planning), 0) as pooled_capacity_pieces,
        sum(c.n_factories) as factories,
        coalesce(sum(c.n_factories) filter (where c.suppressed), 0) as suppressed_factories,
        count(*) filter (where c.suppressed) as suppressed_cells
    from cluster_cells_in_window as c
    group by c.week_start, c.category
)

select
    w.week_start, w.category, w.capacity_pieces, w.booked_pieces,
    w.capacity_pieces - w.booked_pieces as idle_pieces,
    w.booked_pieces / nullif(w.capacity_pieces, 0) as utilisation,
    w.pooled_capacity_pieces, w.factories, w.suppressed_factories, w.suppressed_cells
from weekly as w
order by w.week_start, w.category
