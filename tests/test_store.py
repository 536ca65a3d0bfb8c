"""The snapshot store: atomic, immutable, verified, serialised writers, and a writer killed half way."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import polars as pl
import pytest

from supply.data import files
from supply.data.store import MANIFEST, SnapshotError, SnapshotExists, Store
from supply.demo import generate as demo

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 6, 22)


def capacity_frame(n: int = 50, seed: int = 0) -> pl.DataFrame:
    """A small capacity table: n factories x one week, booked <= capacity."""
    return pl.DataFrame(
        {
            "factory_id": [f"F{i:07d}" for i in range(1, n + 1)],
            "week_start": [DAY] * n,
            "category": ["childrens_wear"] * n,
            "capacity_pieces": [1000 + i + seed for i in range(n)],
            "booked_pieces": [500 + i for i in range(n)],
        }
    )


def tiny_tables(seed: int = 0) -> dict:
    """Two small tables: the real clusters and a made-up capacity table."""
    return {"clusters": demo.clusters_frame(), "capacity": capacity_frame(seed=seed)}


def staging_dirs(store: Store) -> list[Path]:
    """Snapshots being staged by writers (supply/data/staging.py), still present."""
    scratch = [p for p in store.data_dir.iterdir() if p.name.startswith(".scratch-")]
    return sorted(p / "snapshot" for p in scratch if (p / "snapshot").is_dir())


def tmp_dirs(store: Store) -> list[str]:
    """Writers' temporary directories still present (staged snapshots, or old-style .tmp- dirs)."""
    old = [p.name for p in store.root.iterdir() if p.name.startswith(".tmp-")]
    return sorted(old + [str(p.relative_to(store.data_dir)) for p in staging_dirs(store)])


