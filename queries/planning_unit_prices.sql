-- School-uniform unit price (CNY per piece) per factory and garment, from the orders in
-- view of cluster $cluster_id (null = any): quantity-weighted mean of the factory's orders
-- for that garment (a pooled order's SKU ends in '-<garment>'), else of all its
-- school-uniform orders, else of the cluster's orders for that garment. Cancelled orders
-- are left out. Factories with none of these get the model's documented default.
with
uniform_orders as (
    select o.factory_id, o.sku, o.qty, o.unit_price
    from orders as o
    where o.category = 'school_uniform'
      and o.status <> 'cancelled'
      and o.factory_id is not null
      and o.qty > 0
      and o.unit_price > 0
      and ($cluster_id is null or o.cluster_id = $cluster_id)
),

garments as (
    select distinct d.garment
    from demand as d
),

by_factory_garment as (
    select u.factory_id, g.garment, sum(u.qty * u.unit_price) / sum(u.qty) as unit_price
    from uniform_orders as u
    inner join garments as g on ends_with(u.sku, '-' || g.garment)
    group by u.factory_id, g.garment
),

by_factory as (
    select u.factory_id, sum(u.qty * u.unit_price) / sum(u.qty) as unit_price
    from uniform_orders as u
    group by u.factory_id
),

by_garment as (
    select g.garment, sum(u.qty * u.unit_price) / sum(u.qty) as unit_price
    from uniform_orders as u
    inner join garments as g on ends_with(u.sku, '-' || g.garment)
    group by g.garment
),

factory_garments as (
    select f.factory_id, g.garment
    from (select distinct factory_id from uniform_orders) as f
    cross join garments as g
)

select
    fg.factory_id,
    fg.garment,
    coalesce(a.unit_price, b.unit_price, c.unit_price) as unit_price,
    case
        when a.unit_price is not null then 'factory_garment'
        when b.unit_price is not null then 'factory'
        else 'cluster_garment'
    end as price_source
from factory_garments as fg
left join by_factory_garment as a on a.factory_id = fg.factory_id and a.garment = fg.garment
left join by_factory as b on b.factory_id = fg.factory_id
left join by_garment as c on c.garment = fg.garment
order by fg.factory_id, fg.garment
