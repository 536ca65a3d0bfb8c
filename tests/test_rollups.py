"""Rollups written with each snapshot (issue 12): a data contract against the base tables, atomic
writes, carry-forward by hard link, in-place rebuild of old snapshots, and planners' views read
from rollups equal to the same views computed from the tables."""

from __future__ import annotations

import datetime as dt
import json
import os

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from supply.data import layout, rollup_chunks, rollups, schema
from supply.data.snapshot import seal
from supply.data.store import Store
from supply.engine.db import Viewer, connect


def _cells(frame: pl.DataFrame, keys: list[str], sums: dict[str, pl.Expr], distinct: bool = True):
    aggs = [e.alias(n) for n, e in sums.items()]
    if distinct:
        aggs.append(pl.col("factory_id").drop_nulls().n_unique().cast(pl.Int64).alias("n_factories"))
    aggs.append(pl.len().cast(pl.Int64).alias("n_lines"))
    return frame.group_by(keys).agg(aggs)


def _garment_of_sku() -> pl.Expr:
    """The garment a SKU names ('SU-<school>-<garment>' for pooled orders), else null."""
    expr = pl.lit(None, dtype=pl.String)
    for g in reversed(schema.GARMENTS):
        expr = pl.when(pl.col("sku").str.ends_with("-" + g)).then(pl.lit(g)).otherwise(expr)
    return expr


def _expected(store, snap) -> dict[str, pl.DataFrame]:
    """Every rollup recomputed from the snapshot's base tables with Polars (not with the rollup SQL)."""
    fac = store.read(snap.snapshot_id, "factories").select(
        "factory_id",
        "cluster_id",
        "adcode",
        "pooled_planning",
        pl.col("association_member").fill_null(False),
        pl.lit(True).alias("listed"),
        pl.col("categories").list.contains("school_uniform").fill_null(False).alias("uniform_maker"),
        pl.col("factory_id").alias("fid"),
    )

    def joined(table):
        out = store.read(snap.snapshot_id, table).join(fac, on="factory_id", how="left")
        return out.with_columns(
            pl.col("listed").fill_null(False), pl.col("association_member").fill_null(False)
        )

    attrs = ["cluster_id", "adcode", "association_member", "listed"]
    cap = joined("capacity")
    cities = store.read(snap.snapshot_id, "schools").select(
        pl.col("school_id").alias("buyer_id"), pl.col("adcode").str.slice(0, 4).alias("school_city")
    )
    orders = (
        joined("orders")
        .join(cities, on="buyer_id", how="left")
        .with_columns(
            due_week=pl.col("due_date").dt.truncate("1w"),
            buyer_city=pl.when(pl.col("factory_id").is_null() & (pl.col("channel") == "pooled")).then(
                pl.col("school_city")
            ),
        )
    )
    inv = joined("inventory")
    value = (pl.col("qty") * pl.col("unit_price")).sum()
    return {
        "capacity_cells": _cells(
            cap,
            [*attrs, "pooled_planning", "category", "week_start"],
            {
                "capacity_pieces": pl.col("capacity_pieces").sum(),
                "booked_pieces": pl.col("booked_pieces").sum(),
            },
        ),
        "order_cells": _cells(
            orders,
            [*attrs, "buyer_city", "category", "channel", "status", "buyer_type", "due_week"],
            {"qty": pl.col("qty").sum(), "value": value},
        ),
        "factory_orders": _cells(
            orders.filter(pl.col("factory_id").is_not_null()),
            ["factory_id", "cluster_id", "association_member", "category", "channel", "status", "due_week"],
            {"qty": pl.col("qty").sum(), "value": value},
            distinct=False,
        ),
        "uniform_prices": _cells(
            orders.filter(
                pl.col("factory_id").is_not_null()
                & (pl.col("category") == "school_uniform")
                & (pl.col("status") != "cancelled")
                & (pl.col("qty") > 0)
                & (pl.col("unit_price") > 0)
            ).with_columns(garment=_garment_of_sku()),
            ["factory_id", "cluster_id", "garment"],
            {"qty": pl.col("qty").sum(), "value": value},
            distinct=False,
        ),
        "stock_cells": _cells(
            inv.with_columns(pl.col("uniform_maker").fill_null(False)),
            [*attrs, "uniform_maker", "as_of"],
            {
                "on_hand_pieces": pl.col("on_hand_pieces").sum(),
                "value": (pl.col("on_hand_pieces") * pl.col("unit_cost")).sum(),
            },
        ),
    }


