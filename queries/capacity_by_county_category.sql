-- Capacity, booked and idle pieces by county and category over the weeks
-- [$week_from, $week_to) of one cluster ($cluster_id; null = every cluster): the view a
-- planner gets. A planner's cells of fewer than 3 factories come with null measures
-- (db.py); a county x category cell is 'suppressed' when all of it is hidden and
-- 'partly_suppressed' when some of it is (its sums then leave the hidden part out).
with
capacity_in_window as (
    select c.*
    from capacity as c
    where ($cluster_id is null or c.cluster_id = $cluster_id)
      and c.week_start >= $week_from
      and c.week_start < $week_to
),

county_weeks as (
    select
        c.adcode,
        c.category,
        c.week_start,
        sum(c.capacity_pieces) as capacity_pieces,
        sum(c.booked_pieces) as booked_pieces,
        sum(c.n_factories) as factories,
        coalesce(sum(c.n_factories) filter (where c.suppressed), 0) as suppressed_factories,
        count(*) filter (where c.suppressed) as suppressed_cells,
        count(*) as cells
    from capacity_in_window as c
    group by c.adcode, c.category, c.week_start
),

county_totals as (
    select
        w.adcode,
        w.category,
        sum(w.capacity_pieces) as capacity_pieces,
        sum(w.booked_pieces) as booked_pieces,
        max(w.factories) as factories,
        max(w.suppressed_factories) as suppressed_factories,
        bool_and(w.suppressed_cells = w.cells) as all_suppressed
    from county_weeks as w
    group by w.adcode, w.category
)

select
    t.adcode,
    t.category,
    t.factories,
    t.capacity_pieces,
    t.booked_pieces,
    t.capacity_pieces - t.booked_pieces as idle_pieces,
    t.booked_pieces / nullif(t.capacity_pieces, 0) as utilisation,
    t.suppressed_factories,
    case
        when t.all_suppressed then 'suppressed'
        when t.suppressed_factories > 0 then 'partly_suppressed'
        else 'shown'
    end as suppression
from county_totals as t
order by t.adcode, t.category
