"""Every role's scoped views, declared once as SQL over logical sources (issues 12 and 13).

This module is the interface between the scope rules (DESIGN §6) and an engine. An engine
(DuckDB in ``db.py``, Spark in ``spark.py``) does exactly this to open a viewer's connection:

1. **Register the sources** named in ``sources(viewer)``:

   * ``src_<table>`` for a table of ``supply.data.schema.TABLES``: the snapshot's Parquet
     file (``snapshot.table_path(table)``), or, when the snapshot lacks the table, an empty
     relation with the schema's types (DuckDB: ``empty_source_sql(table)``).
   * ``rollup_<name>`` for a rollup of ``supply.data.rollups.ROLLUPS``: the snapshot's rollup
     file (``rollups.rollup_path(snapshot, name)``), or, for a snapshot written before rollups
     existed, the rollup's own SQL (``rollups.BY_NAME[name].sql``, over the ``src_`` names).

2. **Create the views** of ``view_defs(viewer)``, in list order. Each item is a
   ``ViewDef(name, sql, params, materialise)``:

   * ``materialise=False``: a plain view ``create view <name> as <sql>``; ``params`` is empty.
   * ``materialise=True``: run ``sql`` once with ``params`` bound as named parameters
     (``$name`` in the text) and hold the rows under ``name`` (DuckDB ``create table``; Spark a
     cached temp view of the result). Only materialised items take parameters, so no view body
     ever holds a parameter marker and no value is formatted into SQL.

   The SQL is written in DuckDB's dialect inside the portable subset (no ``isfinite``,
   ``hash``, ordered ``list(distinct ...)``, ``quantile_disc``); Spark translates it with
   sqlglot. Later items may name earlier ones. Names starting ``src_``, ``rollup_`` or
   ``scope_`` are internal: queries may not name them (the query guard).

3. **Lock down**: after step 2 the connection may still read only the sources listed by
   ``readable_sources(viewer)`` (the non-materialised views need them); a factory owner's and
   a planner's connection can no longer read any file holding another factory's rows.

Two snapshots in one connection (supply/engine/diff.py, the history diff): the engine repeats
steps 1-2 once per snapshot inside schemas ``a`` and ``b`` (each view resolves names in its
own schema), adds the materialised ``diff_changed_cells`` in the default schema, then locks
down; the pair queries (``queries/pair/``) name ``a.<view>`` and ``b.<view>``. DuckDB only
for now: Spark would register the two sets under two databases.

What each role gets (same columns for every role, so one query serves all):

* ``clusters``, ``factories``: the public directory, whole.
* ``capacity``, ``orders``, ``inventory``: per-factory rows with ``cluster_id``, ``adcode``
  (capacity also ``pooled_planning``), ``n_factories``, ``n_lines``, ``suppressed``. For a
  planner they are aggregate cells without factory, buyer or SKU, read from the rollups, and a
  cell of fewer than ``SUPPRESS_BELOW`` factories has null measures and null ``n_lines``.
* ``capacity_cells``, ``order_cells``, ``stock_cells``: the same facts as cells (cluster, county,
  category, week ...), from the rollups, for pages that need only totals: the small table
  that answers them. Suppressed for planners exactly like the planner's ``capacity``.
* ``uniform_prices``: per factory and garment, the school-uniform pieces and value it sold
  (the planning model's unit prices), from the rollup: admin all, association its members,
  factory owner its own (from its orders), planner none.
* ``schools``, ``demand``: admin all; association the schools of its cluster's cities and their
  class lists; factory owner only the schools that are their own pooled buyers and no class
  lists; planner the schools and no class lists.
"""

from __future__ import annotations

from typing import NamedTuple

from supply.data import rollup_sql, rollups, schema

SUPPRESS_BELOW = 3
ROLES = ("planner", "association", "factory", "admin")
# Names a query may not use: the sources and the scope tables behind the views.
INTERNAL_PREFIXES = ("src_", "rollup_", "scope_")
VIEWS = (
    "clusters", "factories", "capacity", "orders", "inventory", "schools", "demand",
    "capacity_cells", "order_cells", "stock_cells", "uniform_prices",
)  # fmt: skip
PUBLIC_SOURCES = ("src_clusters", "src_factories")


class ViewDef(NamedTuple):
    """One view of a viewer's connection: name, SQL, bound parameters, materialise or not."""

    name: str
    sql: str
    params: dict
    materialise: bool


sql_type = rollups.sql_type
empty_source_sql = rollups.empty_source_sql


# -- select lists, declared per table --------------------------------------------------------

