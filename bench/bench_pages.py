"""Every page, every role: connection, queries cold and warm, server time, pandas reference, peak RSS.

    python bench/bench_pages.py --scale 5                 # demo in bench/data/scale-5 (built once)
    python bench/bench_pages.py --scale 50 --data /tmp/eng50   # an existing data directory
    python bench/bench_pages.py --scale 500 --data DIR --diff A..B   # the history diff only

For each role (admin, association, factory owner, planner) a child process opens every page
the role may see through Streamlit's AppTest, recording each query the page runs (name,
parameters, snapshot). It reports the page's server time (first run with caches cleared =
cold; median of ``--repeat`` reruns = warm), then times the connection (cold = first in the
process; warm = median of reconnects) and every recorded query (cold = first run on a new
connection, warm = median of ``--repeat`` runs), and the row groups the slowest query reads
(``explain analyze``). Another child process computes the same page figures with pandas from
the same Parquet files (bench/pages_pandas.py), and the ratio is printed side by side. Peak RSS
is each child's own. CPU seconds (process time, every thread) are recorded beside wall times:
on a shared, loaded machine the wall time mostly measures the wait for a core. Results:
bench/results/pages-scale<N>.{json,md} with cores, memory, load.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import RESULTS, demo_store, machine, report  # noqa: E402

ROLES = ("admin", "association", "factory", "planner")
MISS_WARM_S, MISS_COLD_S = 1.0, 3.0  # the per-query targets; a miss keeps its explain analyze
FACTORY = "F0000007"  # has direct and pooled orders and stock in every demo scale
ENTRY = ROOT / "dashboard.py"


def _median(xs: list[float]) -> float:
    return round(statistics.median(xs), 4) if xs else float("nan")


def _peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _open(role: str):
    """The app as this demo role, on its first page (the overview), run once."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ENTRY), default_timeout=600)
    at.session_state["lang"] = "zh"
    at.session_state["view_as_role"] = role
    if role == "factory":
        at.session_state["view_as_factory"] = FACTORY
    at.run()
    return at


def _explain(db, name: str, params: dict) -> str:
    """DuckDB's ``explain analyze`` of one query with its parameters (the plan with times and rows)."""
    sql = db.sql_for(name, params)
    cur = db.con.cursor()
    try:
        return "\n".join(
            str(r[-1]) for r in cur.sql("explain analyze " + sql, params=params or None).fetchall()
        )
    finally:
        cur.close()


def _row_groups(db, name: str, params: dict) -> str:
    """'file scanned/total' per Parquet scan of one query, from explain analyze."""
    plan = _explain(db, name, params)
    # a scan lists its files, then "Row Groups Scanned: x / y"
    scans = re.findall(r"(\w+)\.parquet.*?Row Groups Scanned: ([\d,]+) / ([\d,]+)", plan, re.S)
    return "; ".join(f"{f} {a}/{b}" for f, a, b in scans) or "in memory"


