-- Every factory's recorded coordinates and county, for the bad-coordinates check
-- (missing, not a coordinate, outside China, or in another county than recorded).
-- 1.5M rows at province scale: no names and no order (the check sorts the few problem rows
-- it keeps, and factory_names names them).
with
factory_points as (
    select f.factory_id, f.cluster_id, f.adcode, f.lon, f.lat, f.coord_source
    from factories as f
)

select p.factory_id, p.cluster_id, p.adcode, p.lon, p.lat, p.coord_source
from factory_points as p
