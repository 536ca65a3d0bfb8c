-- Collected school-uniform demand per school x garment x size, for the schools in the
-- cities of one cluster ($cluster_id; null = every school): the initial demand of the
-- inventory simulation. Empty for roles that cannot see class lists.
with
cluster_cities as (
    select distinct left(a.adcode, 4) as city
    from (select unnest(c.adcodes) as adcode from clusters as c where c.cluster_id = $cluster_id) as a
),

cluster_schools as (
    select s.school_id, s.adcode
    from schools as s
    where $cluster_id is null or left(s.adcode, 4) in (select cc.city from cluster_cities as cc)
),

cells as (
    select d.school_id, d.garment, d.size, sum(d.qty) as qty
    from demand as d
    where d.school_id in (select cs.school_id from cluster_schools as cs)
    group by d.school_id, d.garment, d.size
)

select cs.adcode, c.school_id, c.garment, c.size, c.qty
from cells as c
join cluster_schools as cs on cs.school_id = c.school_id
where c.qty > 0
order by cs.adcode, c.school_id, c.garment, c.size
