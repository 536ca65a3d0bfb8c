-- What each class has handed in: pieces, request lines, garments and the last collection
-- date per school x grade x class, from the demand in view.
with
class_lines as (
    select d.school_id, d.grade, d.class_name, d.garment, d.qty, d.collected_at
    from demand as d
)

select
    l.school_id,
    l.grade,
    l.class_name,
    count(*) as request_lines,
    count(distinct l.garment) as garments,
    sum(l.qty) as pieces,
    max(l.collected_at) as last_collected
from class_lines as l
group by l.school_id, l.grade, l.class_name
order by l.school_id, l.grade, l.class_name
