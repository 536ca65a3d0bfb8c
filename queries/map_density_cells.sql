-- Factories counted in hexagonal cells, for the density layer when there are too many
-- points to draw one by one. Same filters as map_factory_points. Cells are pointy-top
-- hexagons of circumradius $cell_km on an equirectangular plane around latitude $lat0;
-- the page draws each cell from its centre (lon, lat).
-- uses: map_factories
with
fractional_axial as (
    -- plane in km, then fractional axial hex coordinates (q, r) and the third cube axis s
    select
        f.*,
        (sqrt(3) / 3 * (f.lon * 111.320 * cos(radians($lat0))) - (f.lat * 110.574) / 3) / $cell_km as qf,
        (2.0 / 3 * (f.lat * 110.574)) / $cell_km as rf
    from map_factories as f
),

rounded as (
    select
        a.*,
        -a.qf - a.rf as sf,
        round(a.qf) as rq,
        round(a.rf) as rr,
        round(-a.qf - a.rf) as rs
    from fractional_axial as a
),

hex_cells as (
    -- cube rounding: the axis with the largest rounding error is rebuilt from the others
    select
        r.*,
        case
            when abs(r.rq - r.qf) > abs(r.rr - r.rf) and abs(r.rq - r.qf) > abs(r.rs - r.sf) then -r.rr - r.rs
            else r.rq
        end::bigint as q,
        case
            when abs(r.rq - r.qf) > abs(r.rr - r.rf) and abs(r.rq - r.qf) > abs(r.rs - r.sf) then r.rr
            when abs(r.rs - r.sf) > abs(r.rr - r.rf) then r.rr
            else -r.rq - r.rs
        end::bigint as r
    from rounded as r
),

cell_counts as (
    select
        h.q,
        h.r,
        count(*) as factories,
        sum(h.employees) as employees,
        count(*) filter (where h.association_member) as members
    from hex_cells as h
    group by h.q, h.r
)

select
    c.q,
    c.r,
    $cell_km * sqrt(3) * (c.q + c.r / 2.0) / (111.320 * cos(radians($lat0))) as lon,
    $cell_km * 1.5 * c.r / 110.574 as lat,
    c.factories,
    c.employees,
    c.members
from cell_counts as c
order by c.factories desc, c.q, c.r
