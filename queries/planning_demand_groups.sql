-- Pooled school-uniform demand in view, one row per school x garment x deadline (the
-- allocation model's demand groups), with the school's name, county and coordinates.
with
demand_lines as (
    select d.school_id, d.garment, d.deadline, d.qty
    from demand as d
    where d.qty > 0
),

groups as (
    select l.school_id, l.garment, l.deadline, sum(l.qty) as demand
    from demand_lines as l
    group by l.school_id, l.garment, l.deadline
)

select
    g.school_id,
    s.name as school_name,
    s.adcode,
    s.lon,
    s.lat,
    g.garment,
    g.deadline,
    g.demand
from groups as g
left join schools as s on s.school_id = g.school_id
order by g.school_id, g.garment, g.deadline
