-- What the inventory simulation needs besides demand, for one cluster ($cluster_id; null =
-- every cluster): the MOQ of its school-uniform makers, and a unit value for stock in CNY,
-- the unit cost of the makers' stock where the viewer's cells split it out (planners' do
-- not), else the average price of pooled school-uniform orders. Read from the cells.
with
uniform_makers as (
    select f.factory_id, f.moq_pieces, f.pooled_planning
    from factories as f
    where ($cluster_id is null or f.cluster_id = $cluster_id)
      and list_contains(f.categories, 'school_uniform')
),

moq as (
    select
        count(*) as uniform_makers,
        count(*) filter (where m.pooled_planning) as pooled_makers,
        quantile_disc(m.moq_pieces, 0.5) as moq_median,
        min(m.moq_pieces) as moq_min,
        max(m.moq_pieces) as moq_max
    from uniform_makers as m
),

makers_stock as (
    -- the latest stock count of the makers
    select sum(i.value) / nullif(sum(i.on_hand_pieces), 0) as stock_unit_cost
    from stock_cells as i
    where i.uniform_maker
      and ($cluster_id is null or i.cluster_id = $cluster_id)
      and i.as_of = (select max(i2.as_of) from stock_cells as i2)
),

pooled_price as (
    -- unallocated pooled orders have no cluster yet; they count for every cluster
    select sum(o.value) / nullif(sum(o.qty), 0) as pooled_unit_price
    from order_cells as o
    where o.category = 'school_uniform'
      and o.channel = 'pooled'
      and o.status <> 'cancelled'
      and ($cluster_id is null or o.cluster_id = $cluster_id or o.cluster_id is null)
)

select m.uniform_makers, m.pooled_makers, m.moq_median, m.moq_min, m.moq_max,
       s.stock_unit_cost, p.pooled_unit_price
from moq as m
cross join makers_stock as s
cross join pooled_price as p
