"""The rollups' definitions as SQL data (issue 12): what each aggregate table holds and how it sorts.

Each definition is portable SQL (DuckDB dialect inside the portable subset of
supply/engine/portable.py) over the logical sources ``src_<table>``, so the DuckDB writer
(supply/data/rollups.py) and the Spark rollup job (supply/engine/spark.py) run the same text."""

from __future__ import annotations

from typing import NamedTuple

from supply.data import schema


class Rollup(NamedTuple):
    """One rollup: its name, the tables it reads and the SQL that computes it."""

    name: str
    inputs: tuple[str, ...]
    sql: str
    # A large table sorted by factory: the DuckDB writer computes the rollup a factory-id range at a
    # time (supply/data/rollup_chunks.py). Without ``merge`` the rollup has one row per factory and
    # more (output sorted by factory); with it, ``partial`` gives each range's partial rows (the same
    # SQL with exact, uncast sums) and ``merge`` regroups them (over ``parts``) into ``sql``'s rows.
    chunk_table: str | None = None
    partial: str | None = None
    merge: str | None = None


# The school-uniform prices each factory charged (queries/planning_unit_prices.sql), per garment
# (a pooled order's SKU ends in '-<garment>', schema.GARMENTS; other SKUs are a factory's own
# designs: garment null). The same text runs over a connection's ``orders`` and ``factories``
# views for a factory owner's or planner's connection (supply/engine/views.py).
_GARMENT = "case " + " ".join(f"when ends_with(s.sku, '-{g}') then '{g}'" for g in schema.GARMENTS) + " end"
UNIFORM_PRICES_SQL = (
    """
with
per_factory as (
    select
        s.factory_id,
        """
    + _GARMENT
    + """ as garment,
        sum(s.qty) as qty,
        sum(cast(s.qty * s.unit_price as decimal(38, 4))) as value,
        count(*) as n_lines
    from {orders} as s
    where s.category = 'school_uniform'
      and s.status <> 'cancelled'
      and s.factory_id is not null
      and s.qty > 0
      and s.unit_price > 0
    group by s.factory_id, """
    + _GARMENT
    + """
)

select
    p.factory_id,
    f.cluster_id,
    p.garment,
    cast(p.qty as bigint) as qty,
    cast(p.value as double) as value,
    cast(p.n_lines as bigint) as n_lines
from per_factory as p
left join {factories} as f on f.factory_id = p.factory_id
"""
)

# Cells are written by one query (measures cast to their final types), or a factory-id range at a
# time (supply/data/rollup_chunks.py): partial cells with exact sums (decimal money, uncast counts),
# then regrouped by the merge over ``parts``. Measures: name -> (aggregate over per_factory, type).
_CAPACITY_SUMS = {"capacity_pieces": ("sum(p.capacity_pieces)", "bigint"), "booked_pieces": ("sum(p.booked_pieces)", "bigint"),
                  "n_factories": ("count(p.factory_id)", "bigint"), "n_lines": ("sum(p.n_lines)", "bigint")}  # fmt: skip
_ORDER_SUMS = {"qty": ("sum(p.qty)", "bigint"), "value": ("sum(p.value)", "double"),
               "n_factories": ("count(p.factory_id)", "bigint"), "n_lines": ("sum(p.n_lines)", "bigint")}  # fmt: skip
_CAPACITY_KEYS = "cluster_id, adcode, association_member, listed, pooled_planning, category, week_start"
_ORDER_KEYS = "cluster_id, adcode, association_member, listed, buyer_city, category, channel, status, buyer_type, due_week"


def _measures(sums: dict[str, tuple[str, str]], kind: str) -> str:
    """The select list of a cells query's measures: ``final`` (cast) or ``partial`` (exact)."""
    if kind == "final":
        return ",\n    ".join(f"cast({agg} as {typ}) as {name}" for name, (agg, typ) in sums.items())
    return ", ".join(f"{agg} as {name}" for name, (agg, _typ) in sums.items())


def _merge(keys: str, sums: dict[str, tuple[str, str]]) -> str:
    """Partial cells (``parts``) regrouped into the final cells: sums of the exact partial sums."""
    measures = ", ".join(f"cast(sum({name}) as {typ}) as {name}" for name, (_agg, typ) in sums.items())
    return f"select {keys}, {measures} from parts group by {keys}"


_CAPACITY_CELLS = """
with
per_factory as (
    select s.factory_id, s.category, s.week_start, sum(s.capacity_pieces) as capacity_pieces,
           sum(s.booked_pieces) as booked_pieces, count(*) as n_lines
    from src_capacity as s
    group by s.factory_id, s.category, s.week_start
)

select
    f.cluster_id,
    f.adcode,
    coalesce(f.association_member, false) as association_member,
    f.factory_id is not null as listed,
    f.pooled_planning,
    p.category,
    p.week_start,
    {measures}
from per_factory as p
left join src_factories as f on f.factory_id = p.factory_id
group by f.cluster_id, f.adcode, coalesce(f.association_member, false), f.factory_id is not null,
         f.pooled_planning, p.category, p.week_start
"""
_ORDER_CELLS = """
with
per_factory as (
    select
        s.factory_id,
        case when s.factory_id is null and s.channel = 'pooled' then s.buyer_id end as pooled_buyer,
        s.category, s.channel, s.status, s.buyer_type,
        cast(date_trunc('week', s.due_date) as date) as due_week,
        sum(s.qty) as qty, sum(cast(s.qty * s.unit_price as decimal(38, 4))) as value, count(*) as n_lines
    from src_orders as s
    group by s.factory_id, case when s.factory_id is null and s.channel = 'pooled' then s.buyer_id end,
             s.category, s.channel, s.status, s.buyer_type, cast(date_trunc('week', s.due_date) as date)
)

select
    f.cluster_id,
    f.adcode,
    coalesce(f.association_member, false) as association_member,
    f.factory_id is not null as listed,
    left(b.adcode, 4) as buyer_city,
    p.category,
    p.channel,
    p.status,
    p.buyer_type,
    p.due_week,
    {measures}
from per_factory as p
left join src_factories as f on f.factory_id = p.factory_id
left join src_schools as b on b.school_id = p.pooled_buyer
group by f.cluster_id, f.adcode, coalesce(f.association_member, false), f.factory_id is not null,
         left(b.adcode, 4), p.category, p.channel, p.status, p.buyer_type, p.due_week
"""

