-- Headline figures of one cluster ($cluster_id; null = every cluster) for the Overview:
-- factories, capacity and booked pieces in the weeks [$week_from, $week_to), the share of
-- that capacity in pooled planning, open orders and the latest inventory.
with
cluster_factories as (
    select f.factory_id
    from factories as f
    where $cluster_id is null or f.cluster_id = $cluster_id
),

capacity_in_window as (
    select c.*
    from capacity as c
    where ($cluster_id is null or c.cluster_id = $cluster_id)
      and c.week_start >= $week_from
      and c.week_start < $week_to
),

capacity_totals as (
    select
        sum(c.capacity_pieces) as capacity_pieces,
        sum(c.booked_pieces) as booked_pieces,
        coalesce(sum(c.capacity_pieces) filter (where c.pooled_planning), 0) as pooled_capacity_pieces,
        count(*) filter (where c.suppressed) as suppressed_cells
    from capacity_in_window as c
),

open_orders as (
    select
        coalesce(sum(o.n_lines), 0) as open_order_lines,
        coalesce(sum(o.qty), 0) as open_order_pieces
    from orders as o
    where ($cluster_id is null or o.cluster_id = $cluster_id)
      and o.status in ('open', 'in_production')
),

latest_stock as (
    -- only the newest stock count in the snapshot
    select
        sum(i.on_hand_pieces) as inventory_pieces,
        sum(i.on_hand_pieces * i.unit_cost) as inventory_value_cny
    from inventory as i
    where ($cluster_id is null or i.cluster_id = $cluster_id)
      and i.as_of = (select max(as_of) from inventory)
)

select
    (select count(*) from cluster_factories) as factories,
    t.capacity_pieces,
    t.booked_pieces,
    t.booked_pieces / nullif(t.capacity_pieces, 0) as utilisation,
    t.pooled_capacity_pieces / nullif(t.capacity_pieces, 0) as pooled_share,
    o.open_order_lines,
    o.open_order_pieces,
    s.inventory_pieces,
    s.inventory_value_cny,
    t.suppressed_cells
from capacity_totals as t
cross join open_orders as o
cross join latest_stock as s
