-- One factory's capacity calendar ($factory_id): capacity, booked and idle pieces and
-- utilisation per week and category. The views are scoped, so a factory owner gets rows
-- only for their own factory whatever id is passed.
with
own_capacity as (
    select c.week_start, c.category, c.capacity_pieces, c.booked_pieces
    from capacity as c
    where c.factory_id = $factory_id
)

select
    o.week_start,
    o.category,
    o.capacity_pieces,
    o.booked_pieces,
    o.capacity_pieces - o.booked_pieces as idle_pieces,
    o.booked_pieces / nullif(o.capacity_pieces, 0) as utilisation
from own_capacity as o
order by o.week_start, o.category
