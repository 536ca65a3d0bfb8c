-- Pooled (school-uniform) orders allocated to one factory ($factory_id): the work orders
-- when no production plan is available. The school's name comes from the schools view,
-- which shows a factory owner only the schools that buy from them.
with
own_pooled as (
    select o.order_id, o.buyer_id, o.sku, o.size, o.qty, o.due_date, o.status
    from orders as o
    where o.factory_id = $factory_id
      and o.channel = 'pooled'
)

select
    p.order_id,
    p.buyer_id as school_id,
    s.name as school,
    p.sku,
    p.size,
    p.qty,
    p.due_date,
    p.status
from own_pooled as p
left join schools as s on s.school_id = p.buyer_id
order by p.due_date, p.buyer_id, p.sku, p.size