def _same(got: pl.DataFrame, want: pl.DataFrame, name: str) -> None:
    cols = want.columns
    assert sorted(got.columns) == sorted(cols), name
    got, want = got.select(cols), want.select(cols)
    keys = [c for c in cols if got.schema[c] != pl.Float64]
    got, want = got.sort(keys, nulls_last=True), want.sort(keys, nulls_last=True)
    assert got.height == want.height, name
    for c in cols:
        if want.schema[c] == pl.Float64:
            assert ((got[c] - want[c]).abs() <= 1e-6 * want[c].abs().clip(lower_bound=1)).all(), (name, c)
        else:
            assert got[c].cast(want.schema[c]).equals(want[c], check_names=False), (name, c)


def test_rollups_equal_the_aggregates_of_the_base_tables(tiny_store):
    """The data contract: every rollup of every demo snapshot equals its recomputation."""
    for snap in tiny_store.list():
        assert rollups.verify(snap) == []
        want = _expected(tiny_store, snap)
        for name in rollups.BY_NAME:
            got = pl.read_parquet(rollups.rollup_path(snap, name))
            assert got.height > 0, name
            _same(got, want[name], name)


@pytest.fixture()
def store(tmp_path, tiny_snapshot):
    """A fresh store with one snapshot: the tiny demo's tables carried over."""
    s = Store(tmp_path / "data")
    tables = {t: tiny_snapshot.table_path(t) for t in tiny_snapshot.tables}
    s.write("base", tables, as_of=tiny_snapshot.as_of)
    return s


def test_a_crash_while_writing_rollups_leaves_nothing(store, monkeypatch, tiny_snapshot):
    real = rollups.build

    def crash(directory, entries, parent=None):
        real(directory, entries, parent)  # every rollup file is on disk ...
        raise OSError("disk full while writing rollups")  # ... and then the writer dies

    monkeypatch.setattr(rollups, "build", crash)
    before = [s.snapshot_id for s in store.list()]
    with pytest.raises(OSError, match="disk full"):
        store.write("crashed", {"clusters": tiny_snapshot.table_path("clusters")}, as_of=tiny_snapshot.as_of)
    assert [s.snapshot_id for s in store.list()] == before
    assert not (store.root / "crashed").exists()
    assert not [p for p in store.root.iterdir() if p.name.startswith(".tmp-")]


def test_unchanged_rollups_are_hard_links_and_changed_ones_are_rebuilt(store):
    base = store.latest()
    demand = store.read(base.snapshot_id, "demand").head(10)
    capacity = store.read(base.snapshot_id, "capacity").with_columns(pl.col("capacity_pieces") + 1)
    snap = store.derive(base, {"demand": demand, "capacity": capacity}, as_of=base.as_of)
    for name in ("order_cells", "factory_orders", "stock_cells"):
        assert (
            os.stat(rollups.rollup_path(snap, name)).st_ino == os.stat(rollups.rollup_path(base, name)).st_ino
        )
    assert (
        os.stat(rollups.rollup_path(snap, "capacity_cells")).st_ino
        != os.stat(rollups.rollup_path(base, "capacity_cells")).st_ino
    )
    want = _expected(store, snap)["capacity_cells"]
    _same(pl.read_parquet(rollups.rollup_path(snap, "capacity_cells")), want, "capacity_cells")


def test_an_old_snapshot_gets_its_rollups_in_place_and_planners_see_the_same(
    store, monkeypatch, tiny_snapshot
):
    """A snapshot written without rollups: planners' views are computed from the tables; after
    `rollup` they are read from the files, and they are the same."""
    monkeypatch.setattr(rollups, "finish", lambda directory, entries, parent_dir=None: {})
    tables = {t: tiny_snapshot.table_path(t) for t in tiny_snapshot.tables}
    old = store.write("old", tables, as_of=tiny_snapshot.as_of)
    monkeypatch.undo()
    assert old.manifest.get("rollups") == {} and len(rollups.verify(old)) == len(rollups.ROLLUPS)
    viewers = [Viewer("planner"), Viewer("admin"), Viewer("association", cluster_id="zhili")]
    views = ("capacity", "orders", "inventory", "capacity_cells", "order_cells", "stock_cells")

    def _sorted(frame):
        keys = [c for c, d in frame.schema.items() if not isinstance(d, pl.List)]
        return frame.sort(keys, nulls_last=True)

    def frames(snap):
        out = {}
        for v in viewers:
            con = connect(snap, v).con
            out[v.role] = {t: _sorted(con.table(t).pl()) for t in views}
        return out

    computed = frames(old)
    tables_before = {t: e["sha256"] for t, e in old.tables.items()}
    rollups.rebuild(store, old)
    new = store.get("old")
    assert rollups.verify(new) == []
    assert {t: e["sha256"] for t, e in new.tables.items()} == tables_before
    read = frames(new)
    for role in computed:
        for t in views:
            assert read[role][t].height > 0, (role, t)
            assert_frame_equal(read[role][t], computed[role][t], rel_tol=1e-9)  # sums in another order
    # the planner's connection now reads no file of the snapshot but the public ones
    db = connect(new, Viewer("planner"))
    assert all("rollups" not in f and "orders" not in f for f in db._readable_files)