EXTRA = {  # columns every role's per-factory view adds to the table's own columns
    "capacity": ("cluster_id", "adcode", "pooled_planning"),
    "orders": ("cluster_id", "adcode"),
    "inventory": ("cluster_id", "adcode"),
}
CELL_COLUMNS = {  # key columns of the cells views, then their measures
    "capacity_cells": (
        ("cluster_id", "adcode", "pooled_planning", "category", "week_start"),
        ("capacity_pieces", "booked_pieces"),
    ),
    "order_cells": (
        ("cluster_id", "adcode", "category", "channel", "status", "buyer_type", "due_week"),
        ("qty", "value"),
    ),
    "stock_cells": (("cluster_id", "adcode", "uniform_maker", "as_of"), ("on_hand_pieces", "value")),
}
_CELL_SOURCE = {"capacity_cells": "capacity", "order_cells": "orders", "stock_cells": "inventory"}
_ROLLUP_OF = {"capacity_cells": "capacity_cells", "order_cells": "order_cells", "stock_cells": "stock_cells"}


def per_factory_select(table: str, hidden: dict[str, str] | None = None) -> str:
    """Select list of a per-factory view over ``src_<table> s`` joined to ``src_factories f``.

    ``hidden`` maps a column to the expression that replaces it (e.g. a null SKU).
    """
    hidden = hidden or {}
    cols = [f"{hidden[c]} as {c}" if c in hidden else f"s.{c}" for c in schema.TABLES[table]]
    cols += [f"f.{c}" for c in EXTRA[table]]
    n_factories = "case when s.factory_id is null then 0 else 1 end" if table == "orders" else "1"
    cols += [f"{n_factories} as n_factories", "1 as n_lines", "false as suppressed"]
    return ", ".join(cols)


def _per_factory(table: str, where: str = "", hidden: dict[str, str] | None = None) -> str:
    sql = (
        f"select {per_factory_select(table, hidden)} from src_{table} as s "
        "left join src_factories as f on f.factory_id = s.factory_id"
    )
    return f"{sql} where {where}" if where else sql


def _cells_from_rollup(view: str, where: str = "", uniform_split: bool = True) -> str:
    """A cells view regrouped from its rollup (over membership and listing), unsuppressed."""
    keys, measures = CELL_COLUMNS[view]
    key_sql = [k if (k != "uniform_maker" or uniform_split) else "cast(null as boolean) as uniform_maker"
               for k in keys]  # fmt: skip
    group = [k for k in keys if k != "uniform_maker" or uniform_split]
    sums = [f"sum({m}) as {m}" if m == "value" else f"cast(sum({m}) as bigint) as {m}" for m in measures]
    sql = (
        f"select {', '.join(key_sql + sums)}, cast(sum(n_factories) as bigint) as n_factories, "
        f"cast(sum(n_lines) as bigint) as n_lines, false as suppressed from rollup_{_ROLLUP_OF[view]}"
    )
    if where:
        sql += f" where {where}"
    return f"{sql} group by {', '.join(group)}"


def _suppressed_cells(view: str) -> str:
    """A planner's cells: listed factories only, regrouped, cells under the threshold hidden."""
    keys, measures = CELL_COLUMNS[view]
    inner = _cells_from_rollup(view, "listed", uniform_split=False)
    hide = "case when c.n_factories >= v.suppress_below then"
    cols = [f"c.{k}" for k in keys]
    cols += [f"{hide} c.{m} end as {m}" for m in measures]
    cols += [
        "c.n_factories",
        f"{hide} c.n_lines end as n_lines",
        "c.n_factories < v.suppress_below as suppressed",
    ]
    return f"select {', '.join(cols)} from ({inner}) as c cross join scope_viewer as v"


def _cells_from_rows(view: str) -> str:
    """Cells computed from a per-factory view already in the connection (a factory owner's)."""
    keys, measures = CELL_COLUMNS[view]
    table = _CELL_SOURCE[view]
    exprs = {
        "due_week": "cast(date_trunc('week', s.due_date) as date)",
        "uniform_maker": "coalesce(array_contains(f.categories, 'school_uniform'), false)",
    }
    cols = [f"{exprs[k]} as {k}" if k in exprs else f"s.{k}" for k in keys]
    value = "s.qty * s.unit_price" if table == "orders" else "s.on_hand_pieces * s.unit_cost"
    cols += [
        f"sum({value}) as value" if m == "value" else f"cast(sum(s.{m}) as bigint) as {m}" for m in measures
    ]
    cols += [
        "cast(count(distinct s.factory_id) as bigint) as n_factories",
        "cast(count(*) as bigint) as n_lines",
        "false as suppressed",
    ]
    group = [exprs.get(k, f"s.{k}") for k in keys]
    return (
        f"select {', '.join(cols)} from {table} as s left join factories as f on f.factory_id = s.factory_id "
        f"group by {', '.join(group)}"
    )


# -- the views of each role ------------------------------------------------------------------


