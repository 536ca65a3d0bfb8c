"""A factory owner's capacity save at scale: wall, CPU and peak RSS of ``calendar.save_capacity`` (issue 12).

The save runs in a child process on a copy of the data directory made of hard links (snapshots
are never changed in place, so the source stays as it was), one factory, one future week +10
pieces. Run it at two revisions (e.g. from a ``git worktree``) for a side by side: the figures in
``bench/results/pages-diff-scale500-edit.md`` came from this script's first version
(/tmp/lead/edit500.py) at 500c300 and at a0cabe2 on the same scale-500 data.

    PYTHONPATH=. python bench/bench_save.py --scale 500 --data /tmp/demo500 [--factory F0000007]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import demo_store, machine, report  # noqa: E402


def save_once(data: Path, factory: str) -> dict:
    """Child: one save on ``data``; its wall and CPU seconds, peak RSS and the recorded delta."""
    import polars as pl

    from supply.data import calendar
    from supply.data.store import Store

    store = Store(data)
    base = store.latest()
    own = pl.scan_parquet(base.table_path("capacity")).filter(pl.col("factory_id") == factory).collect()
    row = own.filter(pl.col("week_start") > base.as_of).sort("week_start", "category").row(0, named=True)
    edits = pl.DataFrame(
        {
            "week_start": [row["week_start"]],
            "category": [row["category"]],
            "capacity_pieces": [max(row["capacity_pieces"], row["booked_pieces"]) + 10],
        }
    )
    t0, c0 = time.perf_counter(), time.process_time()
    result = calendar.save_capacity(store, factory, edits, "bench", "en", timeout=600)
    return {
        "factory": factory,
        "wall_s": round(time.perf_counter() - t0, 2),
        "cpu_s": round(time.process_time() - c0, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "errors": result.errors,
        "delta": (result.snapshot.tables["capacity"].get("delta") or {}).get("ranges")
        if result.snapshot
        else None,
    }


def upload_once(data: Path, factory: str) -> dict:
    """Child: an orders upload that moves one of ``factory``'s orders to the next factory id."""
    import polars as pl

    from supply.data.store import Store
    from supply.ingest import pipeline as ingest

    store = Store(data)
    base = store.latest()
    orders = pl.scan_parquet(base.table_path("orders")).filter(pl.col("factory_id") == factory)
    order = orders.sort("order_id").head(1).collect().row(0, named=True)
    other = f"F{int(factory[1:]) + 1:07d}"
    rows = [
        ["order_id", "factory_id", "category", "qty", "order_date", "due_date"],
        [order["order_id"], other, order["category"], order["qty"], order["order_date"], order["due_date"]],
    ]
    data_bytes = "\n".join(",".join(str(v) for v in r) for r in rows).encode() + b"\n"
    t0, c0 = time.perf_counter(), time.process_time()
    read = ingest.read_upload("orders.csv", data_bytes)
    mapping = ingest.suggest_mapping("orders", read.headers)
    v = ingest.validate("orders", read, mapping, base_snapshot=base, as_of=base.as_of)
    snap = ingest.commit(
        store, "orders", v, base_snapshot=base, source_name="orders.csv", source_bytes=data_bytes
    )
    return {
        "factory": f"{factory} -> {other}",
        "wall_s": round(time.perf_counter() - t0, 2),
        "cpu_s": round(time.process_time() - c0, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "errors": [] if v.rows_bad == 0 else [f"{v.rows_bad} bad rows"],
        "delta": (snap.tables["orders"].get("delta") or {}).get("ranges"),
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=5)
    p.add_argument("--data", type=Path, help="an existing data directory (default: bench/data/scale-N)")
    p.add_argument("--factory", default="F0000007")
    p.add_argument("--write", choices=("save", "orders-upload"), default="save")
    p.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        once = save_once if args.write == "save" else upload_once
        print(json.dumps(once(args.child, args.factory), default=str))
        return 0
    data = args.data or demo_store(args.scale).data_dir
    before = machine()
    with tempfile.TemporaryDirectory(dir=Path(data).parent) as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(Path(data) / "snapshots", copy / "snapshots", copy_function=_link)
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(copy), "--factory", args.factory, "--write", args.write],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    row = json.loads(out.stdout.strip().splitlines()[-1])
    report(
        f"{args.write}-scale{args.scale:g}",
        [row],
        {"scale": args.scale, "machine_before": before, "machine_after": machine()},
    )
    return 0 if not row["errors"] else 1


def _link(src, dst):
    """Hard-link a file of the copy (a snapshot's files are never written again)."""
    Path(dst).hardlink_to(src)


if __name__ == "__main__":
    raise SystemExit(main())
