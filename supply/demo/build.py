"""Build the demo snapshots: generate every table block by block and write them through the Store.

One pass over the factories, in blocks of ``FACTORY_BLOCK``, draws each block's capacity,
orders and stock once and writes every snapshot's version of them side by side (a later
snapshot shares the draws of the earlier one, seen a week on). Files are written in row
groups sorted by factory, into a work directory beside the snapshots, and handed to
``Store.write`` as finished Parquet files (hard-linked, hashed, manifest last). Memory holds
one block at a time plus the per-factory arrays (a few bytes per factory).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
import uuid

import numpy as np
import polars as pl

from supply.data import files as store_files
from supply.data import rollups
from supply.data.store import Snapshot, Store
from supply.demo import factories
from supply.demo.capacity import capacity_block
from supply.demo.cells import NoCells, SnapshotCells, factory_attrs
from supply.demo.clusters import (
    BASE_FACTORIES,
    BASE_ORDER_LINES,
    CLUSTERS,
    DEFAULT_AS_OF,
    WEEKS,
    clusters_frame,
)
from supply.demo.factories import FactoryArrays
from supply.demo.inventory import inventory_block
from supply.demo.orders import STATUS, direct_block, plan_orders, pooled_lines
from supply.demo.schools import demand_frame, schools_frame
from supply.demo.writer import BackgroundWriter, TableFile, block_sort_keys, sort_block, table_sorted

FACTORY_BLOCK = 15_000  # factories per generation block (~1M order lines, whatever the scale)
_DATE_SPAN = 100_000  # more days than any order date since 1970, to combine (factory, day) keys


def _remove_dead_work(root) -> None:
    """Remove work directories of demo builds whose process is gone (named <pid>-<hex>)."""
    for path in root.iterdir() if root.is_dir() else []:
        pid = path.name.split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:
            pass


def _merge_sorted(direct: pl.DataFrame, extra: pl.DataFrame) -> pl.DataFrame:
    """Insert the few ``extra`` rows into ``direct`` (both sorted by factory, then due date).

    Built from slices (no copy of the large frame): an extra row goes after the direct rows
    of its factory and day, as its id (P...) sorts after theirs (O...)."""
    if extra.height == 0:
        return direct

    def key(frame: pl.DataFrame) -> np.ndarray:
        return frame["_g"].to_numpy() * _DATE_SPAN + frame["due_date"].cast(pl.Int64).to_numpy()

    pos = np.searchsorted(key(direct), key(extra), side="right")
    cuts, first = np.unique(pos, return_index=True)
    ends = np.append(first[1:], extra.height)
    pieces, prev = [], 0
    for cut, a, b in zip(cuts.tolist(), first.tolist(), ends.tolist()):
        pieces += [direct.slice(prev, cut - prev), extra.slice(a, b - a)]
        prev = cut
    pieces.append(direct.slice(prev))
    return pl.concat(pieces, how="vertical_relaxed", rechunk=False)


def _orders_for(direct: pl.DataFrame, k: int, n_snapshots: int, pooled: pl.DataFrame) -> pl.DataFrame:
    """Snapshot k's lines of one block: older batches, status as of k, pooled lines merged in."""
    part = direct if k == n_snapshots - 1 else direct.filter(pl.col("_batch") <= k)
    part = part.with_columns(status=STATUS.gather(part[f"_status{k}"]))
    part = part.select(*pooled.columns)
    return _merge_sorted(part, pooled)


def build(
    store: Store,
    *,
    scale: float = 1.0,
    seed: int = 42,
    as_of: dt.date = DEFAULT_AS_OF,
    snapshots: int = 2,
    progress=None,
    rollup_cells: bool = False,
) -> list[Snapshot]:
    """Generate ``snapshots`` demo snapshots one week apart into ``store``; return them.

    Parameters
    ----------
    store : Store
        Where to write.
    scale : float
        1.0 gives ~3,000 factories and ~200,000 order lines; 500 gives 1.5M factories
        and 100M order lines. Generation is blocked, so memory stays bounded.
    seed : int
        Same seed and scale -> byte-identical tables.
    rollup_cells : bool
        Compute the rollups from the generated blocks (supply/demo/cells.py) instead of letting
        the store run the rollup SQL on the written tables. Off by default: measured at scale 5
        and 50 it costs more CPU than the SQL (bench/results/demo.md).

    Examples
    --------
    >>> build(Store("/tmp/demo"), scale=0.05)  # doctest: +SKIP
    [Snapshot('demo-2026-06-22', ...), Snapshot('demo-2026-06-29', ...)]
    """
    say = _clocked(progress or (lambda msg: None))
    n_factories = max(len(CLUSTERS) * 10, round(BASE_FACTORIES * scale))
    n_lines = max(1000, round(BASE_ORDER_LINES * scale))
    days = [as_of + dt.timedelta(weeks=k) for k in range(snapshots)]
    first_monday = as_of - dt.timedelta(days=as_of.weekday())
    _remove_dead_work(store.data_dir / ".demo-work")
    work = store.data_dir / ".demo-work" / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    try:
        paths, cells = _generate(work, seed, n_factories, n_lines, days, first_monday, say, rollup_cells)
        written: list[Snapshot] = []
        with store_files.hash_memo():  # each file hashed once, here; the store's hashing finds it
            for k, day in enumerate(days):
                sid = f"demo-{day.isoformat()}"
                snap = _commit(store, sid, k, day, paths, cells[k], work, written, seed, scale, say)
                written.append(snap)
                say(f"snapshot {sid}: committed")
        return written
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _clocked(say):
    """``say`` with the wall and CPU seconds since the start appended (the bench reads them)."""
    t0, c0 = time.perf_counter(), time.process_time()
    return lambda msg: say(
        f"{msg} [{time.perf_counter() - t0:.1f} s wall, {time.process_time() - c0:.1f} s CPU]"
    )


