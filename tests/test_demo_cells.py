"""The demo computes its rollups while generating (supply/demo/cells.py); they must be exactly what
the rollup SQL (the contract, supply/data/rollups.py) computes from the written tables."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from supply.data import rollups
from supply.data.store import Store


def _sql_rollups(snap, tmp_path) -> dict[str, pl.DataFrame]:
    """Every rollup of a snapshot recomputed by DuckDB from its tables, with no offered file."""
    out = tmp_path / snap.snapshot_id
    (out / rollups.ROLLUP_DIR).mkdir(parents=True)
    entries = {t: {**e, "file": str(snap.path / e["file"])} for t, e in snap.tables.items()}
    built = rollups.build(out, entries)
    return {name: pl.read_parquet(out / e["file"]) for name, e in built.items()}


def test_demo_rollups_equal_the_sql_definitions_row_for_row(tmp_path):
    """Same rows, same order, same types; money equal to the last bit (decimal sums)."""
    from supply.demo import build as demo_build

    store = Store(tmp_path / "cells")
    demo_build.build(store, scale=0.05, seed=42, rollup_cells=True)
    for snap in store.list():
        want = _sql_rollups(snap, tmp_path)
        assert set(want) == set(rollups.BY_NAME)
        for name, frame in want.items():
            got = pl.read_parquet(rollups.rollup_path(snap, name))
            assert frame.height > 0, name
            assert got.schema == frame.schema, name
            assert_frame_equal(got, frame, check_exact=True)


def test_an_offered_rollup_with_other_inputs_is_not_used(tmp_path, tiny_snapshot):
    """The store links an offered file only when the sha256 of its input tables match."""
    store = Store(tmp_path / "data")
    bogus = tmp_path / "bogus.parquet"
    pl.DataFrame({"x": [1]}).write_parquet(bogus)
    tables = {t: tiny_snapshot.table_path(t) for t in tiny_snapshot.tables}
    wrong = {"stock_cells": ({"inventory": "0" * 64, "factories": "0" * 64}, bogus)}
    with rollups.offered(wrong):
        snap = store.write("s", tables, as_of=tiny_snapshot.as_of)
    got = pl.read_parquet(rollups.rollup_path(snap, "stock_cells"))
    assert "x" not in got.columns
    assert_frame_equal(got, pl.read_parquet(rollups.rollup_path(tiny_snapshot, "stock_cells")))
    right = {"stock_cells": (snap.manifest["rollups"]["stock_cells"]["inputs"], bogus)}
    with rollups.offered(right):
        again = store.write("t", tables, as_of=tiny_snapshot.as_of)
    assert pl.read_parquet(rollups.rollup_path(again, "stock_cells"))["x"].to_list() == [1]


@pytest.mark.parametrize("value", [0.8699999999999999, 2.00005, -2.00005, 1234.5678, 0.0])
def test_line_values_round_like_the_decimal_cast(value):
    """A line's value is rounded to 1/10,000 CNY half away from zero, as DuckDB's cast does."""
    import duckdb

    from supply.demo.cells import _units

    sql = "select cast(cast(cast($v as double) as decimal(38, 4)) * 10000 as bigint)"
    want = duckdb.execute(sql, {"v": value})
    got = pl.select(_units(pl.lit(value, dtype=pl.Float64))).item()
    assert got == int(want.fetchone()[0])


def test_rollups_merged_across_blocks_equal_the_sql(tmp_path, monkeypatch):
    """With blocks of 40 factories (4 blocks, clusters split across them), partial cells merge
    and factory_orders rows come out in the SQL's total order."""
    from supply.demo import build as demo_build

    monkeypatch.setattr(demo_build, "FACTORY_BLOCK", 40)
    store = Store(tmp_path / "blocks")
    demo_build.build(store, scale=0.05, seed=3, snapshots=1, rollup_cells=True)
    snap = store.latest()
    assert snap.tables["factories"]["rows"] > 3 * 40
    want = _sql_rollups(snap, tmp_path)
    for name, frame in want.items():
        got = pl.read_parquet(rollups.rollup_path(snap, name))
        assert got.schema == frame.schema, name
        assert_frame_equal(got, frame, check_exact=True)
