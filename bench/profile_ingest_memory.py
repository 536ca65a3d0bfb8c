"""Where an ingest's peak memory goes: RSS sampled every 50 ms, the main thread's stack at each new peak.

In-process (no worker), on a private copy of bench/data/scale-0.05, one ~172 MB capacity CSV
(4.1M rows, bench_ingest's generator); prints each new peak with the ingest's progress phase,
then the stack at the highest one::

    PYTHONPATH=. .venv/bin/python bench/profile_ingest_memory.py [--mb 195]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_ingest import write_capacity_csv  # noqa: E402
from supply.data.store import Store  # noqa: E402
from supply.ingest import pipeline  # noqa: E402


def rss_mb() -> float:
    """This process's resident memory in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=195)
    args = parser.parse_args()
    work = Path(tempfile.gettempdir()) / "profile-ingest"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(Path(__file__).resolve().parent / "data" / "scale-0.05", work / "data")
    store = Store(work / "data")
    base = store.latest()
    csv = work / "capacity-large.csv"
    fids = store.read(base.snapshot_id, "factories")["factory_id"].to_list()
    monday = base.as_of - dt.timedelta(days=base.as_of.weekday())
    write_capacity_csv(csv, fids, int(args.mb * 1e6 / 47), monday)
    print(f"csv {csv.stat().st_size / 1e6:.1f} MB", flush=True)
    main_id = threading.main_thread().ident
    peak, phase, done = {"mb": 0.0, "stack": "", "phase": ""}, ["start"], threading.Event()

    def sampler():
        while not done.is_set():
            now = rss_mb()
            if now > peak["mb"] + 20:
                stack = traceback.format_stack(sys._current_frames()[main_id], limit=14)[-10:]
                peak.update(mb=now, stack="".join(stack), phase=phase[0])
                print(f"peak {now:.0f} MB phase {phase[0]}", flush=True)
            time.sleep(0.05)

    threading.Thread(target=sampler, daemon=True).start()
    t0 = time.time()
    res = pipeline.ingest_file(
        store, "capacity", csv, progress=lambda f, m: phase.__setitem__(0, f"{f:.2f} {m}"), remember=False
    )
    done.set()
    print("took", round(time.time() - t0, 1), "s; snapshot", res.snapshot and res.snapshot.snapshot_id)
    print("PEAK", round(peak["mb"]), "MB in phase", peak["phase"])
    print(peak["stack"])
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
