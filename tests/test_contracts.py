"""Data contracts (tests/contracts.py) hold on the demo, and each one catches the breakage it names."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from supply.data.store import Store
from tests.contracts import assert_contracts, contract_violations


def test_both_tiny_demo_snapshots_meet_every_contract(tiny_store):
    snaps = tiny_store.list()
    assert len(snaps) == 2
    for snap in snaps:
        assert_contracts(snap)


def _moved_out_of_county(f: pl.DataFrame) -> pl.DataFrame:
    """The first Zhili factory gets the coordinates of a Yiwu factory but keeps its adcode."""
    yiwu = f.filter(pl.col("adcode") == "330782").row(0, named=True)
    first = f["factory_id"][0]
    return f.with_columns(
        lon=pl.when(pl.col("factory_id") == first).then(yiwu["lon"]).otherwise(pl.col("lon")),
        lat=pl.when(pl.col("factory_id") == first).then(yiwu["lat"]).otherwise(pl.col("lat")),
    )


def _first(frame: pl.DataFrame, **values) -> pl.DataFrame:
    """Set columns of the first row only."""
    idx = pl.int_range(pl.len()) == 0
    return frame.with_columns(
        **{c: pl.when(idx).then(pl.lit(v)).otherwise(pl.col(c)) for c, v in values.items()}
    )


BREAKAGES = {
    # contract name: (table, how to break it)
    "capacity.key_unique": ("capacity", lambda f: pl.concat([f, f.head(1)])),
    "orders.key_not_null": ("orders", lambda f: _first(f, order_id=None)),
    "orders.factory_id_references_factories": ("orders", lambda f: _first(f, factory_id="F9999999")),
    "factories.cluster_id_references_clusters": ("factories", lambda f: _first(f, cluster_id="atlantis")),
    "demand.school_id_references_schools": ("demand", lambda f: _first(f, school_id="S9999")),
    "inventory.factory_id_references_factories": ("inventory", lambda f: _first(f, factory_id="F9999999")),
    "capacity.booked_within_capacity": (
        "capacity",
        lambda f: f.with_columns(booked_pieces=pl.col("capacity_pieces") + 1),
    ),
    "capacity.capacity_non_negative": ("capacity", lambda f: _first(f, capacity_pieces=-5, booked_pieces=-6)),
    "capacity.week_start_is_monday": ("capacity", lambda f: _first(f, week_start=dt.date(2026, 6, 23))),
    "orders.due_on_or_after_order": (
        "orders",
        lambda f: f.with_columns(due_date=pl.col("order_date") - pl.duration(days=1)),
    ),
    "orders.order_qty_non_negative": ("orders", lambda f: _first(f, qty=-1)),
    "orders.channel_accepted_values": ("orders", lambda f: _first(f, channel="barter")),
    "demand.size_accepted_values": ("demand", lambda f: _first(f, size="999/99")),
    "factories.point_inside_own_county": ("factories", _moved_out_of_county),
    "schools.point_inside_own_county": ("schools", lambda f: _first(f, lon=121.47, lat=31.23)),
}


@pytest.mark.parametrize("contract", sorted(BREAKAGES))
def test_each_contract_catches_its_breakage(tiny_snapshot, tmp_path, contract):
    table, breaker = BREAKAGES[contract]
    tables = {t: tiny_snapshot.table_path(t) for t in tiny_snapshot.tables}
    tables[table] = breaker(pl.read_parquet(tiny_snapshot.table_path(table)))
    broken = Store(tmp_path).write("broken", tables, as_of=tiny_snapshot.as_of)
    found = contract_violations(broken)
    assert contract in found, sorted(found)
    with pytest.raises(AssertionError, match=contract.replace(".", r"\.")):
        assert_contracts(broken)
