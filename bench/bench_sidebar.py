"""Warm server time of the first page (Overview) through AppTest, as admin and factory owner (issue 12).

The sidebar reads the factory directory for the pickers; at scale 500 it has 1.5M rows. Run it
from a tree to time that tree (run it once in a checkout of an older commit for a side-by-side)::

    PYTHONPATH=. python bench/bench_sidebar.py /tmp/demo500
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from pathlib import Path


def main(data: str, repeat: int = 3) -> None:
    """Print cold and warm (median) wall and CPU seconds per role, and the peak RSS."""
    os.environ["SUPPLY_DATA"] = data
    from streamlit.testing.v1 import AppTest

    entry = str(Path.cwd() / "dashboard.py")
    print("load", open("/proc/loadavg").read().split()[:3])
    for role in ("admin", "factory"):
        at = AppTest.from_file(entry, default_timeout=600)
        at.session_state["lang"] = "zh"
        at.session_state["view_as_role"] = role
        if role == "factory":
            at.session_state["view_as_factory"] = "F0000007"
        start = time.perf_counter()
        at.run()
        cold = time.perf_counter() - start
        walls, cpus = [], []
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            at.run()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        print(
            f"{role}: cold {cold:.2f} s, warm {statistics.median(walls):.2f} s wall /"
            f" {statistics.median(cpus):.2f} s CPU, errors {[e.value for e in at.exception][:1]},"
            f" peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1])
