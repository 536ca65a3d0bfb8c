"""Benchmark the capacity page's queries (and the finder and report built on them).

    python bench/bench_capacity.py --scale 50     # 10M order lines, 150,000 factories

For each role that opens the page (admin, the Zhili association, planner) it times every
query the page runs with its default settings (12 weeks from the snapshot week, all
categories, top 30 factories by utilisation, a 20,000-piece order due in week 6), plus
the finder logic and the printable report, and writes bench/results/capacity.{json,md}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import demo_store, measure, report  # noqa: E402
from supply.capacity import reports as cap  # noqa: E402
from supply.capacity.printable import CapacityReportInput, capacity_report  # noqa: E402
from supply.engine.db import Viewer, connect  # noqa: E402

CLUSTER = "zhili"
VIEWERS = (Viewer("admin"), Viewer("association", cluster_id=CLUSTER), Viewer("planner"))


def cases(db, weeks: list[dt.date], as_of: dt.date) -> dict:
    """The page's calls with their default parameters, by name."""
    first = cap.default_start(weeks, as_of)
    week_from, week_to = cap.check_horizon(weeks, first, min(cap.DEFAULT_WEEKS, len(weeks)))
    window = {"cluster_id": CLUSTER, "week_from": week_from, "week_to": week_to}
    deadline = [w for w in weeks if w >= first][5]
    out = {
        "snapshot_weeks": lambda: db.run("snapshot_weeks"),
        "capacity_by_category_week": lambda: db.run("capacity_by_category_week", **window),
        "capacity_by_county_category": lambda: db.run("capacity_by_county_category", **window),
    }
    if db.viewer.role != "planner":
        idle_params = {
            "cluster_id": CLUSTER,
            "category": "childrens_wear",
            "week_from": first,
            "deadline_week": deadline,
        }
        order = cap.check_order("childrens_wear", 20_000, deadline, weeks)
        idle = db.run("idle_capacity_by_factory", **idle_params)
        out.update(
            {
                "utilisation_by_factory_week": lambda: db.run(
                    "utilisation_by_factory_week", **window, category=None, sort_by="utilisation", top_n=30
                ),
                "members_table": lambda: db.run("members_table", **window, category=None),
                "idle_capacity_by_factory": lambda: db.run("idle_capacity_by_factory", **idle_params),
                "finder (python, on the query result)": lambda: cap.find_factories(idle, order),
            }
        )
    weekly = db.run("capacity_by_category_week", **window)
    members = db.run("members_table", **window, category=None)

    def build_report():
        return capacity_report(
            CapacityReportInput(
                lang="zh",
                association="bench",
                cluster=CLUSTER,
                snapshot_id="bench",
                as_of=as_of,
                filters=[],
                kpis=[],
                weekly=weekly,
                members=members if members.height else None,
            )
        )

    out["printable report (html; rows = characters)"] = build_report
    return out


def main() -> int:
    """Time the capacity page's work at one scale and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="demo scale (50 = 10M order lines)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    store = demo_store(args.scale)
    snap = store.latest()
    rows = []
    for viewer in VIEWERS:
        t0 = time.perf_counter()
        db = connect(snap, viewer)
        connect_s = round(time.perf_counter() - t0, 4)
        rows.append(
            {
                "role": viewer.role,
                "case": "connect (views / planner aggregates)",
                "rows": "",
                "cold_s": connect_s,
                "median_s": "",
                "min_s": "",
            }
        )
        weeks = db.run("snapshot_weeks")["week_start"].to_list()
        for name, fn in cases(db, weeks, snap.as_of).items():
            result = fn()
            n = getattr(result, "height", None)
            if n is None:
                n = result.candidates.height if hasattr(result, "candidates") else len(result)
            timing = measure(fn, repeat=args.repeat)
            rows.append({"role": viewer.role, "case": name, "rows": n, **timing})
            print(f"  {viewer.role:<12} {name:<40} {timing['median_s']:.4f} s", flush=True)
        db.close()
    meta = {
        "scale": args.scale,
        "snapshot": snap.snapshot_id,
        "order_lines": snap.tables["orders"]["rows"],
        "capacity_rows": snap.tables["capacity"]["rows"],
        "factories": snap.tables["factories"]["rows"],
    }
    report("capacity", rows, meta)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
