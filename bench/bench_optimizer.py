"""DuckDB's partitioned_execution optimizer on and off, side by side in one process (issue 12).

The engine turns it off (supply/engine/db.py, DISABLED_OPTIMIZERS): DuckDB 2.0 split a per-factory
aggregate into factory-id ranges and scanned the whole capacity file once per range. This times the
queries it touched, as an admin, alternating the two settings (median of --repeat warm runs each,
wall and CPU seconds). Results: bench/results/optimizer-scale<N>.{json,md} with cores, memory, load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import demo_store, machine, report  # noqa: E402
from supply.data.store import Store  # noqa: E402
from supply.engine import db as dbmod  # noqa: E402


def cases(snap) -> list[tuple[str, dict]]:
    """The queries of the admin's map and capacity pages that aggregate capacity per factory."""
    start = snap.as_of - dt.timedelta(days=snap.as_of.weekday())
    window = {"week_from": start, "week_to": start + dt.timedelta(weeks=8)}
    return [
        ("cluster_concentration", {"cluster_id": None, **window}),
        (
            "utilisation_by_factory_week",
            {"cluster_id": None, "category": None, "sort_by": "utilisation", "top_n": 30, **window},
        ),  # fmt: skip
    ]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=5)
    p.add_argument("--data", type=Path, help="an existing data directory (default: bench/data/scale-N)")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    store = Store(args.data) if args.data else demo_store(args.scale)
    snap = store.latest()
    before = machine()
    rows = []
    for name, params in cases(snap):
        got = {}
        for setting in ("", dbmod.DISABLED_OPTIMIZERS) * 2:  # alternate: both see the same load
            dbmod.DISABLED_OPTIMIZERS = setting
            db = dbmod.connect(snap, dbmod.Viewer("admin"))
            db.run(name, **params)  # cold, not counted
            for _ in range(args.repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                db.run(name, **params)
                got.setdefault(setting, []).append((time.perf_counter() - t0, time.process_time() - c0))
            db.close()
        dbmod.DISABLED_OPTIMIZERS = "partitioned_execution"
        on, off = got[""], got["partitioned_execution"]
        med = lambda xs, i: round(statistics.median(x[i] for x in xs), 3)  # noqa: E731
        rows.append({"query": name, "optimizer_on_s": med(on, 0), "optimizer_on_cpu_s": med(on, 1),
                     "optimizer_off_s": med(off, 0), "optimizer_off_cpu_s": med(off, 1),
                     "ratio_cpu_on_off": round(med(on, 1) / med(off, 1), 2), "runs_each": len(on)})  # fmt: skip
    meta = {
        "scale": args.scale,
        "data": str(store.data_dir),
        "machine_before": before,
        "machine_after": machine(),
    }
    report(f"optimizer-scale{args.scale:g}", rows, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
