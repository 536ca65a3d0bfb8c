-- Each cluster's names, main category and county adcodes: the map draws its outline (the
-- union of those counties) and takes the main category as the default for LQ.
with
cluster_rows as (
    select c.cluster_id, c.name_zh, c.name_en, c.main_category, c.adcodes
    from clusters as c
)

select r.cluster_id, r.name_zh, r.name_en, r.main_category, r.adcodes
from cluster_rows as r
order by r.cluster_id
