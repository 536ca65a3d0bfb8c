-- Concentration within each cluster as Herfindahl-Hirschman indices (0-10,000): of the
-- factories' employee shares (public, every role), and of their capacity shares over the
-- weeks [$week_from, $week_to) where the viewer sees capacity per factory (never for
-- planners), with the largest single share of each. Both measures go through one step.
with
factory_sizes as (
    select f.cluster_id, 'employees' as measure, f.employees::double as size
    from factories as f
    where f.employees > 0
    union all
    select c.cluster_id, 'capacity' as measure, sum(c.capacity_pieces)::double as size
    from capacity as c
    where c.factory_id is not null
      and c.week_start >= $week_from
      and c.week_start < $week_to
    group by c.cluster_id, c.factory_id
    having sum(c.capacity_pieces) > 0
),

shares as (
    select s.cluster_id, s.measure, s.size / sum(s.size) over (partition by s.cluster_id, s.measure) as share
    from factory_sizes as s
),

concentration as (
    select
        s.cluster_id,
        s.measure,
        count(*) as factories,
        10000 * sum(s.share * s.share) as hhi,
        max(s.share) as top_share
    from shares as s
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
