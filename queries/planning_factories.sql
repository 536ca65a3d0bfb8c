-- Factories that can take pooled school-uniform work: those with school-uniform capacity
-- in view, in cluster $cluster_id (null = any), association members only when $member is
-- true (null = any). Coordinates, MOQ and bulk lead time feed the allocation model.
with
uniform_makers as (
    select distinct c.factory_id
    from capacity as c
    where c.category = 'school_uniform'
      and c.factory_id is not null
      and ($cluster_id is null or c.cluster_id = $cluster_id)  -- read only the cluster's row groups
),

candidate_factories as (
    select
        f.factory_id,
        f.name,
        f.adcode,
        f.lon,
        f.lat,
        f.moq_pieces,
        f.bulk_lead_days,
        coalesce(f.pooled_planning, false) as pooled_planning,
        coalesce(f.association_member, false) as association_member
    from factories as f
    inner join uniform_makers as m on m.factory_id = f.factory_id
    where ($cluster_id is null or f.cluster_id = $cluster_id)
      and ($member is null or coalesce(f.association_member, false) = $member)
)

select *
from candidate_factories
order by factory_id