def test_write_is_atomic_the_snapshot_appears_only_when_complete(tmp_path):
    store = Store(tmp_path)
    store.write("base", tiny_tables(), as_of=DAY)
    seen = []

    def chunks():
        for i in range(3):
            # Mid-write: the new id is neither listed nor present, only a hidden staging dir.
            seen.append(
                ([s.snapshot_id for s in store.list()], (store.root / "new").exists(), tmp_dirs(store))
            )
            yield capacity_frame(seed=i)

    snap = store.write("new", {"capacity": chunks()}, as_of=DAY + dt.timedelta(days=1))
    assert all(ids == ["base"] and not exists and len(tmps) == 1 for ids, exists, tmps in seen)
    assert tmp_dirs(store) == []
    assert [s.snapshot_id for s in store.list()] == ["base", "new"]
    assert snap.tables["capacity"]["rows"] == 150
    manifest = json.loads((snap.path / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["tables"]["capacity"]["rows"] == 150
    assert store.verify("new") == []


def test_a_writer_that_fails_leaves_nothing_behind(tmp_path):
    store = Store(tmp_path)

    def broken():
        yield capacity_frame()
        raise RuntimeError("source went away")

    with pytest.raises(RuntimeError, match="source went away"):
        store.write("half", {"capacity": broken()}, as_of=DAY)
    assert store.list() == []
    assert not (store.root / "half").exists()
    assert tmp_dirs(store) == []


def test_writing_over_an_existing_id_is_refused(tmp_path):
    store = Store(tmp_path)
    first = store.write("s1", tiny_tables(seed=0), as_of=DAY)
    before = {p.name: p.read_bytes() for p in first.path.rglob("*") if p.is_file()}
    with pytest.raises(SnapshotExists, match="immutable"):
        store.write("s1", tiny_tables(seed=99), as_of=DAY)
    assert {p.name: p.read_bytes() for p in first.path.rglob("*") if p.is_file()} == before
    assert store.verify("s1") == []
    assert tmp_dirs(store) == []


def test_unknown_table_and_bad_id_are_refused(tmp_path):
    store = Store(tmp_path)
    with pytest.raises(SnapshotError, match="unknown table"):
        store.write("s1", {"widgets": capacity_frame()}, as_of=DAY)
    with pytest.raises(SnapshotError, match="not a valid snapshot id"):
        store.write("../escape", tiny_tables(), as_of=DAY)


def _break(store: Store, name: str, how: str) -> Path:
    """Copy a good snapshot to ``name`` and damage its manifest in one way."""
    good = store.get("good")
    path = store.root / name
    shutil.copytree(good.path, path)
    manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    if how == "missing":
        (path / MANIFEST).unlink()
    elif how == "not-json":
        (path / MANIFEST).write_text("{ half a manifest", encoding="utf-8")
    elif how == "wrong-id":
        (path / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")  # still says "good"
    elif how == "missing-file":
        (path / "capacity.parquet").unlink()
        manifest["snapshot_id"] = name
        (path / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    elif how == "no-keys":
        (path / MANIFEST).write_text(json.dumps({"snapshot_id": name}), encoding="utf-8")
    return path


@pytest.mark.parametrize("how", ["missing", "not-json", "wrong-id", "missing-file", "no-keys"])
def test_a_directory_with_a_bad_manifest_is_skipped_with_a_warning_naming_it(tmp_path, how):
    store = Store(tmp_path)
    store.write("good", tiny_tables(), as_of=DAY)
    bad = _break(store, f"zz-bad-{how}", how)
    with pytest.warns(UserWarning, match=str(bad)):
        snaps = store.list()
    assert [s.snapshot_id for s in snaps] == ["good"]
    assert [name for name, _ in store.skipped] == [bad.name]
    with pytest.warns(UserWarning, match=bad.name):
        assert store.latest().snapshot_id == "good"  # falls back to the newest good one
    with pytest.raises(SnapshotError, match=bad.name):
        store.get(bad.name)


def test_verify_catches_a_flipped_byte(tmp_path):
    store = Store(tmp_path)
    snap = store.write("s1", tiny_tables(), as_of=DAY)
    assert store.verify("s1") == []
    path = snap.table_path("capacity")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # same size, so only the hash can tell
    path.write_bytes(bytes(data))
    problems = store.verify("s1")
    assert len(problems) == 1 and "capacity" in problems[0] and "sha256" in problems[0]


def test_list_is_ordered_by_as_of_then_the_write_sequence_not_the_clock(tmp_path):
    store = Store(tmp_path)
    t = tiny_tables()
    store.write("c-late", t, as_of=DAY + dt.timedelta(days=7), created_at="2026-01-01T00:00:00+00:00")
    store.write("b-same-day-first", t, as_of=DAY, created_at="2026-06-23T00:00:00+00:00")
    store.write("a-same-day-second", t, as_of=DAY, created_at="2026-06-22T00:00:00+00:00")
    store.write("z-same-day-third", t, as_of=DAY, created_at="2026-06-22T00:00:00+00:00")
    assert [s.snapshot_id for s in store.list()] == [
        "b-same-day-first",
        "a-same-day-second",
        "z-same-day-third",
        "c-late",
    ]
    assert [s.seq for s in store.list()] == [2, 3, 4, 1]
    assert store.latest().snapshot_id == "c-late"
    assert store.previous("c-late").snapshot_id == "z-same-day-third"
    assert store.previous("b-same-day-first") is None


def test_derive_carries_unchanged_tables_forward_by_hard_link(tmp_path):
    store = Store(tmp_path)
    base = store.write("base", tiny_tables(), as_of=DAY)
    new = store.derive(
        base, {"capacity": capacity_frame(seed=7)}, as_of=DAY + dt.timedelta(days=7), source={"kind": "test"}
    )
    old_clusters, new_clusters = base.table_path("clusters").stat(), new.table_path("clusters").stat()
    assert (new_clusters.st_ino, new_clusters.st_dev) == (old_clusters.st_ino, old_clusters.st_dev)
    assert new_clusters.st_nlink >= 2
    assert new.table_path("capacity").stat().st_ino != base.table_path("capacity").stat().st_ino
    assert new.manifest["parent"] == "base"
    assert new.tables["clusters"]["sha256"] == base.tables["clusters"]["sha256"]
    assert store.read(new.snapshot_id, "capacity")["capacity_pieces"][0] == 1007
    assert store.verify(new.snapshot_id) == [] and store.verify("base") == []


_DERIVE_SCRIPT = textwrap.dedent("""
    import datetime as dt, sys, time
    import polars as pl
    from supply.data.store import Store
    store = Store(sys.argv[1])
    start = float(sys.argv[2])
    time.sleep(max(0, start - time.time()))  # start together
    def slow():
        for i in range(5):
            time.sleep(0.05)
            yield pl.DataFrame({"factory_id": [f"F{i:07d}"], "week_start": [dt.date(2026, 6, 22)],
                                "category": ["shoes"], "capacity_pieces": [10], "booked_pieces": [1]})
    with store.writing() as base:  # base = the newest, read again under the one writer lock
        snap = store.derive(base, {"capacity": slow()}, as_of=dt.date(2026, 6, 29))
    print(snap.snapshot_id, snap.manifest["parent"])
""")


def test_concurrent_writers_are_serialised_and_none_is_lost(tmp_path):
    store = Store(tmp_path)
    store.write("base", tiny_tables(), as_of=DAY)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.time() + 2.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _DERIVE_SCRIPT, str(tmp_path), str(start)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in results]
    pairs = [out.split() for out, _ in results]
    ids = sorted(sid for sid, _ in pairs)
    assert len(set(ids)) == 3, ids  # each writer got its own id: none overwrote another
    assert ids == ["2026-06-29-2", "2026-06-29-3", "2026-06-29-4"]  # date + write sequence
    # one after the other, each on the one before: the chain is linear, none merged into a stale base
    assert sorted(parent for _, parent in pairs) == ["2026-06-29-2", "2026-06-29-3", "base"]
    assert [s.snapshot_id for s in store.list()] == ["base", *ids]
    assert all(store.verify(i) == [] for i in ids)
    assert tmp_dirs(store) == []
    assert not any(p.name.startswith(".reserve-") for p in store.root.iterdir())


_KILLED_WRITER = textwrap.dedent("""
    import datetime as dt, sys, time
    import numpy as np
    import polars as pl
    from supply.data.store import Store
    store = Store(sys.argv[1])
    def big():
        rng = np.random.default_rng(0)
        for i in range(100_000):  # far more than it will ever write before it is killed
            n = 20_000
            yield pl.DataFrame({"factory_id": [f"F{j:07d}" for j in range(i * n, (i + 1) * n)],
                                "week_start": [dt.date(2026, 6, 22)] * n, "category": "shoes",
                                "capacity_pieces": rng.integers(100, 200, n),
                                "booked_pieces": rng.integers(0, 100, n)})
            time.sleep(0.02)
    store.write("big", {"clusters": store.read("prev", "clusters"), "capacity": big()},
                as_of=dt.date(2026, 6, 29))
""")


def test_a_writer_killed_half_way_leaves_no_partial_snapshot(tmp_path):
    store = Store(tmp_path)
    prev = store.write("prev", tiny_tables(), as_of=DAY)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(tmp_path)], env=env, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 90
        while True:  # wait until the writer has a file in its temporary directory
            tmps = staging_dirs(store)
            if tmps and any(f.is_file() and f.stat().st_size > 0 for f in tmps[0].iterdir()):
                break
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the writer never started writing"
            time.sleep(0.05)
        time.sleep(0.3)  # well inside the write: it goes on for minutes
        assert proc.poll() is None, "the writer finished before it was killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    leftover = tmp_dirs(store)
    assert len(leftover) == 1 and not (store.data_dir / leftover[0] / MANIFEST).exists()

    assert [s.snapshot_id for s in store.list()] == ["prev"]  # nothing partial is listed
    assert store.skipped == []  # hidden .tmp- dirs are not even warned about
    assert store.latest().snapshot_id == "prev"
    with pytest.raises(SnapshotError):
        store.get("big")
    assert store.verify("prev") == []
    assert store.read("prev", "capacity").equals(store.read(prev.snapshot_id, "capacity"))

    assert store.clean_tmp() == [Path(name).parts[0] for name in leftover]
    assert tmp_dirs(store) == []
    assert [s.snapshot_id for s in store.list()] == ["prev"]


def test_clean_tmp_leaves_a_live_writers_scratch_alone_and_removes_the_dead_ones(tmp_path):
    store = Store(tmp_path)
    store.root.mkdir(parents=True)
    live = files.new_scratch(store.data_dir, "ingest-stage")  # owned (locked) by this process
    dead = subprocess.run(  # a scratch directory whose owner has exited without removing it
        [
            sys.executable,
            "-c",
            "import os, sys; from pathlib import Path; from supply.data import files;"
            " p = files.new_scratch(Path(sys.argv[1]), 'ingest-read'); print(p.name); os._exit(0)",
            str(store.data_dir),
        ],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (store.root / ".tmp-foo").mkdir()  # no pid in the name: the old clean_tmp crashed on it
    (store.root / ".reserve-2026-06-29").touch()
    (store.root / ".reserve-2026-06-29-7").mkdir()
    (store.data_dir / ".ingest-abc123").mkdir()  # old code's scratch: no owner, no pid ...
    os.utime(store.data_dir / ".ingest-abc123", (1, 1))  # ... and long untouched
    removed = store.clean_tmp()
    assert sorted(removed) == sorted(
        [".tmp-foo", ".reserve-2026-06-29", ".reserve-2026-06-29-7", dead, ".ingest-abc123"]
    )
    assert live.exists() and not (store.data_dir / dead).exists()
    files.drop_scratch(live)


def test_a_new_process_cleans_dead_writers_debris_on_start(tmp_path):
    store = Store(tmp_path)
    store.write("s1", tiny_tables(), as_of=DAY)
    (store.root / ".tmp-s2-999999-abcdef12").mkdir()
    (store.root / ".trash-s0-999999-abcdef12").mkdir()
    script = "import sys; from supply.data.store import Store; Store(sys.argv[1]); print('ok')"
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        check=True,
        capture_output=True,
    )
    assert sorted(p.name for p in store.root.iterdir() if p.name.startswith(".t")) == []
