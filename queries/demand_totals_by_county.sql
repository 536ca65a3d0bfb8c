-- Pooled totals of the demand in view per county (the school's adcode) and garment:
-- schools and pieces.
with
demand_with_county as (
    select d.school_id, d.garment, d.qty, s.adcode
    from demand as d
    left join schools as s on s.school_id = d.school_id
)

select
    c.adcode,
    c.garment,
    count(distinct c.school_id) as schools,
    sum(c.qty) as pieces
from demand_with_county as c
group by c.adcode, c.garment
order by c.adcode, c.garment
