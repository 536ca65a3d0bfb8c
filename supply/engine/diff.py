"""The difference between two snapshots for one viewer, computed inside the engine (issues 12, 16).

``open_pair(a, b, viewer)`` opens one locked-down connection holding the viewer's views of
both snapshots (schemas ``a`` and ``b``). ``table_changes`` then counts rows added, removed,
changed and unchanged per table: a table whose inputs have the same sha256 in both manifests
is unchanged without reading a row; a changed one is compared by key in the engine (or as a
multiset of whole rows where the key is not unique in the viewer's scope), and only counts
come back. ``capacity_change`` gives capacity by county and category in both snapshots.

A changed table is first narrowed to factory-id ranges: the ranges its writer recorded when
one snapshot was written from the other (supply/data/delta.py: an edit, an upload), else
those of its row groups that differ (supply/engine/rowgroups.py: groups i of a and b whose
column statistics, then bytes, then decoded rows are equal hold the same rows). Only those
ranges are compared by key in the engine; every row outside them counts as unchanged. When
the groups do not line up (rows added or removed) the whole table is compared.

Suppression survives differencing: for a planner a capacity cell is withheld from BOTH
snapshots when it is suppressed in either, or when more than none but fewer than
``SUPPRESS_BELOW`` factories changed in it between the two (a single factory's change would
otherwise be the difference of two published sums). The number of changed factories per
cell is computed from the files before the connection is locked down and kept only as that
count (``diff_changed_cells``); the connection holds no factory's row.
"""

from __future__ import annotations

import polars as pl

from supply.data import schema
from supply.data.config import QUERIES_DIR
from supply.data.delta import RANGE_COLUMN, recorded_ranges
from supply.data.store import Snapshot
from supply.engine import base, views
from supply.engine.db import Database, Viewer, _plain
from supply.engine.rowgroups import Range, differing_ranges, range_filter  # noqa: F401 (public here too)

# A table's scoped view depends on these tables (schools: a factory owner's are their buyers).
VIEW_INPUTS = {
    "clusters": ("clusters",),
    "factories": ("factories",),
    "capacity": ("capacity", "factories"),
    "orders": ("orders", "factories", "schools", "clusters"),
    "inventory": ("inventory", "factories"),
    "schools": ("schools", "clusters", "orders"),
    "demand": ("demand", "schools", "clusters"),
}
# A planner's rows are cells: their key is the cell (no factory, order or SKU).
PLANNER_KEYS = {
    "capacity": ("cluster_id", "adcode", "pooled_planning", "category", "week_start"),
    "orders": ("cluster_id", "adcode", "category", "channel", "status", "buyer_type", "due_date"),
    "inventory": ("cluster_id", "adcode", "as_of"),
}
_CELL = ("cluster_id", "adcode", "pooled_planning", "category", "week_start")
WHOLE_LIMIT = 2_000_000  # rows (both sides) above which a whole-table comparison waits to be asked for


def _sha(snap: Snapshot, table: str) -> str | None:
    return (snap.tables.get(table) or {}).get("sha256")


def unchanged(a: Snapshot, b: Snapshot, table: str) -> bool:
    """True when every table the view of ``table`` reads has the same sha256 in both manifests."""
    return all(_sha(a, t) == _sha(b, t) for t in VIEW_INPUTS[table])


def table_ranges(a: Snapshot, b: Snapshot, table: str) -> list[Range] | None:
    """The differing key ranges of a changed table whose other view inputs are unchanged, else None."""
    column = RANGE_COLUMN.get(table)
    others = [t for t in VIEW_INPUTS[table] if t != table]
    if column is None or table not in a.tables or table not in b.tables:
        return None
    if any(_sha(a, t) != _sha(b, t) for t in others):
        return None
    recorded = recorded_ranges(a.tables.get(table), b.tables.get(table), table)  # written one from the other
    if recorded is not None:
        return recorded
    return differing_ranges(a.table_path(table), b.table_path(table), column)


