-- Schools in the cities of one cluster ($cluster_id; null = every school) with students and
-- grades: the inventory simulation estimates their size mix when class lists are not visible.
with
cluster_cities as (
    select distinct left(a.adcode, 4) as city
    from (select unnest(c.adcodes) as adcode from clusters as c where c.cluster_id = $cluster_id) as a
)

select s.adcode, s.school_id, s.students, s.grade_min, s.grade_max
from schools as s
where ($cluster_id is null or left(s.adcode, 4) in (select cc.city from cluster_cities as cc))
  and s.students > 0
order by s.adcode, s.school_id
