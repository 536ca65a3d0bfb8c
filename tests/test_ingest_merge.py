"""An upload's merge by touched ranges equals the merge that sorts the whole table (issue 12).

``merge`` streams the base's rows between the upload's touched factory ranges in file order
and sorts only the rows inside them; the result must be the very table, row for row, that
sorting everything gives, for moves, new factories in gaps and past the end, null keys,
left-out rows and uploads touching many factories. Real DuckDB and Parquet, on the tiny demo's
orders and capacity.
"""

from __future__ import annotations

import polars as pl
import pyarrow.parquet as pq
import pytest

from supply.data import layout
from supply.ingest.merge import _pieces, merge, touched_ranges


def _stage(tmp_path, rows: pl.DataFrame) -> str:
    (tmp_path / "rows").mkdir()
    rows.with_row_index("_row").with_columns(pl.col("_row").cast(pl.Int64)).write_parquet(
        tmp_path / "rows" / "part-0.parquet"
    )
    return str(tmp_path / "rows" / "*.parquet")


def _both(base, glob, table, tmp_path, drop=()):
    """(ranges, merged by ranges, merged by a whole sort, counts of each)."""
    drop = sorted(drop)
    touched = touched_ranges(base, glob, drop, table, tmp_path)
    ranged = merge(base, glob, drop, table, tmp_path / "ranged.parquet", tmp_path, touched)
    whole = merge(base, glob, drop, table, tmp_path / "whole.parquet", tmp_path, None)
    a = pq.read_table(tmp_path / "ranged.parquet")
    b = pq.read_table(tmp_path / "whole.parquet")
    return touched, a, b.cast(a.schema), ranged, whole


def _orders_upload(orders: pl.DataFrame) -> pl.DataFrame:
    """One order moved to another factory, a new factory between two ids and one past the last,
    an unallocated order (null factory) changed, and an order of a factory updated in place."""
    allocated = orders.filter(pl.col("factory_id").is_not_null()).sort("factory_id", "order_id")
    first = allocated.head(1).with_columns(pl.lit("F0000002").alias("factory_id"))
    gap = allocated.slice(3, 2).with_columns(
        (pl.col("factory_id") + "5").alias("factory_id"), (pl.col("order_id") + "-gap").alias("order_id")
    )
    last = allocated.tail(1).with_columns(
        pl.lit("F9999999").alias("factory_id"), (pl.col("order_id") + "-end").alias("order_id")
    )
    unallocated = orders.filter(pl.col("factory_id").is_null()).head(1).with_columns(pl.col("qty") + 7)
    updated = allocated.slice(len(allocated) // 2, 1).with_columns(pl.col("qty") + 1)
    assert len(unallocated) == 1, "the tiny demo has unallocated pooled orders"
    return pl.concat([first, gap, last, unallocated, updated])


def test_orders_merge_by_ranges_equals_the_whole_sort(tiny_snapshot, tmp_path):
    base = tiny_snapshot.table_path("orders")
    upload = _orders_upload(pl.read_parquet(base))
    glob = _stage(tmp_path, upload)
    touched, ranged, whole, (rows_a, changed_a), (rows_b, changed_b) = _both(base, glob, "orders", tmp_path)
    assert touched[-1] == (None, None, True) and len(touched) >= 5
    assert ranged.equals(whole)
    assert (rows_a, changed_a) == (rows_b, changed_b)
    assert rows_a == pq.ParquetFile(base).metadata.num_rows + 3  # two gap orders and one past the end
    assert changed_a == len(upload)
    assert not layout.needs_sorting(tmp_path / "ranged.parquet", "orders")
    assert pq.read_schema(tmp_path / "ranged.parquet").equals(pq.read_schema(base))


def test_left_out_rows_and_unchanged_rows(tiny_snapshot, tmp_path):
    """Rows left out by the checks are not merged; rows already in the base count as unchanged."""
    base = tiny_snapshot.table_path("orders")
    orders = pl.read_parquet(base)
    same = orders.filter(pl.col("factory_id").is_not_null()).slice(10, 3)
    upload = pl.concat([same, _orders_upload(orders)])
    glob = _stage(tmp_path, upload)
    _, ranged, whole, (rows_a, changed_a), (rows_b, changed_b) = _both(
        base, glob, "orders", tmp_path, drop=[4]
    )
    assert ranged.equals(whole) and (rows_a, changed_a) == (rows_b, changed_b)
    assert changed_a == len(upload) - 3 - 1  # three rows as they were, one left out


def test_an_upload_touching_many_factories(tiny_snapshot, tmp_path):
    """More touched factories than delta.MAX_RANGES: ranges over consecutive ids, same table."""
    base = tiny_snapshot.table_path("capacity")
    cap = pl.read_parquet(base)
    factories = cap["factory_id"].unique().sort()
    picked = factories.gather(list(range(0, len(factories), 2)))
    upload = cap.filter(pl.col("factory_id").is_in(picked.implode())).group_by("factory_id").head(1)
    upload = upload.with_columns(pl.col("capacity_pieces") + 3)
    glob = _stage(tmp_path, upload)
    touched, ranged, whole, counts_a, counts_b = _both(base, glob, "capacity", tmp_path)
    assert len(picked) > 64 and len(touched) == 64
    assert ranged.equals(whole) and counts_a == counts_b


def test_whole_sort_when_the_base_is_not_in_the_layout(tiny_snapshot, tmp_path):
    """A base whose row groups overlap (written by another program) is merged by a whole sort."""
    base = tmp_path / "orders.parquet"
    orders = pl.read_parquet(tiny_snapshot.table_path("orders"))
    orders.sample(fraction=1.0, shuffle=True, seed=3).write_parquet(base, row_group_size=1000)
    assert layout.needs_sorting(base, "orders")
    assert _pieces(base, "orders", [("F0000001", "F0000001", False)], "*", "order_id", "order_id") is None


@pytest.mark.parametrize("table", ["clusters", "schools"])
def test_tables_without_ranges_sort_whole(tiny_snapshot, table):
    assert _pieces(tiny_snapshot.table_path(table), table, None, "*", "x", "x") is None


def test_a_range_that_also_holds_null_keys(tiny_snapshot, tmp_path):
    """A touched range may carry both bounds and the null flag (``rowgroups.range_filter`` reads
    it so); the merge must still merge its bounded rows, not copy them."""
    base = tiny_snapshot.table_path("orders")
    glob = _stage(tmp_path, _orders_upload(pl.read_parquet(base)))
    touched = touched_ranges(base, glob, [], "orders", tmp_path)
    assert touched[-1] == (None, None, True)
    folded = [(touched[0][0], touched[0][1], True), *touched[1:-1]]
    ranged = merge(base, glob, [], "orders", tmp_path / "ranged.parquet", tmp_path, folded)
    whole = merge(base, glob, [], "orders", tmp_path / "whole.parquet", tmp_path, None)
    a, b = pq.read_table(tmp_path / "ranged.parquet"), pq.read_table(tmp_path / "whole.parquet")
    assert a.equals(b.cast(a.schema)) and ranged == whole
