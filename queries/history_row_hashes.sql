-- One line per row the viewer may see, in every table: a hash of the row's key and a
-- hash of the whole row, so that two snapshots can be compared row by row (added,
-- removed, changed). A planner's capacity, orders and inventory rows are aggregate
-- cells without a factory; their key is then the cell itself (cluster, county, ...).
with
cluster_rows as (
    select 'clusters' as table_name, hash(c.cluster_id) as key_hash, hash(c) as row_hash
    from clusters as c
),

factory_rows as (
    select 'factories' as table_name, hash(f.factory_id) as key_hash, hash(f) as row_hash
    from factories as f
),

capacity_rows as (
    select
        'capacity' as table_name,
        hash(c.factory_id, c.week_start, c.category,
             case when c.factory_id is null then c.cluster_id end,
             case when c.factory_id is null then c.adcode end,
             case when c.factory_id is null then c.pooled_planning end) as key_hash,
        hash(c) as row_hash
    from capacity as c
),

order_rows as (
    select
        'orders' as table_name,
        hash(o.order_id,
             case when o.order_id is null then
                 concat_ws('|', o.cluster_id, o.adcode, o.category, o.channel, o.status, o.buyer_type,
                           cast(o.due_date as varchar))
             end) as key_hash,
        hash(o) as row_hash
    from orders as o
),

inventory_rows as (
    select
        'inventory' as table_name,
        hash(i.factory_id, i.sku, i.size, i.as_of,
             case when i.factory_id is null then concat_ws('|', i.cluster_id, i.adcode) end) as key_hash,
        hash(i) as row_hash
    from inventory as i
),

school_rows as (
    select 'schools' as table_name, hash(s.school_id) as key_hash, hash(s) as row_hash
    from schools as s
),

demand_rows as (
    select 'demand' as table_name, hash(d.request_id) as key_hash, hash(d) as row_hash
    from demand as d
)

select * from cluster_rows
union all select * from factory_rows
union all select * from capacity_rows
union all select * from order_rows
union all select * from inventory_rows
union all select * from school_rows
union all select * from demand_rows
