-- One factory's orders ($factory_id), newest due date first, filtered by $status and
-- $channel ('' = any) and by $search: a case-insensitive substring of the order id,
-- buyer or SKU ('' = no search). Values are bound, never formatted into the SQL.
with
own_orders as (
    select o.*
    from orders as o
    where o.factory_id = $factory_id
),

filtered as (
    select o.*
    from own_orders as o
    where ($status = '' or o.status = $status)
      and ($channel = '' or o.channel = $channel)
      and ($search = ''
           or contains(lower(concat_ws(' ', o.order_id, o.buyer_id, o.sku)), lower($search)))
)

select
    f.order_id,
    f.channel,
    f.buyer_id,
    f.buyer_type,
    f.category,
    f.sku,
    f.size,
    f.qty,
    f.unit_price,
    f.order_date,
    f.due_date,
    f.status
from filtered as f
order by f.due_date desc, f.order_id
