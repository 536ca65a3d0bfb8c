"""DuckDB vs Spark, per page and per role, on the same snapshot (issue 13).

For each role (admin, association, factory owner, planner): the time to open a scoped
database on each engine, then per page the sum of the warm medians of the queries that page
runs (found by scanning the page and the ui/ modules it imports for query names), side by
side with the ratio. Also the Spark session start, the per-query overhead of each engine (a
query over the one-row ``clusters`` lookup) and, with ``--rollups``, the Spark rollup job.

    python bench/bench_engines.py --scale 5            # demo store in bench/data
    python bench/bench_engines.py --data /tmp/eng50    # an existing data directory
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, demo_store, measure, report  # noqa: E402
from supply.data.store import Store  # noqa: E402
from supply.engine.db import Viewer, connect, query_names  # noqa: E402

ROLES = {
    "admin": Viewer("admin"),
    "association": Viewer("association", cluster_id="zhili"),
    "factory": Viewer("factory", factory_id="F0000001"),
    "planner": Viewer("planner"),
}


def _ui_closure(text: str, seen: set[str]) -> str:
    """The text plus that of every ui/ module it imports, transitively."""
    mods = re.findall(r"from ui\.(\w+) import", text)
    for group in re.findall(r"from ui import ([\w, ]+)", text):
        mods += [m.split(" as ")[0].strip() for m in group.split(",")]
    for mod in mods:
        path = ROOT / "ui" / f"{mod}.py"
        if mod not in seen and path.is_file():
            seen.add(mod)
            text += _ui_closure(path.read_text(encoding="utf-8"), seen)
    return text


def page_queries() -> dict[str, list[str]]:
    """Page -> the queries it runs: names found in the page and in the ui/ modules it imports."""
    names = query_names()
    out = {}
    for page in sorted((ROOT / "app_pages").glob("*.py")):
        text = _ui_closure(page.read_text(encoding="utf-8"), set())
        used = [n for n in names if re.search(rf"""["']{n}["']""", text)]
        if used:
            out[page.stem] = used
    return out


def sample_params(name: str, as_of: dt.date, viewer: Viewer) -> dict:
    """The parity suite's sample parameters, with the snapshot's weeks and the owner's own id."""
    sys.path.insert(0, str(ROOT))
    from tests.test_queries import SAMPLE_PARAMS as samples
    from tests.test_queries import params_of

    week = as_of - dt.timedelta(days=as_of.weekday())
    dates = {
        "week_from": week,
        "week_to": week + dt.timedelta(weeks=4),
        "deadline_week": week + dt.timedelta(weeks=8),
    }
    params = {p: dates.get(p, samples.get(p)) for p in params_of(name)}
    if "factory_id" in params:
        params["factory_id"] = viewer.factory_id or "F0000001"
    return params


def main() -> None:
    """Run the comparison and write bench/results/engines.{json,md}."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=5)
    ap.add_argument("--data", help="an existing data directory (else the demo at --scale)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--roles", default=",".join(ROLES))
    ap.add_argument("--rollups", action="store_true", help="also time the Spark rollup job")
    args = ap.parse_args()
    os.environ.setdefault("SUPPLY_SPARK_MASTER", "local[2]")
    os.environ.setdefault("SUPPLY_SPARK_WAREHOUSE", tempfile.mkdtemp(prefix="bench-spark-"))
    store = Store(args.data) if args.data else demo_store(args.scale)
    snap = store.latest()
    rows, meta = (
        [],
        {"snapshot": snap.snapshot_id, "data": str(store.data_dir), "load_before": os.getloadavg()},
    )

    from supply.engine import spark

    t0 = time.perf_counter()
    spark.session().sql("select 1").collect()
    meta["spark_session_start_s"] = round(time.perf_counter() - t0, 2)
    print(meta, flush=True)
    pages = page_queries()
    for role in args.roles.split(","):
        viewer = ROLES[role]
        t0 = time.perf_counter()
        duck = connect(snap, viewer)
        duck_open = time.perf_counter() - t0
        t0 = time.perf_counter()
        sdb = spark.SparkDatabase(snap, viewer)
        spark_open = time.perf_counter() - t0
        rows.append(
            {"role": role, "page": "(open)", "duckdb_s": round(duck_open, 3), "spark_s": round(spark_open, 3)}
        )
        overhead = {
            e: measure(lambda db=db: db.run("cluster_list"), args.repeat)
            for e, db in (("d", duck), ("s", sdb))
        }
        rows.append(
            {
                "role": role,
                "page": "(one small query)",
                "duckdb_s": overhead["d"]["median_s"],
                "spark_s": overhead["s"]["median_s"],
            }
        )
        timed: dict[tuple[str, str], float] = {}  # a query shared by two pages is timed once
        for page, names in pages.items():
            total = {"duckdb": 0.0, "spark": 0.0}
            for name in names:
                params = sample_params(name, snap.as_of, viewer)
                for engine, db in (("duckdb", duck), ("spark", sdb)):
                    if (engine, name) not in timed:
                        run = measure(lambda db=db, n=name, p=params: db.run(n, **p), args.repeat)
                        timed[engine, name] = run["median_s"]
                    total[engine] += timed[engine, name]
            rows.append(
                {
                    "role": role,
                    "page": page,
                    "queries": len(names),
                    "duckdb_s": round(total["duckdb"], 3),
                    "spark_s": round(total["spark"], 3),
                    "spark_over_duckdb": round(total["spark"] / max(total["duckdb"], 1e-6), 1),
                }
            )
            print(rows[-1], flush=True)
        duck.close()
        sdb.close()
    if args.rollups:
        with tempfile.TemporaryDirectory(dir=snap.path.parent.parent) as work:
            entries = {t: {**e, "file": str(snap.path / e["file"])} for t, e in snap.tables.items()}
            t0 = time.perf_counter()
            spark.build_rollups(Path(work), entries)
            meta["spark_rollup_job_s"] = round(time.perf_counter() - t0, 2)
    meta["load_after"] = os.getloadavg()
    report(f"engines-{Path(str(store.data_dir)).name}", rows, meta)
    print(meta)


if __name__ == "__main__":
    main()
