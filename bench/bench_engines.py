"""DuckDB vs Spark, per page and per role, on the same snapshot (issue 13).

For each role (admin, association, factory owner, planner): the time to open a scoped
database on each engine, then per page of that role's menu (supply/nav.py) the sum of the warm medians of the queries that page
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


def _tree_cpu(root: int, seen: dict[int, tuple[float, int]]) -> None:
    """Add every live process under ``root`` to ``seen``: pid -> (CPU seconds, RSS bytes) so far."""
    tick, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(stat[1]), []).append(int(entry.name))
        if int(entry.name) in seen or int(entry.name) == root:
            seen.setdefault(int(entry.name), (0.0, 0))
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            stat = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cpu = (int(stat[11]) + int(stat[12]) + int(stat[13]) + int(stat[14])) / tick  # self + waited children
        rss = int(stat[21]) * page
        old = seen.get(pid, (0.0, 0))
        seen[pid] = (max(old[0], cpu), max(old[1], rss))
        todo += children.get(pid, [])


def time_rollup_job(source: Path, memory: str) -> dict:
    """The Spark rollup job on a hard-link copy of ``source``'s newest snapshot, its rollups removed.

    Runs ``/usr/bin/time -v nice -n 10 python -m supply rollup --engine spark`` and polls the
    process tree (Python and the JVM it starts: ``time`` alone misses the JVM, which Python does
    not wait for) for CPU seconds and peak memory. The copy's tables are hard links to the
    original's files, which the job only reads; it writes new rollup files and renames a new
    manifest into the copy, so the original is untouched (checked: its manifest's bytes).
    """
    import shutil
    import subprocess

    snap = Store(source).latest()
    before = (snap.path / "manifest.json").read_bytes()
    work = Path(tempfile.mkdtemp(prefix=f"rollup-{source.name}-", dir="/tmp"))
    copy = work / "snapshots" / snap.path.name
    copy.parent.mkdir(parents=True)
    subprocess.run(["cp", "-al", str(snap.path), str(copy)], check=True)
    shutil.rmtree(copy / "rollups")  # unlinks the copy's names only
    env = {**os.environ, "SUPPLY_SPARK_MEMORY": memory, "PYTHONPATH": str(ROOT)}
    env.setdefault("SUPPLY_SPARK_MASTER", "local[2]")
    cmd = ["/usr/bin/time", "-v", "nice", "-n", "10", sys.executable, "-m", "supply", "rollup",
           "--engine", "spark", "--data", str(work), snap.snapshot_id]  # fmt: skip
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    seen: dict[int, tuple[float, int]] = {}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_rss = 0
    while proc.poll() is None:
        _tree_cpu(proc.pid, seen)
        peak_rss = max(peak_rss, sum(r for _, r in seen.values() if r))
        time.sleep(1.0)
    wall = time.perf_counter() - t0
    out, err = proc.communicate()
    verified = subprocess.run([sys.executable, "-m", "supply", "verify", "--data", str(work), snap.snapshot_id],
                              env=env, cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    result = {
        "data": str(source),
        "snapshot": snap.snapshot_id,
        "copy": str(work),
        "exit": proc.returncode,
        "wall_s": round(wall, 1),
        "cpu_s_tree": round(sum(c for c, _ in seen.values()), 1),
        "peak_rss_gib_tree": round(peak_rss / 1024**3, 2),
        "spark_memory": memory,
        "load_before": load_before,
        "load_after": Path("/proc/loadavg").read_text().split()[:3],
        "stdout": out.strip().splitlines()[-1:],
        "time_v": [
            line.strip()
            for line in err.splitlines()
            if any(k in line for k in ("Elapsed", "User time", "System time", "Maximum resident"))
        ],
        "verify": verified.stdout.strip().splitlines()[-1:],
        "original_manifest_unchanged": (snap.path / "manifest.json").read_bytes() == before,
        "orders_rows": snap.tables["orders"]["rows"],
    }
    print(result, flush=True)
    return result


def _time_diff(store: Store, viewer: Viewer, role: str) -> dict:
    """The History page's diff (oldest vs newest snapshot) on each engine: one cold run, connection included."""
    from supply.data import history

    snaps = store.list()
    out = {"role": role, "page": "history (snapshot diff)", "queries": 0}
    results = {}
    for engine in ("duckdb", "spark"):
        os.environ["SUPPLY_ENGINE"] = engine
        try:
            t0 = time.perf_counter()
            results[engine] = history.diff(
                store, snaps[0].snapshot_id, snaps[-1].snapshot_id, viewer, "zhili"
            )
            out[f"{engine}_s"] = round(time.perf_counter() - t0, 3)
        finally:
            os.environ.pop("SUPPLY_ENGINE", None)
    out["spark_over_duckdb"] = round(out["spark_s"] / max(out["duckdb_s"], 1e-6), 1)
    out["same_counts"] = results["duckdb"]["tables"].equals(results["spark"]["tables"])
    return out


def main() -> None:
    """Run the comparison and write bench/results/engines.{json,md}."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=5)
    ap.add_argument("--data", help="an existing data directory (else the demo at --scale)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--roles", default=",".join(ROLES))
    ap.add_argument("--rollups", action="store_true", help="also time the Spark rollup job")
    ap.add_argument("--diff", action="store_true", help="also time the History page's snapshot diff")
    ap.add_argument(
        "--rollup-job",
        metavar="DATA",
        help="only time `python -m supply rollup --engine spark` on a hard-link copy of DATA's newest snapshot",
    )
    ap.add_argument("--spark-memory", default="4g", help="SUPPLY_SPARK_MEMORY of the rollup job")
    ap.add_argument("--out", help="results name (default engines-<data directory name>)")
    args = ap.parse_args()
    if args.rollup_job:
        source = Path(args.rollup_job)
        result = time_rollup_job(source, args.spark_memory)
        report(f"engines-rollup-{source.name}", [result], {"command": " ".join(sys.argv)})
        return
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
        from supply.nav import pages_for

        mine = [Path(spec.file).stem for spec in pages_for(role)]  # the pages this role's menu lists
        for page, names in ((p, n) for p, n in pages.items() if p in mine):
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
        if args.diff:
            rows.append(_time_diff(store, viewer, role))
            print(rows[-1], flush=True)
        report(args.out or f"engines-{Path(str(store.data_dir)).name}", rows, meta)  # a partial run counts
    if args.rollups:
        with tempfile.TemporaryDirectory(dir=snap.path.parent.parent) as work:
            entries = {t: {**e, "file": str(snap.path / e["file"])} for t, e in snap.tables.items()}
            t0 = time.perf_counter()
            spark.build_rollups(Path(work), entries)
            meta["spark_rollup_job_s"] = round(time.perf_counter() - t0, 2)
    meta["load_after"] = os.getloadavg()
    report(args.out or f"engines-{Path(str(store.data_dir)).name}", rows, meta)
    print(meta)


if __name__ == "__main__":
    main()
