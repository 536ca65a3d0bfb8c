-- uses: cells_in_window
-- The capacity cells in the window of one cluster ($cluster_id; null = every cluster).
select c.*
from cells_in_window as c
where $cluster_id is null or c.cluster_id = $cluster_id
