"""Store.change: the new snapshot (tables, layout, rollups) is built outside the writer lock (issue 16).

A writer that takes minutes to build its rollups must not hold up another writer; when the
other one lands first, the change is built again on the new newest snapshot, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import threading

import polars as pl

from supply.data.store import Change, Store
from tests.test_store import DAY, capacity_frame, tiny_tables


def _bump(frame: pl.DataFrame, factory_id: str, pieces: int) -> pl.DataFrame:
    """The capacity table with one factory's capacity set to ``pieces``."""
    return frame.with_columns(
        pl.when(pl.col("factory_id") == factory_id)
        .then(pl.lit(pieces, dtype=pl.Int64))
        .otherwise(pl.col("capacity_pieces"))
        .alias("capacity_pieces")
    )


def test_another_writer_lands_while_a_change_is_built_and_nothing_is_lost(tmp_path):
    store = Store(tmp_path)
    store.write(None, tiny_tables(), as_of=DAY, prefix="demo")
    bases, other_done = [], threading.Event()

    def other_writer():
        base = store.latest()
        table = _bump(store.read(base.snapshot_id, "capacity"), "F0000002", 2222)
        store.derive(base, {"capacity": table}, as_of=DAY, prefix="edit")
        other_done.set()

    def build(base, scratch):
        bases.append(base.snapshot_id)
        if len(bases) == 1:  # the slow part of the first try: another writer comes and goes
            thread = threading.Thread(target=other_writer)
            thread.start()
            thread.join(60)
            assert other_done.is_set(), "the other writer waited for the lock held by a change being built"
        table = _bump(store.read(base.snapshot_id, "capacity"), "F0000001", 1111)
        return Change({"capacity": table}, as_of=DAY, source={"kind": "test"}, prefix="upload")

    snap = store.change(build)
    assert len(bases) == 2 and bases[0] != bases[1]  # built again on the other writer's snapshot
    assert snap.manifest["parent"] == bases[1]
    final = store.read(snap.snapshot_id, "capacity")
    pieces = dict(zip(final["factory_id"], final["capacity_pieces"]))
    assert pieces["F0000001"] == 1111 and pieces["F0000002"] == 2222  # both changes kept
    assert store.latest().snapshot_id == snap.snapshot_id
    assert store.verify(snap.snapshot_id) == []
    assert set(snap.manifest["rollups"]) == set(store.list()[0].manifest["rollups"])
    assert not [p for p in store.data_dir.iterdir() if p.name.startswith(".scratch-")]


def test_a_change_with_nothing_to_write_writes_nothing(tmp_path):
    store = Store(tmp_path)
    store.write(None, tiny_tables(), as_of=DAY)
    before = [s.snapshot_id for s in store.list()]
    assert store.change(lambda base, scratch: None) is None
    assert [s.snapshot_id for s in store.list()] == before


def test_change_carries_the_other_tables_forward_by_hard_link(tmp_path):
    store = Store(tmp_path)
    base = store.write(None, tiny_tables(), as_of=DAY)
    snap = store.change(
        lambda b, s: Change({"capacity": capacity_frame(seed=7)}, as_of=DAY + dt.timedelta(days=1))
    )
    assert snap.manifest["tables"]["clusters"]["sha256"] == base.manifest["tables"]["clusters"]["sha256"]
    assert snap.table_path("clusters").stat().st_ino == base.table_path("clusters").stat().st_ino
    assert snap.as_of == DAY + dt.timedelta(days=1)
