-- Capacity and booked pieces by county and category in the weeks [$week_from, $week_to) of one
-- cluster ($cluster_id; null = every cluster), in snapshot a and in snapshot b, from the
-- capacity cells of a connection that holds both (supply/engine/diff.py). A cell (cluster,
-- county, pooled flag, category, week) is withheld from BOTH sides when it is suppressed in
-- either snapshot or when more than none but fewer than 3 factories changed in it
-- (diff_changed_cells, planners only): subtracting b from a then recovers no factory's figure.
-- Withheld cells are counted per side.
with
cells_a as (
    select c.*
    from a.capacity_cells as c
    where ($cluster_id is null or c.cluster_id = $cluster_id)
      and c.week_start >= $week_from and c.week_start < $week_to
),

cells_b as (
    select c.*
    from b.capacity_cells as c
    where ($cluster_id is null or c.cluster_id = $cluster_id)
      and c.week_start >= $week_from and c.week_start < $week_to
),

paired as (
    select
        coalesce(x.cluster_id, y.cluster_id) as cluster_id,
        coalesce(x.adcode, y.adcode) as adcode,
        coalesce(x.pooled_planning, y.pooled_planning) as pooled_planning,
        coalesce(x.category, y.category) as category,
        coalesce(x.week_start, y.week_start) as week_start,
        x.capacity_pieces as capacity_a, y.capacity_pieces as capacity_b,
        x.booked_pieces as booked_a, y.booked_pieces as booked_b,
        x.cluster_id is not null or x.adcode is not null or x.category is not null as in_a,
        y.cluster_id is not null or y.adcode is not null or y.category is not null as in_b,
        coalesce(x.suppressed, false) or coalesce(y.suppressed, false) as suppressed
    from cells_a as x
    full join cells_b as y
        on x.cluster_id is not distinct from y.cluster_id
        and x.adcode is not distinct from y.adcode
        and x.pooled_planning is not distinct from y.pooled_planning
        and x.category = y.category
        and x.week_start = y.week_start
),

judged as (
    select
        p.*,
        p.suppressed or coalesce(d.changed_factories > 0 and d.changed_factories < d.suppress_below, false)
            as withheld
    from paired as p
    left join diff_changed_cells as d
        on d.cluster_id is not distinct from p.cluster_id
        and d.adcode is not distinct from p.adcode
        and d.pooled_planning is not distinct from p.pooled_planning
        and d.category = p.category
        and d.week_start = p.week_start
)

select
    j.cluster_id,
    j.adcode,
    j.category,
    sum(j.capacity_a) filter (where not j.withheld) as capacity_a,
    sum(j.capacity_b) filter (where not j.withheld) as capacity_b,
    sum(j.booked_a) filter (where not j.withheld) as booked_a,
    sum(j.booked_b) filter (where not j.withheld) as booked_b,
    count(*) filter (where j.withheld and j.in_a) as suppressed_a,
    count(*) filter (where j.withheld and j.in_b) as suppressed_b
from judged as j
group by j.cluster_id, j.adcode, j.category
order by j.cluster_id, j.adcode, j.category
