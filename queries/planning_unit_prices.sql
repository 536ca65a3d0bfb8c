-- School-uniform unit price (CNY per piece) per factory and garment, from the orders in
-- view of cluster $cluster_id (null = any): quantity-weighted mean of the factory's orders
-- for that garment (a pooled order's SKU ends in '-<garment>'), else of all its
-- school-uniform orders, else of the cluster's orders for that garment. Cancelled orders
-- are left out. Factories with none of these get the model's documented default.
-- Reads the rollup view uniform_prices (per factory x garment sums, written with the
-- snapshot), not the order lines.
with
uniform_orders as (
    select p.factory_id, p.garment, p.qty, p.value
    from uniform_prices as p
    where ($cluster_id is null or p.cluster_id = $cluster_id)
),

garments as (
    select distinct d.garment
    from demand as d
),

by_factory_garment as (
    select u.factory_id, u.garment, sum(u.value) / sum(u.qty) as unit_price
    from uniform_orders as u
    inner join garments as g on g.garment = u.garment
    group by u.factory_id, u.garment
),

by_factory as (
    select u.factory_id, sum(u.value) / sum(u.qty) as unit_price
    from uniform_orders as u
    group by u.factory_id
),

by_garment as (
    select u.garment, sum(u.value) / sum(u.qty) as unit_price
    from uniform_orders as u
    inner join garments as g on g.garment = u.garment
    group by u.garment
),

factory_garments as (
    select f.factory_id, g.garment
    from (select distinct u.factory_id from uniform_orders as u) as f
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
