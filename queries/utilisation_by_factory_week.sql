-- Utilisation per factory and week over [$week_from, $week_to) for the heatmap: the top
-- $top_n factories of one cluster ($cluster_id; null = every cluster), ranked by horizon
-- utilisation or by horizon capacity ($sort_by = 'utilisation' | 'capacity'; a value, not
-- an identifier). $category narrows to one category (null = all of a factory's categories).
-- Factories are ranked on their horizon totals first; weeks are summed for the top ones only
-- (at province scale a cluster has 600,000 factories x weeks). Planners' views carry no
-- factory, so they get no rows.
with
capacity_in_window as not materialized (
    select c.factory_id, c.week_start, c.capacity_pieces, c.booked_pieces
    from capacity as c
    where c.factory_id is not null
      and ($cluster_id is null or c.cluster_id = $cluster_id)
      and ($category is null or c.category = $category)
      and c.week_start >= $week_from
      and c.week_start < $week_to
),

factory_totals as (
    select
        c.factory_id,
        sum(c.capacity_pieces) as horizon_capacity_pieces,
        sum(c.booked_pieces) / nullif(sum(c.capacity_pieces), 0) as horizon_utilisation
    from capacity_in_window as c
    group by c.factory_id
),

top_totals as (
    -- a top-N sort (limit), not a row_number over every factory: 600,000 factories at scale 500
    select t.*
    from factory_totals as t
    order by
        case when $sort_by = 'capacity' then t.horizon_capacity_pieces::double
             else t.horizon_utilisation end desc nulls last,
        t.factory_id
    limit cast($top_n as integer)  -- Spark wants an integer here
),

top_factories as (
    select
        t.*,
        row_number() over (
            order by
                case when $sort_by = 'capacity' then t.horizon_capacity_pieces::double
                     else t.horizon_utilisation end desc nulls last,
                t.factory_id
        ) as rank,
        (select count(*) from factory_totals) as factories_total
    from top_totals as t
),

factory_weeks as (
    select
        c.factory_id,
        c.week_start,
        sum(c.capacity_pieces) as capacity_pieces,
        sum(c.booked_pieces) as booked_pieces
    from capacity_in_window as c
    where c.factory_id in (select t.factory_id from top_factories as t)
    group by c.factory_id, c.week_start
)

select
    r.rank,
    w.factory_id,
    f.name,
    w.week_start,
    w.capacity_pieces,
    w.booked_pieces,
    w.booked_pieces / nullif(w.capacity_pieces, 0) as utilisation,
    r.horizon_capacity_pieces,
    r.horizon_utilisation,
    r.factories_total
from factory_weeks as w
join top_factories as r on r.factory_id = w.factory_id
join factories as f on f.factory_id = w.factory_id
order by r.rank, w.week_start
