-- The public directory entry of one factory ($factory_id) with its cluster's names.
with
factory as (
    select f.factory_id, f.name, f.cluster_id, f.town, f.address, f.employees, f.moq_pieces,
           f.bulk_lead_days, f.association_member, f.pooled_planning
    from factories as f
    where f.factory_id = $factory_id
)

select
    f.*,
    c.name_zh as cluster_name_zh,
    c.name_en as cluster_name_en
from factory as f
left join clusters as c on c.cluster_id = f.cluster_id
