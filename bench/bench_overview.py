"""Benchmark the demo build and the Overview page's queries at a given scale.

    python bench/bench_overview.py --scale 5      # ~15,000 factories, ~1M order lines (default)
    python bench/bench_overview.py --scale 50     # ~10M order lines; 500 for ~100M

The demo is built once per scale into bench/data/scale-<N> (through bench.common.demo_store),
in a subprocess so that its wall time and peak RSS can be measured; both are kept in
bench/data/scale-<N>/build.json and reported again when the data is reused (``--rebuild``
builds afresh). Then, for the admin and the planner, it times what the Overview runs: opening
the scoped connection, ``overview_kpis`` on the current and the previous snapshot and
``capacity_by_category_week``. "cold" is the first run on a fresh connection (the OS page cache may
be warm), "median" the median of 5 warm runs. Writes bench/results/overview.{json,md}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import DATA, demo_store, measure, report  # noqa: E402
from supply.data.store import Store  # noqa: E402
from supply.engine.db import Viewer, connect  # noqa: E402

CLUSTER = "zhili"  # the cluster the sidebar picks first
VIEWERS = {"admin": Viewer("admin"), "planner": Viewer("planner")}


def build_in_subprocess(scale: float, seed: int) -> dict:
    """Build the demo at ``scale`` in a child process; return its wall time and peak RSS."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from bench.common import demo_store; "
        "demo_store(float(sys.argv[2]), seed=int(sys.argv[3]))"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(ROOT), str(scale), str(seed)], check=True, env=env)
    wall = time.perf_counter() - t0
    # ru_maxrss of the children is the largest child's peak, in KiB on Linux.
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "build_s": round(wall, 1),
        "build_peak_rss_mib": round(peak_kib / 1024, 1),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def demo_for(scale: float, seed: int, rebuild: bool) -> tuple[Store, dict]:
    """The demo store at this scale and the figures of the build that made it."""
    path = DATA / f"scale-{scale:g}"
    record = path / "build.json"
    if rebuild and path.exists():
        shutil.rmtree(path)
    if Store(path).latest() is None:
        build = build_in_subprocess(scale, seed)
        path.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(build, indent=2))
    else:
        build = json.loads(record.read_text()) if record.exists() else {}
        build["reused"] = True
    return demo_store(scale, seed=seed), build


def week_window(as_of: dt.date, weeks: int) -> tuple[dt.date, dt.date]:
    """[Monday of as_of's week, that Monday + weeks), as the Overview page asks."""
    start = as_of - dt.timedelta(days=as_of.weekday())
    return start, start + dt.timedelta(weeks=weeks)


def overview_cases(store: Store) -> list[dict]:
    """Time the Overview's connection and queries for each viewer."""
    snap = store.latest()
    prev = store.previous(snap.snapshot_id)
    rows = []
    for role, viewer in VIEWERS.items():
        t0 = time.perf_counter()
        db = connect(snap, viewer)
        rows.append(
            {
                "case": "connect (scoped views)",
                "role": role,
                "rows": "",
                "cold_s": round(time.perf_counter() - t0, 4),
                "median_s": "",
                "min_s": "",
            }
        )
        prev_db = connect(prev, viewer) if prev else None
        cases = [
            ("overview_kpis", db, snap, 4),
            ("overview_kpis (previous snapshot)", prev_db, prev, 4),
            ("capacity_by_category_week (12 weeks)", db, snap, 12),
        ]
        timed = []
        for label, conn, s, weeks in cases:
            if conn is None:
                continue
            name = label.split(" ")[0]
            week_from, week_to = week_window(s.as_of, weeks)
            params = {"cluster_id": CLUSTER, "week_from": week_from, "week_to": week_to}
            timing = measure(lambda c=conn, q=name, p=params: c.run(q, **p))
            timed.append(timing["median_s"])
            rows.append({"case": label, "role": role, "rows": conn.run(name, **params).height, **timing})
        page = sum(timed)
        rows.append(
            {
                "case": "Overview queries, warm total",
                "role": role,
                "rows": "",
                "cold_s": "",
                "median_s": round(page, 4),
                "min_s": "",
            }
        )
        db.close()
        if prev_db:
            prev_db.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build or reuse the demo, time the Overview and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=5.0,
        help="demo scale: 5 = ~1M order lines (default), 50 = 10M, 500 = 100M",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rebuild", action="store_true", help="build the demo afresh")
    args = parser.parse_args(argv)

    store, build = demo_for(args.scale, args.seed, args.rebuild)
    snap = store.latest()
    meta = {
        "scale": args.scale,
        "seed": args.seed,
        "snapshot": snap.snapshot_id,
        "factories": snap.tables["factories"]["rows"],
        "order_lines": snap.tables["orders"]["rows"],
        "capacity_rows": snap.tables["capacity"]["rows"],
        "snapshot_mib": round(sum(t["bytes"] for t in snap.tables.values()) / 2**20, 1),
        "cluster": CLUSTER,
        **build,
    }
    print(
        f"scale {args.scale:g}: {meta['factories']:,} factories, {meta['order_lines']:,} order lines, "
        f"{meta['snapshot_mib']} MiB; build {build.get('build_s', '?')} s, "
        f"peak RSS {build.get('build_peak_rss_mib', '?')} MiB{' (reused)' if build.get('reused') else ''}",
        flush=True,
    )
    rows = [
        {
            "case": "demo build (subprocess)",
            "role": "",
            "rows": meta["order_lines"],
            "cold_s": build.get("build_s", ""),
            "median_s": "",
            "min_s": "",
            "peak_rss_mib": build.get("build_peak_rss_mib", ""),
        }
    ]
    rows += overview_cases(store)
    report("overview", rows, meta)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
