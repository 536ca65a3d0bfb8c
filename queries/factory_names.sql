-- The names of the factories in $factory_ids (the directory is public): the few factories a
-- page lists after a check over every factory (e.g. bad coordinates on the map).
with
wanted as (
    select f.factory_id, f.name
    from factories as f
    where list_contains($factory_ids, f.factory_id)
)

select w.factory_id, w.name
from wanted as w
order by w.factory_id
