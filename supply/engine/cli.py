"""`python -m supply rollup [SNAPSHOT] [--engine spark]`: add the rollups to a snapshot written without them."""

from __future__ import annotations

import sys
import time

from supply.cli import command


@command("rollup", "build the rollups (aggregate tables) of a snapshot written without them, in place")
def _rollup(p):
    p.add_argument("snapshot", nargs="?", help="snapshot id (default: latest)")
    p.add_argument("--all", action="store_true", help="every snapshot that lacks its rollups")
    p.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default=None,
        help="engine that computes them (default: $SUPPLY_ENGINE, else duckdb)",
    )

    def run(args) -> int:
        from supply.data import rollups
        from supply.data.store import SnapshotError, Store

        store = Store(args.data)
        try:
            snaps = store.list() if args.all else [store.get(args.snapshot)]
        except SnapshotError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if args.engine == "spark":
            from supply.engine import spark  # the Spark rollup job writes the same files

            build = spark.rebuild_rollups
        else:
            build = rollups.rebuild
        for snap in snaps:
            if not rollups.verify(snap):
                print(f"{snap.snapshot_id}: rollups present and sound")
                continue
            t0 = time.perf_counter()
            built = build(store, snap)
            rows = ", ".join(f"{k} {v['rows']:,}" for k, v in sorted(built.items()))
            print(f"{snap.snapshot_id}: rollups written in {time.perf_counter() - t0:.1f} s ({rows})")
        return 0

    return run
