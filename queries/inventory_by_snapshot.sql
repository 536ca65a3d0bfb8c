-- Finished stock measured in one snapshot for one cluster ($cluster_id; null = every
-- cluster), per stock-count date: all stock, its value, and the part held by factories
-- that make school uniforms (per-factory rows only, so null for planners).
with
uniform_makers as (
    select f.factory_id
    from factories as f
    where ($cluster_id is null or f.cluster_id = $cluster_id)
      and list_contains(f.categories, 'school_uniform')
),

stock as (
    select i.*, m.factory_id is not null as by_uniform_maker
    from inventory as i
    left join uniform_makers as m on m.factory_id = i.factory_id
    where $cluster_id is null or i.cluster_id = $cluster_id
)

select
    s.as_of,
    sum(s.on_hand_pieces) as on_hand_pieces,
    sum(s.on_hand_pieces * s.unit_cost) as value_cny,
    sum(s.on_hand_pieces) filter (where s.by_uniform_maker) as uniform_maker_pieces,
    sum(s.n_lines) as stock_lines,
    count(*) filter (where s.suppressed) as suppressed_cells
from stock as s
group by s.as_of
order by s.as_of
