-- One factory's finished stock ($factory_id) at its latest stock count: pieces on hand,
-- unit cost and value per SKU and size.
with
own_stock as (
    select i.sku, i.size, i.as_of, i.on_hand_pieces, i.unit_cost
    from inventory as i
    where i.factory_id = $factory_id
),

latest_count as (
    select max(s.as_of) as as_of
    from own_stock as s
)

select
    s.as_of,
    s.sku,
    s.size,
    s.on_hand_pieces,
    s.unit_cost,
    s.on_hand_pieces * s.unit_cost as value_cny
from own_stock as s
join latest_count as l on l.as_of = s.as_of
order by s.sku, s.size
