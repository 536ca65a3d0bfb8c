"""Issue 16, the store's findings: one writer on the newest base, ordering within a second,
ids never reused after prune, prune that is atomic, and a damaged snapshot never served."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import warnings

import polars as pl
import pytest

from supply.data import maintenance
from supply.data.store import MANIFEST, SnapshotError, StaleBase, Store
from supply.demo import generate as demo

DAY = dt.date(2026, 6, 22)


def capacity(value: int) -> pl.DataFrame:
    """One capacity row whose figure tells the writes apart."""
    return pl.DataFrame(
        {
            "factory_id": ["F0000001"],
            "week_start": [DAY],
            "category": ["childrens_wear"],
            "capacity_pieces": [value],
            "booked_pieces": [0],
        }
    )


def seeded(tmp_path) -> Store:
    """A store with one small snapshot."""
    store = Store(tmp_path)
    store.write("base", {"clusters": demo.clusters_frame(), "capacity": capacity(0)}, as_of=DAY)
    return store


def quiet_latest(store: Store):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return store.latest()


class FrozenClock(dt.datetime):
    """Every write happens in the same second."""

    @classmethod
    def now(cls, tz=None):
        return dt.datetime(2026, 6, 29, 9, 0, 0, tzinfo=tz)


def test_twelve_writes_within_one_second_are_ordered_as_written(tmp_path, monkeypatch):
    # finding 2: ids -9 and -10 of the same second sorted as text put -10 first
    store = seeded(tmp_path)
    monkeypatch.setattr("supply.data.store.dt.datetime", FrozenClock)
    written = []
    for i in range(1, 13):
        with store.writing() as base:
            written.append(store.derive(base, {"capacity": capacity(i)}, as_of=DAY, prefix="upload"))
    assert {s.created_at for s in written} == {"2026-06-29T09:00:00+00:00"}
    assert [s.snapshot_id for s in store.list()] == ["base"] + [s.snapshot_id for s in written]
    assert store.latest().snapshot_id == written[-1].snapshot_id
    assert [s.manifest["parent"] for s in written[1:]] == [s.snapshot_id for s in written[:-1]]
    assert store.read(None, "capacity")["capacity_pieces"].to_list() == [12]


def test_a_change_derived_from_a_snapshot_that_is_no_longer_the_newest_is_refused(tmp_path):
    # finding 1: each writer merged into the snapshot it had read, dropping the other's change
    store = seeded(tmp_path)
    seen = store.latest()
    with store.writing() as base:
        newer = store.derive(base, {"capacity": capacity(1)}, as_of=DAY)
    with pytest.raises(StaleBase, match=newer.snapshot_id):
        store.derive(seen, {"capacity": capacity(2)}, as_of=DAY)
    assert store.latest().snapshot_id == newer.snapshot_id


def test_ids_are_never_reused_after_prune(tmp_path):
    # finding 5: prune, write again, and the pruned id came back (caches keyed by id showed old figures)
    store = seeded(tmp_path)
    ids = []
    for i in range(3):
        with store.writing() as base:
            ids.append(store.derive(base, {"capacity": capacity(i)}, as_of=DAY).snapshot_id)
    assert maintenance.prune(store, keep=1) == ["base", *ids[:2]]
    (store.root / ".seq").unlink()  # even when the sequence file is lost
    for i in range(3):
        with store.writing() as base:
            new = store.derive(base, {"capacity": capacity(10 + i)}, as_of=DAY)
        assert new.snapshot_id not in ids and new.snapshot_id != "base"
        ids.append(new.snapshot_id)
    assert len(set(ids)) == len(ids)
    with pytest.raises(SnapshotError, match="pruned"):
        store.write("base", {"capacity": capacity(99)}, as_of=DAY)


def test_a_prune_killed_half_way_leaves_whole_snapshots_or_none(tmp_path, monkeypatch):
    # finding 10: a killed prune left half-deleted directories that were warned about forever
    store = seeded(tmp_path)
    with store.writing() as base:
        store.derive(base, {"capacity": capacity(1)}, as_of=DAY)
    real_rmtree = shutil.rmtree

    def killed(path, *args, **kwargs):  # removes one file, then the process "dies"
        next(p for p in path.iterdir() if p.suffix == ".parquet").unlink()
        raise KeyboardInterrupt

    monkeypatch.setattr("supply.data.store.shutil.rmtree", killed)
    with pytest.raises(KeyboardInterrupt):
        maintenance.prune(store, keep=1)
    monkeypatch.setattr("supply.data.store.shutil.rmtree", real_rmtree)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no directory is skipped with a warning
        snaps = Store(tmp_path).list()
    assert [s.snapshot_id for s in snaps] == [quiet_latest(store).snapshot_id]
    Store(tmp_path).clean_tmp()
    assert [p.name for p in store.root.iterdir() if p.name.startswith(".trash-")] == []


def test_a_flipped_byte_is_refused_and_the_previous_good_snapshot_served(tmp_path):
    # finding 10: one flipped byte was served as wrong numbers until someone ran verify
    store = seeded(tmp_path)
    with store.writing() as base:
        bad = store.derive(base, {"capacity": capacity(7)}, as_of=DAY)
    path = bad.path / "capacity.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0x01  # same size
    path.unlink()  # a new inode, as a restored or rewritten file would have
    path.write_bytes(bytes(data))
    fresh = Store(tmp_path)
    with pytest.warns(UserWarning, match="sha256"):
        assert fresh.latest().snapshot_id == "base"  # falls back to the previous good one
    assert fresh.skipped and fresh.skipped[0][0] == bad.snapshot_id
    with pytest.raises(SnapshotError, match=rf"{bad.snapshot_id}.*sha256.*verify"):
        fresh.get(bad.snapshot_id).table_path("capacity")


def test_a_manifest_changed_after_writing_is_refused(tmp_path):
    store = seeded(tmp_path)
    manifest = json.loads((store.root / "base" / MANIFEST).read_text(encoding="utf-8"))
    manifest["tables"]["capacity"]["rows"] = 2  # sizes still match; only the digest can tell
    (store.root / "base" / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.warns(UserWarning, match="digest"):
        assert Store(tmp_path).list() == []
