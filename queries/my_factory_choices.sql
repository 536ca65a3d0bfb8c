-- Factories an administrator can open on the My factory page: the public directory of one
-- cluster ($cluster_id; null = every cluster) whose id or name contains $search
-- (case-insensitive; '' = all), the first $limit by id. total_rows is how many match, so the
-- picker can say how many it leaves out (1.5M factories at scale 500 are never all listed).
with
matching as (
    select f.factory_id, f.name
    from factories as f
    where ($cluster_id is null or f.cluster_id = $cluster_id)
      and ($search = '' or contains(lower(concat_ws(' ', f.factory_id, f.name)), lower($search)))
),

ranked as (
    select
        m.factory_id,
        m.name,
        count(*) over () as total_rows,
        row_number() over (order by m.factory_id) as row_number
    from matching as m
)

select r.factory_id, r.name, r.total_rows
from ranked as r
where r.row_number <= $limit
order by r.row_number
