"""The difference between two snapshots for one viewer, computed inside the engine (issues 12, 16).

``open_pair(a, b, viewer)`` opens one locked-down connection holding the viewer's views of
both snapshots (schemas ``a`` and ``b``). ``table_changes`` then counts rows added, removed,
changed and unchanged per table: a table whose inputs have the same sha256 in both manifests
is unchanged without reading a row; a changed one is compared by key in the engine (or as a
multiset of whole rows where the key is not unique in the viewer's scope), and only counts
come back. ``capacity_change`` gives capacity by county and category in both snapshots.

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
from supply.data.store import Snapshot
from supply.engine import views
from supply.engine.db import Database, Viewer, _plain

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


def _sha(snap: Snapshot, table: str) -> str | None:
    return (snap.tables.get(table) or {}).get("sha256")


def unchanged(a: Snapshot, b: Snapshot, table: str) -> bool:
    """True when every table the view of ``table`` reads has the same sha256 in both manifests."""
    return all(_sha(a, t) == _sha(b, t) for t in VIEW_INPUTS[table])


def _changed_cells_sql() -> str:
    """Per capacity cell, how many factories' rows differ between a and b in the window."""
    side = (
        "select s.factory_id, s.week_start, s.category, s.capacity_pieces, s.booked_pieces, "
        "f.cluster_id, f.adcode, f.pooled_planning from {0}.src_capacity as s "
        "join {0}.src_factories as f on f.factory_id = s.factory_id "
        "where s.week_start >= $week_from and s.week_start < $week_to"
    )
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


def open_pair(a: Snapshot, b: Snapshot, viewer: Viewer, window: tuple | None = None) -> Database:
    """One connection with the viewer's views of snapshot a (schema a) and b (schema b)."""
    params = {"k": views.SUPPRESS_BELOW}
    if viewer.role == "planner" and window and not unchanged(a, b, "capacity"):
        sql = _changed_cells_sql()
        params |= {"week_from": window[0], "week_to": window[1]}
    else:
        sql = _no_changed_cells_sql()
    return Database(a, viewer, pair=b, extra=(views.ViewDef("diff_changed_cells", sql, params, True),))


def _keys(viewer: Viewer, table: str) -> tuple[str, ...]:
    if viewer.role == "planner" and table in PLANNER_KEYS:
        return PLANNER_KEYS[table]
    return schema.KEYS[table]


def _count(db: Database, sql: str) -> tuple:
    cur = db.con.cursor()
    try:
        return cur.execute(sql).fetchall()[0]
    finally:
        cur.close()


def _compare(db: Database, table: str, keys: tuple[str, ...]) -> dict:
    """Counts for one changed table: by key when the key is unique on both sides, else as multisets."""
    cur = db.con.cursor()
    cols = [r[0] for r in cur.execute(f"describe a.{table}").fetchall()]
    cur.close()
    dup = "select count(*) from (select {k} from {s}.{t} group by {k} having count(*) > 1) as d"
    k = ", ".join(keys)
    by_key = all(_count(db, dup.format(k=k, s=s, t=table))[0] == 0 for s in ("a", "b"))
    if by_key:
        on = " and ".join(f"x.{c} is not distinct from y.{c}" for c in keys)
        differs = " or ".join(f"x.{c} is distinct from y.{c}" for c in cols if c not in keys) or "false"
        row = _count(
            db,
            f"select count(*) filter (where x.in_a is null), count(*) filter (where y.in_b is null), "
            f"count(*) filter (where x.in_a and y.in_b and ({differs})), "
            f"count(*) filter (where x.in_a and y.in_b and not ({differs})) "
            f"from (select *, true as in_a from a.{table}) as x "
            f"full join (select *, true as in_b from b.{table}) as y on {on}",
        )
    else:
        every = ", ".join(cols)
        on = " and ".join(f"x.{c} is not distinct from y.{c}" for c in cols)
        row = _count(
            db,
            f"with x as (select {every}, count(*) as n from a.{table} group by {every}), "
            f"y as (select {every}, count(*) as n from b.{table} group by {every}) "
            "select coalesce(sum(greatest(coalesce(y.n, 0) - coalesce(x.n, 0), 0)), 0), "
            "coalesce(sum(greatest(coalesce(x.n, 0) - coalesce(y.n, 0), 0)), 0), 0, "
            f"coalesce(sum(least(coalesce(x.n, 0), coalesce(y.n, 0))), 0) from x full join y on {on}",
        )
    return dict(zip(("added", "removed", "changed", "unchanged"), map(int, row))) | {"by_key": by_key}


def table_changes(db: Database) -> pl.DataFrame:
    """Rows added, removed, changed and unchanged per table from snapshot a to b (counts only)."""
    out = []
    for table in schema.TABLES:
        rows_a, rows_b = (_count(db, f"select count(*) from {s}.{table}")[0] for s in ("a", "b"))
        if unchanged(db.snapshot, db.pair, table):
            counts = {"added": 0, "removed": 0, "changed": 0, "unchanged": rows_a, "by_key": True}
        else:
            counts = _compare(db, table, _keys(db.viewer, table))
        out.append({"table": table, "rows_a": rows_a, "rows_b": rows_b, **counts})
    return pl.DataFrame(out, schema={"table": pl.String, "rows_a": pl.Int64, "rows_b": pl.Int64,
                                     "added": pl.Int64, "removed": pl.Int64, "changed": pl.Int64,
                                     "unchanged": pl.Int64, "by_key": pl.Boolean})  # fmt: skip


def capacity_change(db: Database, cluster_id: str | None, week_from, week_to) -> pl.DataFrame:
    """Capacity and booked pieces by county x category in a and b, withheld cells left out of both."""
    sql = (QUERIES_DIR / "pair" / "capacity_change.sql").read_text(encoding="utf-8")
    params = {"cluster_id": cluster_id, "week_from": week_from, "week_to": week_to}
    cur = db.con.cursor()
    try:
        return _plain(cur.sql(sql, params=params).pl())
    finally:
        cur.close()
