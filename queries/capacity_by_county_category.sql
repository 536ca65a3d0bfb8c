-- Capacity, booked and idle pieces by county and category over the weeks
-- [$week_from, $week_to) of one cluster ($cluster_id; null = every cluster), from the
-- capacity cells. A planner's cells of fewer than 3 factories come with null measures; a
-- county x category is 'suppressed' when all of it is hidden and 'partly_suppressed' when
-- some of it is (its sums then leave the hidden part out).
-- uses: cluster_cells_in_window
with
county_weeks as (
    -- factories per county, category and week: cells split a county only by factory attributes
    select
        c.adcode,
        c.category,
        c.week_start,
        sum(c.capacity_pieces) as capacity_pieces,
        sum(c.booked_pieces) as booked_pieces,
        sum(c.n_factories) as factories,
        coalesce(sum(c.n_factories) filter (where c.suppressed), 0) as suppressed_factories,
        bool_and(c.suppressed) as all_suppressed
    from cluster_cells_in_window as c
    group by c.adcode, c.category, c.week_start
)

select
    w.adcode, w.category,
    max(w.factories) as factories,
    sum(w.capacity_pieces) as capacity_pieces,
    sum(w.booked_pieces) as booked_pieces,
    sum(w.capacity_pieces) - sum(w.booked_pieces) as idle_pieces,
    sum(w.booked_pieces) / nullif(sum(w.capacity_pieces), 0) as utilisation,
    max(w.suppressed_factories) as suppressed_factories,
    case
        when bool_and(w.all_suppressed) then 'suppressed'
        when max(w.suppressed_factories) > 0 then 'partly_suppressed'
        else 'shown'
    end as suppression
from county_weeks as w
group by w.adcode, w.category
order by w.adcode, w.category
