"""Rollup writing at scale: wall, CPU and peak RSS of ``rollups.build`` for chosen rollups (issue 12).

Each run is a child process that hard-links one snapshot's table files into a scratch directory
beside the data and builds the named rollups there with the ``supply`` package of a given source
tree, so two revisions run side by side on the same files (make the base with ``git worktree add
/tmp/base <rev>``). Runs alternate base, new, base, new ... so load changes hit both alike. Each
run also reports the output's row count and an order-free checksum of its rows, so the two
revisions can be seen to write the same rows.

    PYTHONPATH=. python bench/bench_rollups.py --data /tmp/demo500 --rollups factory_orders \\
        --code /tmp/base --code . --repeat 3
"""

from __future__ import annotations

import argparse
import inspect
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def build_once(data: Path, names: list[str], scratch: Path) -> dict:
    """Child: build ``names`` for the newest snapshot of ``data`` in ``scratch``; time and check it."""
    import duckdb

    from supply.data import rollups
    from supply.data.store import Store

    snap = Store(data).latest()
    entries = {}
    for table, entry in snap.tables.items():
        (scratch / entry["file"]).parent.mkdir(parents=True, exist_ok=True)
        (scratch / entry["file"]).hardlink_to(snap.path / entry["file"])
        entries[table] = dict(entry)
    rollups.ROLLUPS = [rollups.BY_NAME[n] for n in names]
    t0, c0 = time.perf_counter(), time.process_time()
    built = rollups.build(scratch, entries)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rows, checksum = {}, {}
    con = duckdb.connect()
    for name, entry in built.items():
        path = str(scratch / entry["file"])
        n, h = con.execute(
            "select count(*), sum(hash(t) % 1000003) from read_parquet($p) as t", {"p": path}
        ).fetchone()
        rows[name], checksum[name] = n, int(h or 0)
    return {
        "snapshot": snap.snapshot_id,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rows": rows,
        "checksum": checksum,
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True, help="a data directory (its newest snapshot)")
    p.add_argument("--rollups", default="factory_orders", help="comma-separated rollup names")
    p.add_argument("--code", action="append", type=Path, help="a source tree to import supply from (repeat)")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--name", default="rollups", help="results file name (bench/results/<name>.md)")
    args = p.parse_args(argv)
    codes = [c.resolve() for c in (args.code or [HERE])]
    sys.path.insert(0, str(HERE))
    from bench.common import machine, report

    before, runs = machine(), {str(c): [] for c in codes}
    for _ in range(args.repeat):
        for code in codes:
            with tempfile.TemporaryDirectory(dir=args.data.resolve().parent) as tmp:
                out = subprocess.run(
                    [sys.executable, "-c", _CHILD, str(code), str(args.data.resolve()), args.rollups, tmp],
                    capture_output=True, text=True,
                )  # fmt: skip
            if out.returncode:
                raise SystemExit(f"{code}: the child failed:\n{out.stderr[-3000:]}")
            runs[str(code)].append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(str(code), runs[str(code)][-1], file=sys.stderr)
    rows = []
    for code, done in runs.items():
        rows.append(
            {
                "code": code,
                "rollups": args.rollups,
                "runs": len(done),
                "wall_s_median": round(statistics.median(r["wall_s"] for r in done), 2),
                "cpu_s_median": round(statistics.median(r["cpu_s"] for r in done), 2),
                "peak_rss_mib_max": max(r["peak_rss_mib"] for r in done),
                "rows": json.dumps(done[0]["rows"]),
                "checksum": json.dumps(done[0]["checksum"]),
                "same_every_run": all(r["checksum"] == done[0]["checksum"] for r in done),
            }
        )
    report(
        args.name,
        rows,
        {"data": str(args.data), "machine_before": before, "machine_after": machine(), "runs": runs},
    )
    return 0


# The child imports supply from the tree it is given (argv[1]), not from this script's tree, and
# runs build_once's own source (a base tree has no copy of this script).
_CHILD = (
    "import json, resource, sys, time\nfrom pathlib import Path\nsys.path.insert(0, sys.argv[1])\n"
    + inspect.getsource(build_once)
    + "print(json.dumps(build_once(Path(sys.argv[2]), sys.argv[3].split(','), Path(sys.argv[4]))))\n"
)

if __name__ == "__main__":
    raise SystemExit(main())
