-- Pooled totals of the demand in view per garment x size x deadline week (Monday): the
-- production lots pooling creates, with how many schools and pieces each holds.
with
demand_lines as (
    select d.school_id, d.garment, d.size, date_trunc('week', d.deadline)::date as deadline_week, d.qty
    from demand as d
)

select
    l.garment,
    l.size,
    l.deadline_week,
    count(distinct l.school_id) as schools,
    sum(l.qty) as pieces
from demand_lines as l
group by l.garment, l.size, l.deadline_week
order by l.garment, l.deadline_week, l.size
