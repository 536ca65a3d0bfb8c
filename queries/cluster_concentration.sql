-- Concentration within each cluster ($cluster_id; null = every cluster) as Herfindahl-Hirschman
-- indices (0-10,000): of the factories' employee shares (public, every role), and of their
-- capacity shares over the weeks [$week_from, $week_to) where the viewer sees capacity per
-- factory (never for planners), with the largest single share of each. Both measures go through
-- one step; the index is computed from sums per cluster (no window over the factories).
with
factory_sizes as (
    select f.cluster_id, 'employees' as measure, f.employees::double as size
    from factories as f
    where f.employees > 0
      and ($cluster_id is null or f.cluster_id = $cluster_id)
    union all
    select c.cluster_id, 'capacity' as measure, sum(c.capacity_pieces)::double as size
    from capacity as c
    where c.factory_id is not null
      and ($cluster_id is null or c.cluster_id = $cluster_id)
      and c.week_start >= $week_from
      and c.week_start < $week_to
    group by c.cluster_id, c.factory_id
    having sum(c.capacity_pieces) > 0
),

concentration as (
    -- HHI = sum of squared shares = sum(size^2) / sum(size)^2: no per-factory share is needed
    select
        s.cluster_id,
        s.measure,
        count(*) as factories,
        10000 * sum(s.size * s.size) / (sum(s.size) * sum(s.size)) as hhi,
        max(s.size) / sum(s.size) as top_share
    from factory_sizes as s
    group by s.cluster_id, s.measure
)

select
    e.cluster_id,
    e.factories,
    e.hhi as hhi_employees,
    e.top_share as top_share_employees,
    coalesce(k.factories, 0) as capacity_factories,
    k.hhi as hhi_capacity,
    k.top_share as top_share_capacity
from concentration as e
left join concentration as k on k.cluster_id = e.cluster_id and k.measure = 'capacity'
where e.measure = 'employees'
order by e.cluster_id
