-- Concentration within each cluster ($cluster_id; null = every cluster) as Herfindahl-Hirschman
-- indices (0-10,000): of the factories' employee shares (public, every role), and of their
-- capacity shares over the weeks [$week_from, $week_to) where the viewer sees capacity per
-- factory (never for planners), with the largest single share of each. Both measures go through
-- one step and one aggregate per cluster (each source is read once); the index is computed from
-- sums per cluster (no window over the factories).
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

sums as (
    -- HHI = sum of squared shares = sum(size^2) / sum(size)^2: no per-factory share is needed
    select
        s.cluster_id,
        count(case when s.measure = 'employees' then 1 end) as factories,
        sum(case when s.measure = 'employees' then s.size end) as employees_sum,
        sum(case when s.measure = 'employees' then s.size * s.size end) as employees_sq,
        max(case when s.measure = 'employees' then s.size end) as employees_max,
        count(case when s.measure = 'capacity' then 1 end) as capacity_factories,
        sum(case when s.measure = 'capacity' then s.size end) as capacity_sum,
        sum(case when s.measure = 'capacity' then s.size * s.size end) as capacity_sq,
        max(case when s.measure = 'capacity' then s.size end) as capacity_max
    from factory_sizes as s
    group by s.cluster_id
)

select
    s.cluster_id,
    s.factories,
    10000 * s.employees_sq / (s.employees_sum * s.employees_sum) as hhi_employees,
    s.employees_max / s.employees_sum as top_share_employees,
    s.capacity_factories,
    10000 * s.capacity_sq / (s.capacity_sum * s.capacity_sum) as hhi_capacity,
    s.capacity_max / s.capacity_sum as top_share_capacity
from sums as s
where s.factories > 0
order by s.cluster_id
