-- Headline figures of one cluster ($cluster_id; null = every cluster) for the Overview:
-- factories, capacity and booked pieces in the weeks [$week_from, $week_to), the share of
-- that capacity in pooled planning, open orders and the latest inventory. Everything but the
-- factory count is read from the cells (rollups), never from order lines.
-- uses: cluster_cells_in_window
with
capacity_totals as (
    select
        sum(c.capacity_pieces) as capacity_pieces,
        sum(c.booked_pieces) as booked_pieces,
        coalesce(sum(c.capacity_pieces) filter (where c.pooled_planning), 0) as pooled_capacity_pieces,
        count(*) filter (where c.suppressed) as suppressed_cells
    from cluster_cells_in_window as c
),

open_orders as (
    select
        coalesce(sum(o.n_lines), 0) as open_order_lines,
        coalesce(sum(o.qty), 0) as open_order_pieces
    from order_cells as o
    where ($cluster_id is null or o.cluster_id = $cluster_id)
      and o.status in ('open', 'in_production')
),

latest_stock as (
    -- only the newest stock count in the snapshot
    select sum(i.on_hand_pieces) as inventory_pieces, sum(i.value) as inventory_value_cny
    from stock_cells as i
    where ($cluster_id is null or i.cluster_id = $cluster_id)
      and i.as_of = (select max(s.as_of) from stock_cells as s)
)

select
    (select count(*) from factories as f where $cluster_id is null or f.cluster_id = $cluster_id) as factories,
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
