-- Factories an administrator can open on the My factory page: the public directory of
-- one cluster ($cluster_id; null = every cluster).
with
candidates as (
    select f.factory_id, f.name
    from factories as f
    where $cluster_id is null or f.cluster_id = $cluster_id
)

select c.factory_id, c.name
from candidates as c
order by c.factory_id