def _changed_cells_sql(within: str = "") -> str:
    """Per capacity cell, how many factories' rows differ between a and b in the window.

    ``within`` narrows both sides to the factory ranges whose row groups differ (every changed
    row lies in them).
    """
    side = (
        "select s.factory_id, s.week_start, s.category, s.capacity_pieces, s.booked_pieces, "
        "f.cluster_id, f.adcode, f.pooled_planning from {0}.src_capacity as s "
        "join {0}.src_factories as f on f.factory_id = s.factory_id "
        "where s.week_start >= $week_from and s.week_start < $week_to"
    ) + (f" and {within}" if within else "")
    differs = " or ".join(
        f"x.{c} is distinct from y.{c}" for c in ("capacity_pieces", "booked_pieces", *_CELL[:3])
    )
    on = " and ".join(f"x.{c} = y.{c}" for c in ("factory_id", "week_start", "category"))
    pick = ", ".join(f"{{0}}.{c} as {c}" for c in _CELL)
    return (
        f"with x as ({side.format('a')}), y as ({side.format('b')}), "
        f"changed as (select x.factory_id as fa, y.factory_id as fb, {pick.format('x')}, "
        f"{', '.join(f'y.{c} as {c}_b' for c in _CELL)} from x full join y on {on} "
        f"where x.factory_id is null or y.factory_id is null or {differs}), "
        f"touched as (select fa as factory_id, {', '.join(_CELL)} from changed where fa is not null "
        f"union select fb, {', '.join(c + '_b' for c in _CELL)} from changed where fb is not null) "
        f"select {', '.join(_CELL)}, count(distinct factory_id) as changed_factories, "
        f"cast($k as integer) as suppress_below from touched group by {', '.join(_CELL)}"
    )


def _no_changed_cells_sql() -> str:
    cols = "cast(null as varchar) as cluster_id, cast(null as varchar) as adcode, "
    cols += "cast(null as boolean) as pooled_planning, cast(null as varchar) as category, "
    cols += "cast(null as date) as week_start, 0 as changed_factories, cast($k as integer) as suppress_below"
    return f"select {cols} where false"


def open_pair(
    a: Snapshot, b: Snapshot, viewer: Viewer, window: tuple | None = None, whole: bool = True
) -> Database:
    """One connection with the viewer's views of snapshot a (schema a) and b (schema b).

    For a planner, the capacity cells changed by 1-2 factories are found from the factory rows
    (``diff_changed_cells``); with ``whole=False`` and a large capacity table that must be compared
    whole, that step waits (``db.capacity_deferred``) and the capacity change is not shown.
    """
    params = {"k": views.SUPPRESS_BELOW}
    ranges = {t: table_ranges(a, b, t) for t in RANGE_COLUMN if not unchanged(a, b, t)}
    cap = ranges.get("capacity", [])
    rows = sum((s.tables.get("capacity") or {}).get("rows", 0) for s in (a, b))
    deferred = viewer.role == "planner" and cap is None and not whole and rows > WHOLE_LIMIT
    if viewer.role == "planner" and window and not unchanged(a, b, "capacity") and cap != [] and not deferred:
        within, bound = ("", {}) if cap is None else range_filter("factory_id", cap)
        sql = _changed_cells_sql(within)
        params |= {"week_from": window[0], "week_to": window[1], **bound}
    else:
        sql = _no_changed_cells_sql()
    db = base.connect(a, viewer, pair=b, extra=(views.ViewDef("diff_changed_cells", sql, params, True),))
    db.ranges = ranges  # the differing key ranges of each changed table (None: compare it whole)
    db.capacity_deferred = deferred
    return db


def _keys(viewer: Viewer, table: str) -> tuple[str, ...]:
    if viewer.role == "planner" and table in PLANNER_KEYS:
        return PLANNER_KEYS[table]
    return schema.KEYS[table]


