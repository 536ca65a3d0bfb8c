-- Free school-uniform capacity (capacity - booked) per factory and week in
-- [$week_from, $week_to), for factories of cluster $cluster_id (null = any), members only
-- when $member is true (null = any). The allocation model may fill only the free part.
with
uniform_capacity as (
    select c.factory_id, c.week_start, c.capacity_pieces, c.booked_pieces
    from capacity as c
    where c.category = 'school_uniform'
      and c.factory_id is not null
      and c.week_start >= $week_from
      and c.week_start < $week_to
),

in_scope as (
    select f.factory_id
    from factories as f
    where ($cluster_id is null or f.cluster_id = $cluster_id)
      and ($member is null or coalesce(f.association_member, false) = $member)
)

select
    u.factory_id,
    u.week_start,
    u.capacity_pieces,
    u.booked_pieces,
    greatest(u.capacity_pieces - u.booked_pieces, 0) as free_pieces
from uniform_capacity as u
inner join in_scope as s on s.factory_id = u.factory_id
order by u.factory_id, u.week_start
