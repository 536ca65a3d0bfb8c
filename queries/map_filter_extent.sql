-- How many factories pass the map filters ($cluster_id, $category, $emp_min, $emp_max,
-- $member; null = any; ids in $exclude_ids left out) and the box they span, so the page can
-- choose points or density cells and frame the view before fetching either.
-- uses: map_factories
with
extent as (
    select
        count(*) as factories,
        min(f.lon) as min_lon,
        max(f.lon) as max_lon,
        min(f.lat) as min_lat,
        max(f.lat) as max_lat,
        avg(f.lat) as mean_lat
    from map_factories as f
)

select e.*
from extent as e