def _commit(store, sid, k, day, paths, cells, work, written, seed, scale, say) -> Snapshot:
    """Write snapshot ``k`` with the rollups computed while generating (offered to the store)."""
    made = cells.write(work / f"rollups-{k}")
    say(f"snapshot {sid}: rollup files written")
    tables = {
        "factories": paths["factories"],
        "capacity": paths[f"capacity-{k}"],
        "orders": paths[f"orders-{k}"],
        "schools": paths["schools"],
        "inventory": paths[f"inventory-{k}"],
    }
    sha = {t: store_files.sha256_file(p) for t, p in tables.items()}
    say(f"snapshot {sid}: tables hashed")
    offer = {
        r.name: ({t: sha.get(t) for t in r.inputs}, made[r.name]) for r in rollups.ROLLUPS if r.name in made
    }
    with rollups.offered(offer):
        return store.write(
            sid,
            {
                # Clusters keep CLUSTERS order (Zhili first: the pickers' default); 7 rows, one group.
                "clusters": clusters_frame(),
                "factories": paths["factories"],
                "capacity": paths[f"capacity-{k}"],
                "orders": paths[f"orders-{k}"],
                "schools": paths["schools"],
                "demand": paths[f"demand-{k}"],
                "inventory": paths[f"inventory-{k}"],
            },
            as_of=day,
            parent=written[-1].snapshot_id if written else None,
            synthetic=True,
            source={"kind": "demo", "seed": seed, "scale": scale},
            created_at=f"{day.isoformat()}T00:00:00+00:00",
        )


def _generate(work, seed, n_factories, n_lines, days, first_monday, say, rollup_cells=False) -> dict:
    """Write every generated table of every snapshot into ``work``; return name -> path, and the
    rollup cells of each snapshot computed from the same blocks."""
    n_snap = len(days)
    files: dict[str, TableFile] = {t: TableFile(work / f"{t}.parquet", t) for t in ("factories", "schools")}
    for k in range(n_snap):
        for table in ("capacity", "orders", "demand", "inventory"):
            files[f"{table}-{k}"] = TableFile(work / f"{table}-{k}.parquet", table)
    writer = BackgroundWriter()
    try:
        say(f"factories: {n_factories:,}")
        parts: dict[int, FactoryArrays] = {}
        attrs = []
        for ci, frame, arrays in factories.generate(seed, n_factories):
            writer.submit(files["factories"], sort_block(frame, block_sort_keys("factories")))
            parts[ci] = arrays
            attrs.append(factory_attrs(frame))
        arrays = FactoryArrays.concat([parts[ci] for ci in sorted(parts)])
        schools = schools_frame(seed)
        writer.submit(files["schools"], table_sorted(schools, "schools"))
        cells = [
            SnapshotCells(work / f"cells-{k}", pl.concat(attrs), schools) if rollup_cells else NoCells()
            for k in range(n_snap)
        ]
        del attrs
        pooled = []
        for k, day in enumerate(days):
            demand = demand_frame(seed, schools, day, missing_share=0.08 if k == 0 else 0.02)
            writer.submit(files[f"demand-{k}"], demand)
            pooled.append(pooled_lines(seed, demand, arrays, day))
        plan = plan_orders(seed, arrays, n_lines, n_snap)
        say(
            f"factories written; capacity, orders ({n_lines:,} lines a snapshot) and stock, {FACTORY_BLOCK:,} factories a block"
        )
        keys = {t: block_sort_keys(t) for t in ("capacity", "orders", "inventory")}
        n_blocks = -(-n_factories // FACTORY_BLOCK)
        for block, lo in enumerate(range(0, n_factories, FACTORY_BLOCK)):
            hi = min(n_factories, lo + FACTORY_BLOCK)
            for k, frame in enumerate(
                capacity_block(seed, block, arrays, lo, hi, first_monday, WEEKS, n_snap)
            ):
                writer.submit(files[f"capacity-{k}"], sort_block(frame, keys["capacity"]))
                cells[k].capacity(frame)
            direct = direct_block(seed, block, plan, arrays, lo, hi, days)
            for k in range(n_snap):
                mine = pooled[k].filter((pl.col("_g") >= lo) & (pl.col("_g") < hi))
                frame = _orders_for(direct, k, n_snap, mine)
                writer.submit(files[f"orders-{k}"], sort_block(frame, keys["orders"]))
                cells[k].orders(frame)
            for k, frame in enumerate(inventory_block(seed, block, arrays, lo, hi, days)):
                writer.submit(files[f"inventory-{k}"], sort_block(frame, keys["inventory"]))
                cells[k].stock(frame)
            if block % 10 == 9 or block == n_blocks - 1:
                say(f"  block {block + 1}/{n_blocks}")
        for k in range(n_snap):  # pooled lines still waiting for the plan (no factory) come last
            waiting = pooled[k].filter(pl.col("_g") >= n_factories)
            writer.submit(files[f"orders-{k}"], waiting)
            cells[k].orders(waiting)
    except BaseException:
        writer.abort()
        raise
    else:
        writer.finish()
    finally:
        for f in files.values():
            f.close()
    say("tables written")
    return {name: f.path for name, f in files.items()}, cells