# Per factory and garment, the school-uniform prices it charged (rollup ``uniform_prices``); the
# factory owner's and the planner's come from the orders already in their connection.
_PRICE_COLUMNS = "factory_id, cluster_id, garment, qty, value, n_lines"
_PRICES_FROM_ROWS = rollup_sql.UNIFORM_PRICES_SQL.format(orders="orders", factories="factories")


def _public() -> list[ViewDef]:
    return [ViewDef(t, f"select * from src_{t}", {}, False) for t in ("clusters", "factories")]


def _scope_viewer(viewer) -> ViewDef:
    sql = (
        "select cast($cluster_id as varchar) as cluster_id, cast($factory_id as varchar) as factory_id, "
        "cast($suppress_below as integer) as suppress_below"
    )
    params = {
        "cluster_id": viewer.cluster_id,
        "factory_id": viewer.factory_id,
        "suppress_below": SUPPRESS_BELOW,
    }
    return ViewDef("scope_viewer", sql, params, True)


def _admin(viewer) -> list[ViewDef]:
    defs = [ViewDef(t, _per_factory(t), {}, False) for t in ("capacity", "inventory", "orders")]
    defs += [ViewDef(t, f"select * from src_{t}", {}, False) for t in ("schools", "demand")]
    defs += [ViewDef(v, _cells_from_rollup(v), {}, False) for v in CELL_COLUMNS]
    defs.append(ViewDef("uniform_prices", f"select {_PRICE_COLUMNS} from rollup_uniform_prices", {}, False))
    return defs


_MEMBER = "s.factory_id in (select m.factory_id from scope_members as m)"
# The same rows as _MEMBER where the view already joins the directory (``f``): a filter on the
# joined directory row instead of a semi-join of every capacity row (10-17% less CPU for the
# association's capacity queries at scale 500, A/B in one process). scope_members is defined by
# exactly these two columns.
_MEMBER_JOINED = "f.association_member and f.cluster_id in (select v.cluster_id from scope_viewer as v)"
_POOLED = "case when s.channel = 'pooled' then s.{} end"
# An association's per-factory views: which rows (members; unallocated pooled orders of schools
# in its cities) and which columns are hidden (buyer and design of direct orders, stock SKUs).
_ASSOCIATION_ROWS = {
    "capacity": _MEMBER,
    "inventory": _MEMBER,
    "orders": f"{_MEMBER} or (s.channel = 'pooled' and s.factory_id is null "
    "and s.buyer_id in (select k.school_id from schools as k))",
}
_ASSOCIATION_HIDDEN = {
    "capacity": {},
    "inventory": {"sku": "cast(null as varchar)"},
    "orders": {"buyer_id": _POOLED.format("buyer_id"), "sku": _POOLED.format("sku")},
}


def own_rows_sql(viewer, table: str) -> str | None:
    """An admin's or association's rows of a per-factory table with its own columns only.

    The view without its join to the directory (``cluster_id``, ``adcode`` ...), for comparing
    two snapshots whose directory is the same (supply/engine/diff.py); None for other roles.
    """
    if viewer.role not in ("admin", "association"):
        return None
    hidden = _ASSOCIATION_HIDDEN[table] if viewer.role == "association" else {}
    cols = ", ".join(f"{hidden[c]} as {c}" if c in hidden else f"s.{c}" for c in schema.TABLES[table])
    sql = f"select {cols} from src_{table} as s"
    return f"{sql} where {_ASSOCIATION_ROWS[table]}" if viewer.role == "association" else sql


def _association(viewer) -> list[ViewDef]:
    in_scope = "cluster_id = (select v.cluster_id from scope_viewer as v) and association_member"
    # unallocated pooled orders of schools in the association's cities are theirs too
    unallocated = "buyer_city in (select c.city from scope_cities as c)"
    return [
        ViewDef(
            "scope_members",
            "select factory_id from src_factories where cluster_id = $cluster_id and association_member",
            {"cluster_id": viewer.cluster_id},
            True,
        ),
        ViewDef(  # the association's cities: pooled demand from schools there is theirs to plan
            "scope_cities",
            "select distinct left(a, 4) as city from "
            "(select unnest(adcodes) as a from src_clusters where cluster_id = $cluster_id) as u",
            {"cluster_id": viewer.cluster_id},
            True,
        ),
        ViewDef("capacity", _per_factory("capacity", _MEMBER_JOINED), {}, False),
        # stock is keyed by the factory's own designs: the SKU is hidden
        ViewDef(
            "inventory",
            _per_factory("inventory", _MEMBER_JOINED, _ASSOCIATION_HIDDEN["inventory"]),
            {},
            False,
        ),
        ViewDef(
            "schools",
            "select * from src_schools where left(adcode, 4) in (select c.city from scope_cities as c)",
            {},
            False,
        ),
        # members' orders with buyer and design of direct orders hidden; unallocated pooled
        # orders of schools in the association's cities
        ViewDef(
            "orders",
            _per_factory("orders", _ASSOCIATION_ROWS["orders"], _ASSOCIATION_HIDDEN["orders"]),
            {},
            False,
        ),
        ViewDef(
            "demand",
            "select d.* from src_demand as d where d.school_id in (select k.school_id from schools as k)",
            {},
            False,
        ),
        *[
            ViewDef(
                v,
                _cells_from_rollup(v, f"({in_scope}) or ({unallocated})" if v == "order_cells" else in_scope),
                {},
                False,
            )
            for v in CELL_COLUMNS
        ],
        ViewDef(
            "uniform_prices",
            f"select {_PRICE_COLUMNS} from rollup_uniform_prices as s where {_MEMBER}",
            {},
            False,
        ),
    ]


