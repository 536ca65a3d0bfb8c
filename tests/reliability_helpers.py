"""Shared by the kill and race tests: writers run as child processes (forked from a server that
imported the app once, so each costs milliseconds), the rows they write, and the checks that
find corrupt snapshots, lost changes and debris."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
import warnings

import polars as pl

from supply.data import calendar
from supply.data.store import Store

FID_COLS = ("factory_id", "week_start", "category")
_CATEGORY_ZH = {"childrens_wear": "童装", "school_uniform": "校服"}
_PRELOAD = ["supply.ingest.pipeline", "supply.data.calendar", "supply.data.maintenance", "supply.data.store"]


def context() -> mp.context.BaseContext:
    """A forkserver that imported the writers once; children fork from it, not from pytest."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def free_keys(store: Store) -> list[tuple]:
    """(factory, week, category, booked) of future capacity rows of categories the upload knows."""
    snap = store.latest()
    cap = store.read(snap.snapshot_id, "capacity")
    first = calendar.first_editable_week(snap.as_of)
    rows = cap.filter((pl.col("week_start") >= first) & pl.col("category").is_in(list(_CATEGORY_ZH)))
    rows = rows.sort(*FID_COLS)
    return [(r[0], r[1], r[2], r[3]) for r in rows.select(*FID_COLS, "booked_pieces").iter_rows()]


def do_upload(data_dir: str, key: tuple, value: int, barrier=None) -> None:
    """Commit one capacity row as a CSV upload (the Data page's path); exit 0 once committed."""
    from supply.ingest import pipeline as ingest

    factory, week, category, booked = key
    text = f"工厂编号,周,品类,产能,已接单\n{factory},{week.isoformat()},{_CATEGORY_ZH[category]},{value},{booked}\n"
    data = text.encode("utf-8")
    store = Store(data_dir)
    if barrier is not None:
        barrier.wait()
    read = ingest.read_upload("race.csv", data)
    base = store.latest()
    check = ingest.validate(
        "capacity",
        read,
        ingest.suggest_mapping("capacity", read.headers),
        base_snapshot=base,
        as_of=base.as_of,
    )
    ingest.commit(store, "capacity", check, base_snapshot=base, source_name="race.csv", source_bytes=data)
    os._exit(0)


def do_edit(data_dir: str, key: tuple, value: int, barrier=None, delay: float = 0.0) -> None:
    """Save one capacity edit as a factory owner (My factory's path); exit 0 once saved.

    ``delay`` seconds after the barrier, so the edit lands at any point of a racing upload.
    """
    factory, week, category, _ = key
    store = Store(data_dir)
    if barrier is not None:
        barrier.wait()
    time.sleep(delay)
    seen = store.latest().snapshot_id
    edits = pl.DataFrame({"week_start": [week], "category": [category], "capacity_pieces": [value]})
    result = calendar.save_capacity(store, factory, edits, "owner", "en", based_on=seen)
    os._exit(0 if result.snapshot is not None else 3)


def do_prune(data_dir: str, keep: int, barrier=None) -> None:
    """Remove all but the ``keep`` newest snapshots; exit 0."""
    from supply.data import maintenance

    store = Store(data_dir)
    if barrier is not None:
        barrier.wait()
    maintenance.prune(store, keep)
    os._exit(0)


def do_start(data_dir: str) -> None:
    """What a new server or command does first: open the store (which cleans dead writers' debris)."""
    Store(data_dir).list()
    os._exit(0)


def values(store: Store) -> dict[tuple, int]:
    """Capacity of every (factory, week, category) in the newest snapshot."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cap = store.read(store.latest().snapshot_id, "capacity")
    return {(f, w, c): v for f, w, c, v in cap.select(*FID_COLS, "capacity_pieces").iter_rows()}


def corrupt(store: Store) -> list[str]:
    """Snapshots that are skipped or fail a full re-hash."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        snaps = store.list()
    bad = [f"{name}: {why}" for name, why in store.skipped]
    bad += [f"{s.snapshot_id}: {p}" for s in snaps for p in store.verify(s.snapshot_id)]
    return bad


def debris(store: Store) -> list[str]:
    """What writers leave behind: temporary, trash and scratch directories, temporary files."""
    found = []
    for folder in (store.root, store.data_dir):
        for path in folder.iterdir():
            name = path.name
            if name.startswith((".tmp-", ".reserve-", ".trash-", ".ingest", ".scratch-")) and (
                path.is_dir() or name.startswith(".reserve-")
            ):
                found.append(str(path.relative_to(store.data_dir)))
            elif name.startswith(".") and name.endswith(".tmp"):
                found.append(str(path.relative_to(store.data_dir)))
    for snap_dir in store.root.iterdir():
        if snap_dir.is_dir() and not snap_dir.name.startswith("."):
            found += [str(p.relative_to(store.data_dir)) for p in snap_dir.glob(".rollups-*")]
            found += [str(p.relative_to(store.data_dir)) for p in snap_dir.glob("*.part")]
    return sorted(found)