def test_a_rollup_added_later_is_built_alone_and_the_others_are_kept(store, monkeypatch):
    """A snapshot written before one rollup existed: `rollup` computes that one and keeps the
    others (the same files, hard-linked), and only those that verify."""
    snap = store.latest()
    manifest_path = snap.path / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    del manifest["rollups"]["uniform_prices"]
    manifest_path.write_bytes(seal(manifest))
    snap = store.get(snap.snapshot_id)
    assert [p for p in rollups.verify(snap) if "uniform_prices" in p]
    inodes = {n: os.stat(rollups.rollup_path(snap, n)).st_ino for n in ("capacity_cells", "order_cells")}
    computed = []  # each rollup computed (not linked) asks for its sort order once
    real_order = rollups._order
    monkeypatch.setattr(rollups, "_order", lambda con, r: (computed.append(r.name), real_order(con, r))[1])
    rollups.rebuild(store, snap)
    new = store.get(snap.snapshot_id)
    assert rollups.verify(new) == []
    assert computed == ["uniform_prices"]
    assert {n: os.stat(rollups.rollup_path(new, n)).st_ino for n in inodes} == inodes


def test_written_tables_are_laid_out_for_pruning(store, tiny_snapshot):
    shuffled = store.read(None, "capacity").sample(fraction=1.0, shuffle=True, seed=1)
    chunks = [shuffled.slice(i, 500) for i in range(0, shuffled.height, 500)]
    snap = store.write("shuffled", {"capacity": iter(chunks)}, as_of=tiny_snapshot.as_of)
    path = snap.table_path("capacity")
    assert not layout.needs_sorting(path, "capacity")
    back = pl.read_parquet(path)
    assert back.equals(back.sort(list(layout.SORT_KEYS["capacity"])))
    assert back.sort(back.columns).equals(shuffled.sort(shuffled.columns))


def test_a_new_snapshot_date_keeps_rollups_keyed_by_tables(store):
    base = store.latest()
    later = store.derive(base, {}, as_of=base.as_of + dt.timedelta(days=7))
    assert later.manifest["rollups"].keys() == base.manifest["rollups"].keys()
    assert rollups.verify(later) == []


def test_rollups_computed_a_factory_range_at_a_time_equal_one_query(store, monkeypatch, tmp_path):
    """factory_orders and order_cells are written a factory-id range at a time, cut from the
    orders file's row-group statistics (supply/data/rollup_chunks.py): each file holds the same
    rows in the same order as the rollup's single query on the same tables."""
    orders = store.read(None, "orders").sample(fraction=1.0, shuffle=True, seed=2)
    assert orders["factory_id"].null_count() > 0  # unallocated pooled orders: a part of their own
    capacity = store.read(None, "capacity").with_columns(pl.col("capacity_pieces") + 1)
    monkeypatch.setattr(layout, "ROW_GROUP_ROWS", 300)  # small groups (DuckDB's writer rounds up to 2,048)
    monkeypatch.setattr(rollup_chunks, "CHUNK_ROWS", 400)
    ranges = {}
    real = rollup_chunks.write

    def spy(con, rollup, dst, lows, order, reuse=None):
        ranges[rollup.name] = lows
        real(con, rollup, dst, lows, order, reuse)

    monkeypatch.setattr(rollup_chunks, "write", spy)
    base = store.latest()
    snap = store.derive(base, {"orders": orders, "capacity": capacity}, as_of=base.as_of)
    assert sorted(ranges) == ["factory_orders", "order_cells"]  # capacity_cells: one query (rollup_sql.py)
    assert min(len(lows) for lows in ranges.values()) >= 3, ranges  # several ranges, bounds as parameters
    monkeypatch.setattr(rollup_chunks, "CHUNK_ROWS", 10**12)  # the same tables, each rollup in one query
    whole = tmp_path / "whole"
    for entry in snap.tables.values():
        (whole / entry["file"]).parent.mkdir(parents=True, exist_ok=True)
        (whole / entry["file"]).hardlink_to(snap.path / entry["file"])
    built = rollups.build(whole, {t: dict(e) for t, e in snap.tables.items()})
    for name in ranges:
        want = pl.read_parquet(whole / built[name]["file"])
        got = pl.read_parquet(rollups.rollup_path(snap, name))
        assert want["cluster_id"].null_count() < want.height > 10
        assert_frame_equal(got, want, check_exact=True)
    assert rollups.verify(snap) == []


