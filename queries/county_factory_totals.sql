-- Factories per county (by the recorded adcode) that pass the factory filters ($category,
-- $emp_min, $emp_max, $member; null = any): how many, how many are association members,
-- their employees, and the clusters they belong to. Public attributes only.
with
filtered_factories as (
    select f.adcode, f.cluster_id, f.employees, f.association_member
    from factories as f
    where ($category is null or list_contains(f.categories, $category))
      and ($emp_min is null or f.employees >= $emp_min)
      and ($emp_max is null or f.employees <= $emp_max)
      and ($member is null or f.association_member = $member)
)

select
    f.adcode,
    list(distinct f.cluster_id order by f.cluster_id) as cluster_ids,
    count(*) as factories,
    count(*) filter (where f.association_member) as members,
    sum(f.employees) as employees
from filtered_factories as f
group by f.adcode
order by f.adcode
