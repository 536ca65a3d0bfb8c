"""Helpers shared by the benchmark scripts in bench/ (timing, results, markdown tables).

Each ``bench/bench_<area>.py`` is a script: it builds or reuses demo data, times its
cases with ``measure`` (median of N runs, cold run reported separately), and calls
``report(area, rows)``, which writes ``bench/results/<area>.json`` and prints a markdown
table. ``make bench`` runs every script. Speed lives here, never in timed tests.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from supply.data.store import Store
from supply.demo import generate as demo

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATA = ROOT / "bench" / "data"


def demo_store(scale: float, seed: int = 42) -> Store:
    """A store holding the demo at ``scale``, built once and reused (bench/data/scale-<scale>)."""
    store = Store(DATA / f"scale-{scale:g}")
    if store.latest() is None:
        t0 = time.perf_counter()
        demo.build(store, scale=scale, seed=seed, progress=lambda m: print("  " + m, flush=True))
        print(f"  built demo at scale {scale:g} in {time.perf_counter() - t0:.1f} s", flush=True)
    return store


def measure(fn: Callable[[], object], repeat: int = 5) -> dict:
    """Time ``fn``: the first (cold) run, then the median and min of ``repeat`` warm runs."""
    t0 = time.perf_counter()
    fn()
    cold = time.perf_counter() - t0
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return {
        "cold_s": round(cold, 4),
        "median_s": round(statistics.median(runs), 4),
        "min_s": round(min(runs), 4),
        "runs": len(runs),
    }


def machine() -> dict:
    """Cores, memory and load of this machine now (every result records them)."""
    mem = {}
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            key, value = line.split(":", 1)
            if key in ("MemTotal", "MemAvailable"):
                mem[key] = round(int(value.split()[0]) / 1024**2, 1)
        load = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        load = list(os.getloadavg()) if hasattr(os, "getloadavg") else []
    return {"cpus": os.cpu_count(), "mem_total_gib": mem.get("MemTotal"),
            "mem_available_gib": mem.get("MemAvailable"), "load_1_5_15": load}  # fmt: skip


def _cell(value) -> str:
    """A table cell: a dash for a figure not measured (never "None")."""
    return "—" if value is None else str(value)


def report(area: str, rows: list[dict], meta: dict | None = None) -> str:
    """Write bench/results/<area>.json and return (and print) a markdown table of rows."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "area": area,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": {**machine(), "python": platform.python_version()},
        "meta": meta or {},
        "rows": rows,
    }
    (RESULTS / f"{area}.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    cols = list(dict.fromkeys(k for r in rows for k in r))
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        lines.append("| " + " | ".join(_cell(r.get(c, "")) for c in cols) + " |")
    table = "\n".join(lines)
    (RESULTS / f"{area}.md").write_text(f"# {area}\n\n{table}\n", encoding="utf-8")
    print(f"\n## {area}\n\n{table}\n", flush=True)
    return table