def _count(db: Database, sql: str, params: dict | None = None) -> tuple:
    cur = db.con.cursor()
    try:
        return cur.execute(sql, params or None).fetchall()[0]
    finally:
        cur.close()


_CELLS_OF = {"capacity": "capacity_cells", "orders": "order_cells", "inventory": "stock_cells"}


def _rows(db: Database, side: str, table: str) -> int:
    """Rows of one view in schema a or b; per-factory tables counted from their cells (rollups)."""
    if db.viewer.role in ("admin", "association") and table in _CELLS_OF:
        return int(_count(db, f"select coalesce(sum(n_lines), 0) from {side}.{_CELLS_OF[table]}")[0])
    return int(_count(db, f"select count(*) from {side}.{table}")[0])


def _side(db: Database, side: str, table: str, where: str) -> str:
    """The rows of one side to compare: the view, or with ``where`` (ranges) the viewer's own-column
    rows without the directory join (the directory is the same in both snapshots when narrowing)."""
    own = views.own_rows_sql(db.viewer, table) if where else None
    body = (
        f"select * from {side}.{table} as t"
        if own is None
        else f"select * from ({in_schema(own, side)}) as t"
    )
    return f"({body} where {where})" if where else f"({body})"


def _compare(db: Database, table: str, keys: tuple[str, ...], ranges: list[Range] | None = None) -> dict:
    """Counts for one changed table: by key when the key is unique on both sides, else as multisets.

    With ``ranges`` only the rows in them are compared; ``unchanged`` then counts the rows in
    them only (the caller adds the rows outside, which are the same in both snapshots).
    """
    where, params = ("", {}) if ranges is None else range_filter(RANGE_COLUMN[table], ranges, "t")
    src = {s: _side(db, s, table, where) for s in "ab"}
    cur = db.con.cursor()
    try:
        cols = [
            r[0] for r in cur.execute(f"describe select * from {src['a']} as t", params or None).fetchall()
        ]
    finally:
        cur.close()
    k = ", ".join(keys)
    on = " and ".join(f"x.{c} is not distinct from y.{c}" for c in keys)
    differs = " or ".join(f"x.{c} is distinct from y.{c}" for c in cols if c not in keys) or "false"
    # one pass per side: the rows are read once, then checked for duplicate keys and joined by key
    row = _count(
        db,
        f"with x as materialized (select *, true as in_a from {src['a']} as t), "
        f"y as materialized (select *, true as in_b from {src['b']} as t), "
        f"dup as (select count(*) as n from (select {k} from x group by {k} having count(*) > 1) as d "
        f"union all select count(*) from (select {k} from y group by {k} having count(*) > 1) as d) "
        "select (select sum(n) from dup), count(*) filter (where x.in_a is null), "
        "count(*) filter (where y.in_b is null), "
        f"count(*) filter (where x.in_a and y.in_b and ({differs})), "
        f"count(*) filter (where x.in_a and y.in_b and not ({differs})) "
        f"from x full join y on {on}",
        params,
    )
    by_key = int(row[0] or 0) == 0
    row = row[1:]
    if not by_key:  # duplicate keys in the viewer's scope: compare as multisets of whole rows
        every = ", ".join(cols)
        on = " and ".join(f"x.{c} is not distinct from y.{c}" for c in cols)
        row = _count(
            db,
            f"with x as (select {every}, count(*) as n from {src['a']} as t group by {every}), "
            f"y as (select {every}, count(*) as n from {src['b']} as t group by {every}) "
            "select coalesce(sum(greatest(coalesce(y.n, 0) - coalesce(x.n, 0), 0)), 0), "
            "coalesce(sum(greatest(coalesce(x.n, 0) - coalesce(y.n, 0), 0)), 0), 0, "
            f"coalesce(sum(least(coalesce(x.n, 0), coalesce(y.n, 0))), 0) from x full join y on {on}",
            params,
        )
    return dict(zip(("added", "removed", "changed", "unchanged"), map(int, row))) | {"by_key": by_key}


