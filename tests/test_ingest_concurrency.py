"""Two uploads at the same moment both land: commits are serialised, none is lost."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import polars as pl
import pytest

from supply.ingest import pipeline as ingest
from tests.ingest_helpers import AS_OF, copy_store, csv_bytes

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER = ["工厂编号", "周", "品类", "产能", "已接单"]
UPLOADS = {  # file -> (factory, week, capacity): each process changes a different row
    "a.csv": ("F0000001", "2026-07-06", 1111),
    "b.csv": ("F0000003", "2026-07-06", 2222),
    "c.csv": ("F0000004", "2026-07-13", 3333),
}


def capacity_of(store, snapshot_id, factory, week):
    frame = store.read(snapshot_id, "capacity").filter(
        (pl.col("factory_id") == factory)
        & (pl.col("week_start") == dt.date.fromisoformat(week))
        & (pl.col("category") == "childrens_wear")
    )
    return frame["capacity_pieces"].item()


def test_uploads_from_separate_processes_at_once_all_land(tiny_data, tmp_path):
    store = copy_store(tiny_data, tmp_path)
    base = store.latest()
    procs = []
    for name, (factory, week, cap) in UPLOADS.items():
        path = tmp_path / name
        path.write_bytes(csv_bytes([HEADER, [factory, week, "童装", cap, 0]]))
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "supply",
                    "ingest",
                    "capacity",
                    str(path),
                    "--data",
                    str(store.data_dir),
                    "--as-of",
                    AS_OF.isoformat(),
                    "--lang",
                    "en",
                ],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": ROOT},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [r[1].decode()[-500:] for r in results]
    snaps = store.list()
    uploads = [s for s in snaps if s.manifest["source"].get("kind") == "upload"]
    assert len(uploads) == 3
    # serialised: each upload was merged into the one before it, so the chain is linear
    assert sorted(s.manifest["parent"] for s in uploads) == sorted(
        [base.snapshot_id] + [s.snapshot_id for s in uploads[:-1]]
    )
    latest = store.latest()
    assert latest.snapshot_id == uploads[-1].snapshot_id
    for factory, week, cap in UPLOADS.values():
        assert capacity_of(store, latest.snapshot_id, factory, week) == cap
    assert {s.manifest["source"]["file"] for s in uploads} == set(UPLOADS)
    for s in snaps:
        assert store.verify(s.snapshot_id) == []


def test_a_check_made_before_another_commit_is_rechecked_and_both_land(tiny_data, tmp_path):
    store = copy_store(tiny_data, tmp_path)
    base = store.latest()
    checks = {}
    for name, (factory, week, cap) in list(UPLOADS.items())[:2]:
        data = csv_bytes([HEADER, [factory, week, "童装", cap, 0]])
        read = ingest.read_upload(name, data)
        checks[name] = (
            data,
            ingest.validate(
                "capacity",
                read,
                ingest.suggest_mapping("capacity", read.headers),
                base_snapshot=base,
                as_of=AS_OF,
            ),
        )
    first = ingest.commit(
        store,
        "capacity",
        checks["a.csv"][1],
        base_snapshot=base,
        source_name="a.csv",
        source_bytes=checks["a.csv"][0],
    )
    second = ingest.commit(
        store,
        "capacity",
        checks["b.csv"][1],
        base_snapshot=base,
        source_name="b.csv",
        source_bytes=checks["b.csv"][0],
    )
    assert second.manifest["parent"] == first.snapshot_id
    assert second.manifest["source"]["validated_against"] == first.snapshot_id
    for factory, week, cap in list(UPLOADS.values())[:2]:
        assert capacity_of(store, second.snapshot_id, factory, week) == cap


def test_a_stale_check_that_now_fails_is_refused_with_a_clear_message(tiny_data, tmp_path):
    store = copy_store(tiny_data, tmp_path)
    base = store.latest()
    orders = csv_bytes(
        [
            ["订单号", "工厂编号", "品类", "数量", "下单日期", "交货日期"],
            ["ON1", "FNEW", "童装", 10, "2026-06-20", "2026-07-20"],
        ]
    )
    factories = csv_bytes([["工厂编号", "工厂名称", "经度", "纬度"], ["FNEW", "新厂", 120.2, 30.85]])
    read = ingest.read_upload("f.csv", factories)
    add = ingest.validate(
        "factories", read, ingest.suggest_mapping("factories", read.headers), base_snapshot=base, as_of=AS_OF
    )
    with_factory = ingest.commit(
        store, "factories", add, base_snapshot=base, source_name="f.csv", source_bytes=factories
    )
    read = ingest.read_upload("o.csv", orders)
    order_check = ingest.validate(
        "orders",
        read,
        ingest.suggest_mapping("orders", read.headers),
        base_snapshot=with_factory,
        as_of=AS_OF,
    )
    assert order_check.rows_bad == 0
    # someone removes the factory again (a newer snapshot without it) before the order is committed
    without = store.derive(
        store.latest(),
        {"factories": base.table_path("factories")},
        as_of=AS_OF,
        snapshot_id="upload-2026-06-29-9",
    )
    assert store.latest().snapshot_id == without.snapshot_id
    with pytest.raises(ingest.IngestError) as exc:
        ingest.commit(
            store, "orders", order_check, base_snapshot=with_factory, source_name="o.csv", source_bytes=orders
        )
    assert exc.value.code == "base_changed" and without.snapshot_id in exc.value.message("en")
    assert store.latest().snapshot_id == without.snapshot_id
