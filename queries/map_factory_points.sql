-- Factory points for the cluster map: the public attributes of the factories that pass the
-- filters ($cluster_id, $category, $emp_min, $emp_max, $member; null = any), minus the ids
-- in $exclude_ids (bad coordinates, which the page lists instead), with the mean weekly
-- capacity in [$week_from, $week_to) wherever the viewer may see capacity per factory.
-- uses: map_factories
with
weekly_capacity as (
    -- per-factory rows exist only inside the viewer's scope (never for planners)
    select
        c.factory_id,
        sum(c.capacity_pieces) / date_diff('week', $week_from::date, $week_to::date) as capacity_pieces,
        sum(c.booked_pieces) / nullif(sum(c.capacity_pieces), 0) as utilisation
    from capacity as c
    where c.factory_id is not null
      and c.week_start >= $week_from
      and c.week_start < $week_to
      and ($category is null or c.category = $category)
    group by c.factory_id
)

select
    f.factory_id,
    f.name,
    f.cluster_id,
    f.adcode,
    f.town,
    f.lon,
    f.lat,
    coalesce($category::varchar, f.categories[1]) as category,
    f.employees,
    f.association_member,
    w.capacity_pieces as weekly_capacity,
    w.utilisation
from map_factories as f
left join weekly_capacity as w on w.factory_id = f.factory_id
order by f.factory_id
