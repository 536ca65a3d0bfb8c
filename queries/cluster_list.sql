-- Clusters with their names, main category and number of factories, for pickers.
with
factory_counts as (
    select f.cluster_id, count(*) as factories
    from factories as f
    group by f.cluster_id
)

select
    c.cluster_id,
    c.name_zh,
    c.name_en,
    c.main_category,
    c.association_name,
    coalesce(n.factories, 0) as factories
from clusters as c
left join factory_counts as n on n.cluster_id = c.cluster_id
order by factories desc, c.cluster_id
