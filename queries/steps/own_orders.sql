-- One factory's orders ($factory_id), filtered by $status and $channel ('' = any) and by
-- $search: a case-insensitive substring of the order id, buyer or SKU ('' = no search).
-- The views are scoped, so a factory owner gets only their own orders whatever id is passed.
select
    o.order_id, o.channel, o.buyer_id, o.buyer_type, o.category, o.sku, o.size, o.qty, o.unit_price,
    o.order_date, o.due_date, o.status
from orders as o
where o.factory_id = $factory_id
  and ($status = '' or o.status = $status)
  and ($channel = '' or o.channel = $channel)
  and ($search = '' or contains(lower(concat_ws(' ', o.order_id, o.buyer_id, o.sku)), lower($search)))
