-- "Who can take this order?": per factory of one cluster ($cluster_id; null = every
-- cluster), the idle pieces of $category in the weeks it can still use for an order due by
-- the end of the week starting $deadline_week. Week w is usable when it starts on or after
-- $week_from and w + the factory's bulk lead time (days) <= $deadline_week: production
-- ends with week w, then the lead time runs (DESIGN.md section 7). Factories with no idle
-- pieces in usable weeks are left out, and the rows come in no particular order. Planners'
-- views carry no factory: no rows.
with
capacity_of_category as (
    select c.factory_id, c.week_start, greatest(c.capacity_pieces - c.booked_pieces, 0) as idle_pieces
    from capacity as c
    where c.factory_id is not null
      and ($cluster_id is null or c.cluster_id = $cluster_id)
      and c.category = $category
      and c.week_start >= $week_from
      and c.week_start <= $deadline_week  -- a lead time is never negative: later weeks never count
),

usable_weeks as (
    select c.factory_id, c.week_start, c.idle_pieces
    from capacity_of_category as c
    join factories as f on f.factory_id = c.factory_id
    where c.week_start + cast(f.bulk_lead_days as integer) <= $deadline_week
      and ($cluster_id is null or f.cluster_id = $cluster_id)  -- read only the cluster's directory rows
),

factory_idle as (
    select
        u.factory_id,
        sum(u.idle_pieces) as idle_pieces,
        count(*) filter (where u.idle_pieces > 0) as idle_weeks,
        min(u.week_start) as first_week,
        max(u.week_start) as last_week
    from usable_weeks as u
    group by u.factory_id
)

select
    f.factory_id, f.name, f.adcode, f.town, f.lon, f.lat, f.moq_pieces, f.bulk_lead_days, f.certifications,
    i.idle_pieces, i.idle_weeks, i.first_week, i.last_week
from factory_idle as i
join factories as f on f.factory_id = i.factory_id
where i.idle_pieces > 0
  and ($cluster_id is null or f.cluster_id = $cluster_id)
-- no order by: the finder ranks these rows itself (supply/capacity/reports.py rank_candidates,
-- a total order); sorting 573,000 rows here cost an admin 1.1 s at scale 500