def _whole(snap, tmp_path) -> dict:
    """Every rollup of ``snap``'s tables computed afresh by single queries: name -> frame."""
    whole = tmp_path / f"whole-{snap.snapshot_id}"
    for entry in snap.tables.values():
        (whole / entry["file"]).parent.mkdir(parents=True, exist_ok=True)
        (whole / entry["file"]).hardlink_to(snap.path / entry["file"])
    built = rollups.build(whole, {t: dict(e) for t, e in snap.tables.items()})
    return {name: pl.read_parquet(whole / e["file"]) for name, e in built.items()}


def test_an_owners_save_updates_the_parents_capacity_cells_exactly(tiny_data, tmp_path, monkeypatch):
    """A calendar save touches one factory: its capacity cells are the parent's, minus that
    factory's old cells, plus its new ones (supply/data/rollup_delta.py), equal to a rebuild."""
    from supply.data import calendar, rollup_delta
    from tests.ingest_helpers import copy_store

    monkeypatch.setattr(rollup_delta, "MAX_SHARE", 1.0)  # the tiny table is one row group
    updated = []
    real = rollup_delta.write
    monkeypatch.setattr(
        rollup_delta, "write", lambda con, r, dst, f, o: (updated.append(f[1]), real(con, r, dst, f, o))
    )
    store = copy_store(tiny_data, tmp_path)
    base = store.latest()
    own = store.read(base.snapshot_id, "capacity").filter(pl.col("factory_id") == "F0000002")
    rows = own.filter(pl.col("week_start") > base.as_of).sort("week_start", "category").head(3)
    edits = rows.select(
        "week_start", "category", (pl.col("capacity_pieces") * 2 + 5).alias("capacity_pieces")
    )
    snap = calendar.save_capacity(store, "F0000002", edits, "wang", "en").snapshot
    assert updated == [[("F0000002", "F0000002", False)]]
    got = pl.read_parquet(rollups.rollup_path(snap, "capacity_cells"))
    assert not got.equals(pl.read_parquet(rollups.rollup_path(base, "capacity_cells")))
    assert_frame_equal(got, _whole(snap, tmp_path)["capacity_cells"], check_exact=True)
    assert rollups.verify(snap) == []
    # ranges over more of the table than MAX_SHARE: the cells are rebuilt from the tables instead
    monkeypatch.setattr(rollup_delta, "MAX_SHARE", 0.5)
    again = calendar.save_capacity(
        store, "F0000002", edits.with_columns(pl.col("capacity_pieces") + 1), "wang", "en"
    )
    assert len(updated) == 1 and again.snapshot.tables["capacity"]["delta"]["ranges"]
    assert rollups.verify(again.snapshot) == []


def test_cells_updated_from_the_parent_drop_the_cells_left_empty(store, tmp_path):
    """The touched factories' rows removed: cells only they filled disappear, as in a rebuild."""
    import duckdb

    from supply.data import files, rollup_delta

    base = store.latest()
    capacity = pl.read_parquet(base.table_path("capacity"))
    makers = capacity.join(pl.read_parquet(base.table_path("factories")), on="factory_id")
    county = (
        makers.group_by("adcode")
        .agg(pl.col("factory_id").n_unique())
        .sort("factory_id", "adcode")["adcode"][0]
    )
    gone = sorted(makers.filter(pl.col("adcode") == county)["factory_id"].unique())  # every cell of a county
    new = tmp_path / "new"
    new.mkdir()
    capacity.filter(~pl.col("factory_id").is_in(gone)).write_parquet(new / "capacity.parquet")
    entries = {t: dict(e) for t, e in base.tables.items() if t != "capacity"}
    for entry in entries.values():
        (new / entry["file"]).hardlink_to(base.path / entry["file"])
    entries["capacity"] = {"file": "capacity.parquet", "sha256": files.sha256_file(new / "capacity.parquet")}
    want = pl.read_parquet(new / rollups.build(new, entries)["capacity_cells"]["file"])
    before = pl.read_parquet(rollups.rollup_path(base, "capacity_cells"))
    assert want.height < before.height

    con = duckdb.connect()
    rollups.register_sources(con, {t: new / e["file"] for t, e in entries.items()})
    rollup = rollups.BY_NAME["capacity_cells"]
    found = (
        "capacity",
        [(gone[0], gone[-1], False)],  # over the factories between them too: theirs cancel out
        base.table_path("capacity"),
        rollups.rollup_path(base, rollup.name),
    )
    rollup_delta.write(con, rollup, tmp_path / "cells.parquet", found, rollups._order(con, rollup))
    assert_frame_equal(pl.read_parquet(tmp_path / "cells.parquet"), want, check_exact=True)