def table_changes(db: Database, whole_limit: int | None = None) -> pl.DataFrame:
    """Rows added, removed, changed and unchanged per table from snapshot a to b (counts only).

    With ``whole_limit``, a changed table that must be compared whole (its row groups do not
    line up) and holds more rows than that on both sides together is left out: its counts are
    null and ``deferred`` is true, for the page to compare on request.
    """
    out = []
    ranges = getattr(db, "ranges", {})
    for table in schema.TABLES:
        rows_a, rows_b = _rows(db, "a", table), _rows(db, "b", table)
        # a planner's and a factory owner's views are small and held in memory: compared whole
        narrowed = ranges.get(table) if db.viewer.role in ("admin", "association") else None
        if unchanged(db.snapshot, db.pair, table):
            counts = {"added": 0, "removed": 0, "changed": 0, "unchanged": rows_a, "by_key": True}
        elif whole_limit is not None and narrowed is None and rows_a + rows_b > whole_limit:
            counts = {"added": None, "removed": None, "changed": None, "unchanged": None, "by_key": None}
        else:
            counts = _compare(db, table, _keys(db.viewer, table), narrowed)
            if narrowed is not None:  # the rows outside the ranges are the same rows in a and b
                counts["unchanged"] += rows_a - (counts["unchanged"] + counts["changed"] + counts["removed"])
        deferred = counts["by_key"] is None
        out.append({"table": table, "rows_a": rows_a, "rows_b": rows_b, **counts, "deferred": deferred})
    return pl.DataFrame(out, schema={"table": pl.String, "rows_a": pl.Int64, "rows_b": pl.Int64,
                                     "added": pl.Int64, "removed": pl.Int64, "changed": pl.Int64,
                                     "unchanged": pl.Int64, "by_key": pl.Boolean,
                                     "deferred": pl.Boolean})  # fmt: skip


def in_schema(sql: str, schema_name: str) -> str:
    """A query over the views (or the scope's sources) rewritten to read those of one schema (``a``, ``s<i>``)."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    for table in tree.find_all(exp.Table):
        ours = table.name in views.VIEWS or table.name.startswith(views.INTERNAL_PREFIXES)
        if ours and not table.db:
            table.set("db", exp.to_identifier(schema_name))
    return tree.sql(dialect="duckdb")


def row_counts(snaps: list[Snapshot], viewer: Viewer) -> dict[str, dict[str, int]]:
    """Rows the viewer may see per table in each snapshot ({snapshot id: {table: rows}}), one connection.

    Runs ``history_row_counts`` once per snapshot on one connection that holds every snapshot's
    scoped views (schemas ``s0``, ``s1`` ...), instead of a connection per snapshot.
    """
    if not snaps:
        return {}
    db = base.connect(snaps[0], viewer, more=tuple(snaps[1:]))  # DuckDB or Spark (SUPPLY_ENGINE)
    try:
        sql = db.sql_for("history_row_counts", {})
        out = {}
        for i, snap in enumerate(snaps):
            cur = db.con.cursor()
            try:
                rows = cur.execute(in_schema(sql, f"s{i}")).fetchall()
            finally:
                cur.close()
            out[snap.snapshot_id] = {name: int(n) for name, n in rows}
        return out
    finally:
        db.close()


def capacity_change(db: Database, cluster_id: str | None, week_from, week_to) -> pl.DataFrame:
    """Capacity and booked pieces by county x category in a and b, withheld cells left out of both."""
    sql = (QUERIES_DIR / "pair" / "capacity_change.sql").read_text(encoding="utf-8")
    params = {"cluster_id": cluster_id, "week_from": week_from, "week_to": week_to}
    cur = db.con.cursor()
    try:
        return _plain(cur.sql(sql, params=params).pl())
    finally:
        cur.close()