def _factory(viewer) -> list[ViewDef]:
    own = "s.factory_id = $factory_id"
    p = {"factory_id": viewer.factory_id}
    defs = [ViewDef(t, _per_factory(t, own), p, True) for t in ("capacity", "inventory", "orders")]
    defs += [
        # schools are buyers of pooled orders: only the owner's own buyers; no class lists
        ViewDef(
            "schools",
            "select * from src_schools where school_id in "
            "(select o.buyer_id from orders as o where o.channel = 'pooled')",
            {},
            True,
        ),
        ViewDef("demand", "select * from src_demand where false", {}, True),
    ]
    defs += [ViewDef(v, _cells_from_rows(v), {}, True) for v in CELL_COLUMNS]
    defs.append(ViewDef("uniform_prices", _PRICES_FROM_ROWS, {}, True))
    return defs


def _planner(viewer) -> list[ViewDef]:
    null = "cast(null as {}) as {}"
    capacity = [null.format("varchar", "factory_id"), "week_start", "category", "capacity_pieces",
                "booked_pieces", "cluster_id", "adcode", "pooled_planning"]  # fmt: skip
    orders = [null.format("varchar", c) for c in ("order_id", "factory_id", "buyer_id")]
    orders += ["buyer_type", "channel", "category", null.format("varchar", "sku"), null.format("varchar", "size"),
               "qty", "value / nullif(qty, 0) as unit_price", null.format("date", "order_date"),
               "due_week as due_date", "status", "cluster_id", "adcode"]  # fmt: skip
    inventory = [null.format("varchar", "factory_id"), null.format("varchar", "sku"),
                 null.format("varchar", "size"), "as_of", "on_hand_pieces",
                 "value / nullif(on_hand_pieces, 0) as unit_cost", "cluster_id", "adcode"]  # fmt: skip
    tail = [
        "cast(n_factories as integer) as n_factories",
        "cast(n_lines as integer) as n_lines",
        "suppressed",
    ]
    defs = [ViewDef(v, _suppressed_cells(v), {}, True) for v in CELL_COLUMNS]
    for view, cols, cells in (
        ("capacity", capacity, "capacity_cells"),
        ("orders", orders, "order_cells"),
        ("inventory", inventory, "stock_cells"),
    ):
        defs.append(ViewDef(view, f"select {', '.join(cols + tail)} from {cells}", {}, False))
    # schools are public institutions (where they are, how many pupils); no class lists
    defs.append(ViewDef("schools", "select * from src_schools", {}, False))
    defs.append(ViewDef("demand", "select * from src_demand where false", {}, True))
    defs.append(ViewDef("uniform_prices", _PRICES_FROM_ROWS, {}, True))  # no factory in its orders: no rows
    return defs


_ROLE_VIEWS = {"admin": _admin, "association": _association, "factory": _factory, "planner": _planner}
_READABLE = {
    "admin": None,  # every source
    "association": None,
    "factory": PUBLIC_SOURCES,
    "planner": (*PUBLIC_SOURCES, "src_schools"),
}


def view_defs(viewer) -> list[ViewDef]:
    """The ordered view definitions of one viewer's connection."""
    if viewer.role not in _ROLE_VIEWS:
        raise ValueError(f"unknown role {viewer.role!r}; roles are {ROLES}")
    return [_scope_viewer(viewer), *_public(), *_ROLE_VIEWS[viewer.role](viewer)]


def sources(viewer) -> list[str]:
    """Every logical source a viewer's views read (register these before creating the views)."""
    names = [f"src_{t}" for t in schema.TABLES]
    if viewer.role != "factory":
        names += [f"rollup_{r.name}" for r in rollups.ROLLUPS if r.name in _ROLLUP_OF.values()]
    if viewer.role in ("admin", "association"):
        names.append("rollup_uniform_prices")
    return names


def readable_sources(viewer) -> list[str]:
    """The sources the connection may still read after the views exist (the lock-down)."""
    keep = _READABLE[viewer.role]
    return list(sources(viewer)) if keep is None else list(keep)
