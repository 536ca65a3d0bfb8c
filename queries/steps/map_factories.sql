-- Factories that pass the map filters ($cluster_id, $category, $emp_min, $emp_max, $member;
-- null = any), with finite coordinates, minus the ids in $exclude_ids (bad coordinates, which
-- the page lists instead). Public attributes only.
select f.*
from factories as f
where ($cluster_id is null or f.cluster_id = $cluster_id)
  and ($category is null or list_contains(f.categories, $category))
  and ($emp_min is null or f.employees >= $emp_min)
  and ($emp_max is null or f.employees <= $emp_max)
  and ($member is null or f.association_member = $member)
  and isfinite(f.lon) and isfinite(f.lat)
  and not list_contains($exclude_ids::varchar[], f.factory_id)
