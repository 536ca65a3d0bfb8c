-- Finished stock measured in one snapshot for one cluster ($cluster_id; null = every
-- cluster), per stock-count date, from the stock cells: all stock, its value, and the part
-- held by factories that make school uniforms (null for planners, whose cells do not split it).
with
stock as (
    select s.*
    from stock_cells as s
    where $cluster_id is null or s.cluster_id = $cluster_id
)

select
    s.as_of,
    sum(s.on_hand_pieces) as on_hand_pieces,
    sum(s.value) as value_cny,
    sum(s.on_hand_pieces) filter (where s.uniform_maker) as uniform_maker_pieces,
    sum(s.n_lines) as stock_lines,
    count(*) filter (where s.suppressed) as suppressed_cells
from stock as s
group by s.as_of
order by s.as_of