# Per factory first, then per cell: n_factories without count(distinct); joins per factory only.
ROLLUPS: tuple[Rollup, ...] = (
    Rollup(
        "capacity_cells",
        ("capacity", "factories"),
        # one query: written a factory-id range at a time it took 43 CPU-s instead of 32-36 at scale 500
        # (bench/results/rollups-scale500-capacity-cells.md), and an owner's save waits for it
        _CAPACITY_CELLS.format(measures=_measures(_CAPACITY_SUMS, "final")),
    ),
    Rollup(
        "order_cells",
        ("orders", "factories", "schools"),
        _ORDER_CELLS.format(measures=_measures(_ORDER_SUMS, "final")),
        "orders",
        _ORDER_CELLS.format(measures=_measures(_ORDER_SUMS, "partial")),
        _merge(_ORDER_KEYS, _ORDER_SUMS),
    ),
    Rollup(
        "factory_orders",
        ("orders", "factories"),
        """
with
per_factory as (
    select
        s.factory_id, s.category, s.channel, s.status,
        cast(date_trunc('week', s.due_date) as date) as due_week,
        sum(s.qty) as qty, sum(cast(s.qty * s.unit_price as decimal(38, 4))) as value, count(*) as n_lines
    from src_orders as s
    where s.factory_id is not null
    group by s.factory_id, s.category, s.channel, s.status, cast(date_trunc('week', s.due_date) as date)
)

select
        p.factory_id,
        f.cluster_id,
        coalesce(f.association_member, false) as association_member,
        p.category,
        p.channel,
        p.status,
        p.due_week,
        cast(p.qty as bigint) as qty,
        cast(p.value as double) as value,
        cast(p.n_lines as bigint) as n_lines
from per_factory as p
left join src_factories as f on f.factory_id = p.factory_id
""",
        "orders",
    ),
    Rollup(
        "stock_cells",
        ("inventory", "factories"),
        """
with
per_factory as (
    select s.factory_id, s.as_of, sum(s.on_hand_pieces) as on_hand_pieces,
           sum(cast(s.on_hand_pieces * s.unit_cost as decimal(38, 4))) as value, count(*) as n_lines
    from src_inventory as s
    group by s.factory_id, s.as_of
)

select
    f.cluster_id,
    f.adcode,
    coalesce(f.association_member, false) as association_member,
    f.factory_id is not null as listed,
    coalesce(array_contains(f.categories, 'school_uniform'), false) as uniform_maker,
    p.as_of,
    cast(sum(p.on_hand_pieces) as bigint) as on_hand_pieces,
    cast(sum(p.value) as double) as value,
    cast(count(p.factory_id) as bigint) as n_factories,
    cast(sum(p.n_lines) as bigint) as n_lines
from per_factory as p
left join src_factories as f on f.factory_id = p.factory_id
group by f.cluster_id, f.adcode, coalesce(f.association_member, false), f.factory_id is not null,
         coalesce(array_contains(f.categories, 'school_uniform'), false), p.as_of
""",
    ),
    Rollup(
        "uniform_prices",
        ("orders", "factories"),
        UNIFORM_PRICES_SQL.format(orders="src_orders", factories="src_factories"),
    ),
)
BY_NAME = {r.name: r for r in ROLLUPS}
# The cells rollups' keys, measures and exact partial SQL, by name (supply/data/rollup_delta.py).
CELL_KEYS = {"capacity_cells": _CAPACITY_KEYS, "order_cells": _ORDER_KEYS}
CELL_SUMS = {"capacity_cells": _CAPACITY_SUMS, "order_cells": _ORDER_SUMS}
CELL_PARTIAL = {
    "capacity_cells": _CAPACITY_CELLS.format(measures=_measures(_CAPACITY_SUMS, "partial")),
    "order_cells": _ORDER_CELLS.format(measures=_measures(_ORDER_SUMS, "partial")),
}
# Sorted so a scope's cells sit together in the file (clusters, then time).
SORT = {
    "capacity_cells": "cluster_id, adcode, week_start",
    "order_cells": "cluster_id, adcode, due_week",
    # by factory: written a factory-id range at a time from the orders file's row groups
    # (rollups._write_chunked); a query for one factory prunes on factory_id's statistics. No view
    # reads this rollup yet (issue 12 asks for it; the pages read orders per factory pruned)
    "factory_orders": "factory_id, due_week",
    "stock_cells": "cluster_id, adcode, as_of",
    "uniform_prices": "cluster_id, factory_id, garment",
}