def run_role(data: Path, role: str, repeat: int) -> dict:
    """Child process: pages through AppTest (recording queries), then connection and queries timed."""
    os.environ["SUPPLY_DATA"] = str(data)
    os.chdir(ROOT)
    import streamlit as st

    from supply.data.store import Store
    from supply.engine import db as dbmod
    from supply.nav import pages_for

    calls: list[tuple[str, str, dict]] = []
    real_run = dbmod.Database.run

    def recording(self, name, **params):
        calls.append((self.snapshot.snapshot_id, name, params))
        return real_run(self, name, **params)

    dbmod.Database.run = recording
    pages, viewer = [], None
    for spec in pages_for(role):
        at = _open(role)
        at.switch_page(spec.file)
        st.cache_data.clear()  # the page's first run computes everything: cold
        st.cache_resource.clear()
        start = len(calls)
        t0, c0 = time.perf_counter(), time.process_time()
        at.run()
        cold, cold_cpu = time.perf_counter() - t0, time.process_time() - c0
        warm, warm_cpu = [], []
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            at.run()
            warm.append(time.perf_counter() - t0)
            warm_cpu.append(time.process_time() - c0)
        viewer = at.session_state["_ctx"].viewer
        errors = [str(e.value)[:120] for e in at.exception]
        seen = {}
        for sid, name, params in calls[start:]:
            seen[(sid, name, json.dumps(params, sort_keys=True, default=str))] = (sid, name, params)
        pages.append({"page": spec.key, "cold": cold, "warm": _median(warm), "errors": errors,
                      "cold_cpu": round(cold_cpu, 4), "warm_cpu": _median(warm_cpu),
                      "queries": list(seen.values())})  # fmt: skip
    dbmod.Database.run = real_run
    store = Store(data)
    out = {"role": role, "viewer": viewer.scope_key, "pages": []}
    connects = []
    t0 = time.perf_counter()
    db = dbmod.connect(store.latest(), viewer)
    connect_cold = time.perf_counter() - t0
    for _ in range(repeat):
        t0 = time.perf_counter()
        dbmod.connect(store.latest(), viewer).close()
        connects.append(time.perf_counter() - t0)
    out["connect_cold"], out["connect_warm"] = round(connect_cold, 4), _median(connects)
    for page in pages:
        rows = []
        for sid, name, params in page["queries"]:
            snap = store.get(sid)
            fresh = dbmod.connect(snap, viewer)
            t0, c0 = time.perf_counter(), time.process_time()
            frame = fresh.run(name, **params)
            cold, cold_cpu = time.perf_counter() - t0, time.process_time() - c0
            warm, warm_cpu = [], []
            for _ in range(repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                fresh.run(name, **params)
                warm.append(time.perf_counter() - t0)
                warm_cpu.append(time.process_time() - c0)
            rows.append({"query": name, "snapshot": sid, "cold": round(cold, 4), "warm": _median(warm),
                         "cold_cpu": round(cold_cpu, 4), "warm_cpu": _median(warm_cpu),
                         "rows": frame.height, "db": fresh, "params": params})  # fmt: skip
            if rows[-1]["warm"] > MISS_WARM_S or rows[-1]["cold"] > MISS_COLD_S:  # a miss: keep its plan
                rows[-1]["explain"] = _explain(fresh, name, params)
        slowest = max(rows, key=lambda r: r["warm"], default=None)
        groups = _row_groups(slowest["db"], slowest["query"], slowest["params"]) if slowest else ""
        for r in rows:
            r.pop("db").close()
            r.pop("params")
        out["pages"].append({"page": page["page"], "server_cold": round(page["cold"], 4),
                             "server_warm": page["warm"], "server_cold_cpu": page["cold_cpu"],
                             "server_warm_cpu": page["warm_cpu"], "errors": page["errors"], "queries": rows,
                             "slowest": slowest["query"] if slowest else "", "row_groups": groups})  # fmt: skip
    db.close()
    out["peak_rss_mib"] = _peak_mib()
    return out


def run_pandas(data: Path, role: str, repeat: int) -> dict:
    """Child process: the pandas reference of every page for one role."""
    from bench import pages_pandas

    out = pages_pandas.time_role(data, role, FACTORY, repeat)
    out["peak_rss_mib"] = _peak_mib()
    return out


DIFF_VIEWERS = {
    "admin": {},
    "association": {"cluster_id": "zhili"},
    "planner": {},
    "factory": {"factory_id": FACTORY},
}


def run_diff(data: Path, role: str, repeat: int, pair: str) -> dict:
    """Child process: the history diff of two snapshots (``A..B``) for one role, cold then warm, with CPU."""
    from supply.data import history
    from supply.data.store import Store
    from supply.engine import diff as engine_diff
    from supply.engine.db import Viewer

    a, b = pair.split("..")
    store, viewer = Store(data), Viewer(role, **DIFF_VIEWERS[role])
    runs = []
    for _ in range(repeat + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        result = history.diff(store, a, b, viewer, None, 12)
        runs.append((time.perf_counter() - t0, time.process_time() - c0))
    tables = result["tables"]
    changed = tables.filter(
        ~tables["deferred"] & (tables["added"] + tables["removed"] + tables["changed"] > 0)
    )
    db = engine_diff.open_pair(store.get(a), store.get(b), viewer)  # how many key ranges were compared
    ranges = {t: (None if r is None else len(r)) for t, r in db.ranges.items()}
    db.close()
    return {"role": role, "pair": pair, "cold_s": round(runs[0][0], 3), "cold_cpu_s": round(runs[0][1], 3),
            "warm_s": _median([r[0] for r in runs[1:]]), "warm_cpu_s": _median([r[1] for r in runs[1:]]),
            "changed_tables": ",".join(changed["table"]), "deferred": ",".join(tables.filter("deferred")["table"]),
            "ranges": json.dumps(ranges), "peak_rss_mib": _peak_mib()}  # fmt: skip


def child(kind: str, data: Path, role: str, repeat: int, pair: str = "") -> dict:
    """Run one role's engine or pandas measurements in a child process; its JSON result."""
    cmd = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--data",
        str(data),
        "--role",
        role,
        "--repeat",
        str(repeat),
        *(["--pair", pair] if pair else []),
    ]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        return {"role": role, "failed": done.stderr.strip().splitlines()[-1:] or ["no output"]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _write_explains(area: str, raw: dict) -> None:
    """bench/results/<area>-explain.md: the explain analyze of every query that missed a target."""
    out = [
        f"# {area}: explain analyze of the queries over {MISS_WARM_S:g} s warm or {MISS_COLD_S:g} s cold",
        "",
    ]
    for role, got in raw.items():
        for page in (got.get("engine") or {}).get("pages", []):
            for q in page["queries"]:
                if q.get("explain"):
                    out += [f"## {role} / {page['page']} / {q['query']}: warm {q['warm']} s "
                            f"({q['warm_cpu']} CPU-s), cold {q['cold']} s, {q['rows']:,} rows", "",
                            "```", q["explain"], "```", ""]  # fmt: skip
    (RESULTS / f"{area}-explain.md").write_text("\n".join(out), encoding="utf-8")


def main() -> int:
    """Measure every page for every role at one scale and write bench/results/pages-scale<N>."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=5)
    p.add_argument("--data", type=Path, help="an existing data directory (default: bench/data/scale-N)")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--roles", default=",".join(ROLES))
    p.add_argument("--no-pandas", action="store_true", help="skip the pandas reference")
    p.add_argument(
        "--pandas-repeat", type=int, help="runs of the pandas reference per page (default min(repeat, 3))"
    )
    p.add_argument("--out", help="result name in bench/results (default pages-scale<N>)")
    p.add_argument(
        "--diff",
        metavar="A..B",
        action="append",
        help="time only the history diff of snapshots A and B in --data (repeatable); "
        "results in pages-diff-scale<N>",
    )
    p.add_argument("--child", choices=("engine", "pandas", "diff"), help=argparse.SUPPRESS)
    p.add_argument("--role", help=argparse.SUPPRESS)
    p.add_argument("--pair", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        if args.child == "diff":
            print(json.dumps(run_diff(args.data, args.role, args.repeat, args.pair), default=str))
            return 0
        fn = run_role if args.child == "engine" else run_pandas
        print(json.dumps(fn(args.data, args.role, args.repeat), default=str))
        return 0
    data = args.data or demo_store(args.scale).data_dir
    before = machine()
    if args.diff:  # each pair and role in a fresh process: the first run is cold
        rows = []
        for pair in args.diff:
            for role in args.roles.split(","):
                rows.append(child("diff", data, role, args.repeat, pair))
                meta = {"scale": args.scale, "data": str(data), "repeat": args.repeat, "machine_before": before,
                        "machine_after": machine()}  # fmt: skip
                report(args.out or f"pages-diff-scale{args.scale:g}", rows, meta)
        return 0
    rows, raw = [], {}
    for role in args.roles.split(","):
        engine = child("engine", data, role, args.repeat)
        pandas_repeat = args.pandas_repeat or max(1, min(args.repeat, 3))
        ref = {} if args.no_pandas else child("pandas", data, role, pandas_repeat)
        raw[role] = {"engine": engine, "pandas": ref}
        if "failed" in engine:
            rows.append({"role": role, "page": "(all)", "error": engine["failed"]})
            continue
        for page in engine["pages"]:
            qs = page["queries"]
            pandas_s = (ref.get("pages") or {}).get(page["page"])
            engine_s = engine["connect_cold"] + sum(q["cold"] for q in qs)  # a new connection, cold
            warm_s = sum(q["warm"] for q in qs)  # the page's queries on an open connection
            rows.append({
                "role": role, "page": page["page"],
                "connect_cold_s": engine["connect_cold"], "connect_warm_s": engine["connect_warm"],
                "queries": len(qs),
                "worst_cold_s": max((q["cold"] for q in qs), default=0),
                "worst_warm_s": max((q["warm"] for q in qs), default=0),
                "slowest": page["slowest"], "row_groups": page["row_groups"],
                "server_cold_s": page["server_cold"], "server_warm_s": page["server_warm"],
                "server_warm_cpu_s": page.get("server_warm_cpu"),
                "worst_warm_cpu_s": max((q.get("warm_cpu", 0) for q in qs), default=0),
                "pandas_s": pandas_s,
                "pandas_x_cold": round(pandas_s / engine_s, 1) if pandas_s and engine_s else None,
                "pandas_x_warm": round(pandas_s / warm_s, 1) if pandas_s and warm_s else None,
                "rss_mib": engine["peak_rss_mib"], "pandas_rss_mib": ref.get("peak_rss_mib"),
                "errors": "; ".join(page["errors"]),
            })  # fmt: skip
        meta = {"scale": args.scale, "data": str(data), "repeat": args.repeat, "machine_before": before,
                "pandas_repeat": None if args.no_pandas else pandas_repeat,
                "machine_after": machine(), "roles_done": list(raw), "raw": raw}  # fmt: skip
        area = args.out or f"pages-scale{args.scale:g}"
        report(area, rows, meta)  # after each role: a long run keeps what it has
        _write_explains(area, raw)
    return 0


if __name__ == "__main__":
    sys.exit(main())
