"""The capacity queries at a base revision and now, side by side in one process (issue 12).

The "before" side reads queries/ as they were at ``--base`` (``git archive``) and builds the
association's views with the semi-join against scope_members it used then; the "after" side is
this tree. Each query runs as an admin and as Zhili's association, alternating before and after
connections (both see the same load), cold run not counted, median of ``--repeat`` warm runs
each, wall and CPU seconds, and a check that both sides return the same rows. Results:
bench/results/shapes-scale<N>.{json,md} with cores, memory and load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import demo_store, machine, report  # noqa: E402
from supply.data.store import Store  # noqa: E402
from supply.engine import db as dbmod  # noqa: E402
from supply.engine import views  # noqa: E402

VIEWERS = {"admin": dbmod.Viewer("admin"), "association": dbmod.Viewer("association", cluster_id="zhili")}


def cases(snap) -> list[tuple[str, dict]]:
    """The capacity page's, the map's and the planning page's per-factory capacity queries."""
    start = snap.as_of - dt.timedelta(days=snap.as_of.weekday())
    window = {"cluster_id": "zhili", "week_from": start, "week_to": start + dt.timedelta(weeks=12)}
    page = {"category": None, "search": "", "sort": "capacity", "descending": True, "offset": 0, "limit": 50}
    return [
        ("members_page", {**window, **page}),
        ("utilisation_by_factory_week", {**window, "category": None, "sort_by": "utilisation", "top_n": 30}),
        ("idle_capacity_by_factory", {**{k: window[k] for k in ("cluster_id", "week_from")},
                                      "deadline_week": window["week_to"], "category": "childrens_wear"}),
        ("planning_factories", {"cluster_id": "zhili", "member": None}),
        ("planning_free_capacity", {**window, "member": True}),
        ("cluster_concentration", window),
    ]  # fmt: skip


def _same(a, b) -> bool:
    """The same rows, in any order where a query leaves the order to its caller."""
    keys = [c for c, t in a.schema.items() if not t.is_nested()]
    return a.columns == b.columns and a.sort(keys).equals(b.sort(keys))


def base_queries(base: str, into: Path) -> Path:
    """queries/ as it was at git revision ``base``, extracted under ``into``."""
    archive = into / "queries.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), base, "queries"], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "queries"


def connect(snap, role: str, before: bool):
    """A connection whose association views are the base's (semi-join) when ``before``."""
    keep = views._MEMBER_JOINED
    if before:
        views._MEMBER_JOINED = views._MEMBER
    try:
        return dbmod.connect(snap, VIEWERS[role])
    finally:
        views._MEMBER_JOINED = keep


def timed(db, name: str, params: dict, queries: Path, repeat: int) -> tuple[list, object]:
    """(wall, cpu) of ``repeat`` warm runs after one cold run, reading queries from ``queries``."""
    keep = dbmod.QUERIES_DIR
    dbmod.QUERIES_DIR = queries
    try:
        out = db.run(name, **params)  # cold, not counted
        runs = []
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            out = db.run(name, **params)
            runs.append((time.perf_counter() - t0, time.process_time() - c0))
        return runs, out
    finally:
        dbmod.QUERIES_DIR = keep


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=5)
    p.add_argument("--data", type=Path, help="an existing data directory (default: bench/data/scale-N)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--base", default="a6a49fa", help="the revision whose queries are 'before'")
    p.add_argument("--roles", default="association,admin")
    args = p.parse_args()
    store = Store(args.data) if args.data else demo_store(args.scale)
    snap = store.latest()
    start = machine()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        old_queries = base_queries(args.base, Path(tmp))
        for role in args.roles.split(","):
            sides = {"before": connect(snap, role, True), "after": connect(snap, role, False)}
            for name, params in cases(snap):
                got, outs = {"before": [], "after": []}, {}
                for side in ("before", "after") * 2:  # alternate: both see the same load
                    queries = old_queries if side == "before" else dbmod.QUERIES_DIR
                    runs, outs[side] = timed(sides[side], name, params, queries, args.repeat)
                    got[side] += runs
                med = lambda xs, i: round(statistics.median(x[i] for x in xs), 3)  # noqa: E731
                b, a = got["before"], got["after"]
                rows.append({"role": role, "query": name, "before_s": med(b, 0), "before_cpu_s": med(b, 1),
                             "after_s": med(a, 0), "after_cpu_s": med(a, 1),
                             "ratio_cpu_before_after": round(med(b, 1) / med(a, 1), 2),
                             "same_rows": _same(outs["before"], outs["after"]), "rows": outs["after"].height,
                             "runs_each": len(a)})  # fmt: skip
                print(rows[-1], flush=True)
            for db in sides.values():
                db.close()
    meta = {"scale": args.scale, "data": str(store.data_dir), "base": args.base,
            "machine_before": start, "machine_after": machine()}  # fmt: skip
    report(f"shapes-scale{args.scale:g}", rows, meta)
    return 0 if all(r["same_rows"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
