-- Collection status per school in view: the classes it should have (grades x classes per
-- grade), the classes that have handed in, pieces and the last collection date. Schools
-- with no demand at all are listed too, with nothing collected.
with
expected as (
    select
        s.school_id,
        s.name,
        s.adcode,
        s.stage,
        s.students,
        s.grade_min,
        s.grade_max,
        s.classes_per_grade,
        (s.grade_max - s.grade_min + 1) * s.classes_per_grade as classes_expected
    from schools as s
),

collected as (
    select
        d.school_id,
        count(distinct d.grade::varchar || '|' || d.class_name) as classes_collected,
        sum(d.qty) as pieces,
        min(d.deadline) as deadline,
        max(d.collected_at) as last_collected
    from demand as d
    group by d.school_id
)

select
    e.school_id, e.name, e.adcode, e.stage, e.students, e.grade_min, e.grade_max, e.classes_per_grade,
    e.classes_expected,
    coalesce(c.classes_collected, 0) as classes_collected,
    coalesce(c.pieces, 0) as pieces,
    c.deadline,
    c.last_collected
from expected as e
left join collected as c on c.school_id = e.school_id
order by e.school_id
