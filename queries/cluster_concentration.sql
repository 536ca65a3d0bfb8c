-- Concentration within each cluster as Herfindahl-Hirschman indices (0-10,000): of the
-- factories' employee shares (public, every role), and of their capacity shares over the
-- weeks [$week_from, $week_to) where the viewer sees capacity per factory (never for
-- planners), with the largest single share of each.
with
factory_employees as (
    select f.cluster_id, f.employees::double as employees
    from factories as f
    where f.employees > 0
),

employee_shares as (
    select e.cluster_id, e.employees / sum(e.employees) over (partition by e.cluster_id) as share
    from factory_employees as e
),

employee_concentration as (
    select
        s.cluster_id,
        count(*) as factories,
        10000 * sum(s.share * s.share) as hhi_employees,
        max(s.share) as top_share_employees
    from employee_shares as s
    group by s.cluster_id
),

factory_capacity as (
    select c.cluster_id, c.factory_id, sum(c.capacity_pieces)::double as capacity_pieces
    from capacity as c
    where c.factory_id is not null
      and c.week_start >= $week_from
      and c.week_start < $week_to
    group by c.cluster_id, c.factory_id
    having sum(c.capacity_pieces) > 0
),

capacity_shares as (
    select k.cluster_id, k.capacity_pieces / sum(k.capacity_pieces) over (partition by k.cluster_id) as share
    from factory_capacity as k
),

capacity_concentration as (
    select
        s.cluster_id,
        count(*) as capacity_factories,
        10000 * sum(s.share * s.share) as hhi_capacity,
        max(s.share) as top_share_capacity
    from capacity_shares as s
    group by s.cluster_id
)

select
    e.cluster_id,
    e.factories,
    e.hhi_employees,
    e.top_share_employees,
    coalesce(k.capacity_factories, 0) as capacity_factories,
    k.hhi_capacity,
    k.top_share_capacity
from employee_concentration as e
left join capacity_concentration as k on k.cluster_id = e.cluster_id
order by e.cluster_id
