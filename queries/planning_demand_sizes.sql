-- Pooled school-uniform demand in view per school x garment x deadline x size: what the
-- work orders must add up to, size by size.
with
demand_lines as (
    select d.school_id, d.garment, d.deadline, d.size, d.qty
    from demand as d
    where d.qty > 0
)

select
    l.school_id,
    l.garment,
    l.deadline,
    l.size,
    sum(l.qty) as qty
from demand_lines as l
group by l.school_id, l.garment, l.deadline, l.size
order by l.school_id, l.garment, l.deadline, l.size
