-- How many factories pass the map filters ($cluster_id, $category, $emp_min, $emp_max,
-- $member; null = any; ids in $exclude_ids left out) and the box they span, so the page can
-- choose points or density cells and frame the view before fetching either.
with
filtered_factories as (
    select f.lon, f.lat
    from factories as f
    where ($cluster_id is null or f.cluster_id = $cluster_id)
      and ($category is null or list_contains(f.categories, $category))
      and ($emp_min is null or f.employees >= $emp_min)
      and ($emp_max is null or f.employees <= $emp_max)
      and ($member is null or f.association_member = $member)
      and isfinite(f.lon) and isfinite(f.lat)
      and not list_contains($exclude_ids::varchar[], f.factory_id)
)

select
    count(*) as factories,
    min(f.lon) as min_lon,
    max(f.lon) as max_lon,
    min(f.lat) as min_lat,
    max(f.lat) as max_lat,
    avg(f.lat) as mean_lat
from filtered_factories as f
