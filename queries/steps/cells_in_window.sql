-- Capacity cells (cluster, county, pooled flag, category, week) in the weeks [$week_from, $week_to):
-- the smallest table that answers capacity totals (read from the snapshot's rollups; a
-- planner's cells of fewer than 3 factories have null measures).
select c.*
from capacity_cells as c
where c.week_start >= $week_from
  and c.week_start < $week_to
