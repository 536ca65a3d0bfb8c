-- One row per factory whose capacity the viewer sees (an association: its members) in one
-- cluster ($cluster_id; null = every cluster): capacity, booked and idle pieces over the weeks
-- [$week_from, $week_to), utilisation, MOQ, lead times and certifications. Planners' views
-- carry no factory, so they get no rows.
select
    f.factory_id, f.name, f.town, f.categories, f.association_member, f.pooled_planning, f.employees,
    fc.capacity_pieces, fc.booked_pieces, fc.capacity_pieces - fc.booked_pieces as idle_pieces,
    fc.booked_pieces / nullif(fc.capacity_pieces, 0) as utilisation,
    f.moq_pieces, f.sample_days, f.bulk_lead_days, f.certifications
from (
    select c.factory_id, sum(c.capacity_pieces) as capacity_pieces, sum(c.booked_pieces) as booked_pieces
    from capacity as c
    where c.factory_id is not null
      and ($cluster_id is null or c.cluster_id = $cluster_id)
      and c.week_start >= $week_from
      and c.week_start < $week_to
    group by c.factory_id
) as fc
join factories as f on f.factory_id = fc.factory_id
-- the same cluster filter on the directory, so its scan reads only the cluster's row groups
where $cluster_id is null or f.cluster_id = $cluster_id