def test_the_share_of_a_table_that_touched_ranges_may_hold(tmp_path):
    """rollup_delta._share counts the rows of the row groups a range overlaps (and null groups)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from supply.data import rollup_delta

    ids = [f"F{i:07d}" for i in range(1, 101)] + [None] * 20
    pq.write_table(
        pa.table({"factory_id": ids}), tmp_path / "t.parquet", row_group_size=20
    )  # 5 + 1 null group
    share = lambda ranges: rollup_delta._share(tmp_path / "t.parquet", "capacity", ranges)  # noqa: E731
    assert share([("F0000007", "F0000007", False)]) == 20 / 120
    assert share([("F0000019", "F0000022", False)]) == 40 / 120  # across a group boundary
    assert share([(None, None, True)]) == 20 / 120
    assert share([("F0000001", "F0000100", True)]) == 1.0
    assert share([("G", "H", False)]) == 0.0


def test_an_orders_upload_copies_the_untouched_factories_rows_of_factory_orders(
    tiny_data, tmp_path, monkeypatch
):
    """An upload that moved one order between two factories: factory_orders' ranges holding
    neither are copied from the parent's file, the other is computed; the file equals a rebuild."""
    from tests.ingest_helpers import copy_store, move_order

    store = copy_store(tiny_data, tmp_path)
    monkeypatch.setattr(layout, "ROW_GROUP_ROWS", 300)  # many row groups (DuckDB's writer: 2,048 rows)
    monkeypatch.setattr(rollup_chunks, "CHUNK_ROWS", 400)
    kinds = []
    real = rollup_chunks._reused

    def spy(part, i, lows, touched, parent_file):
        out = real(part, i, lows, touched, parent_file)
        kinds.append("computed" if out is part else "copied")
        return out

    monkeypatch.setattr(rollup_chunks, "_reused", spy)
    _base, up = move_order(store)  # F0000001 -> F0000002
    assert up.tables["orders"]["delta"]["ranges"] == [
        ["F0000001", "F0000001", False],
        ["F0000002", "F0000002", False],
    ]
    assert kinds.count("computed") == 1 and kinds.count("copied") >= 2, kinds
    got = pl.read_parquet(rollups.rollup_path(up, "factory_orders"))
    assert_frame_equal(got, _whole(up, tmp_path)["factory_orders"], check_exact=True)
    assert rollups.verify(up) == []


def test_an_orders_upload_updates_the_parents_order_cells_exactly(tiny_data, tmp_path, monkeypatch):
    """An upload that moved one order between two factories: the order cells are the parent's,
    minus the two factories' old cells, plus their new ones, money summed as decimals; equal to a
    rebuild value for value. A parent with money cells too large to read back exactly rebuilds."""
    from supply.data import rollup_delta
    from tests.ingest_helpers import copy_store, move_order

    monkeypatch.setattr(layout, "ROW_GROUP_ROWS", 300)  # many row groups: the two factories' are few
    updated = []
    real = rollup_delta.write
    monkeypatch.setattr(
        rollup_delta, "write", lambda con, r, dst, f, o: (updated.append(r.name), real(con, r, dst, f, o))
    )
    store = copy_store(tiny_data, tmp_path)
    base, up = move_order(store)  # F0000001 -> F0000002
    assert updated == ["order_cells"]
    got = pl.read_parquet(rollups.rollup_path(up, "order_cells"))
    assert not got.equals(pl.read_parquet(rollups.rollup_path(base, "order_cells")))
    assert_frame_equal(got, _whole(up, tmp_path / "a")["order_cells"], check_exact=True)
    assert rollups.verify(up) == []

    monkeypatch.setattr(rollup_delta, "EXACT_BELOW", 1.0)  # every money cell "too large"
    _, again = move_order(store, "F0000002", "F0000003")
    assert updated == ["order_cells"]  # not updated from the parent: rebuilt
    assert_frame_equal(
        pl.read_parquet(rollups.rollup_path(again, "order_cells")),
        _whole(again, tmp_path / "b")["order_cells"],
        check_exact=True,
    )
