"""Inventory simulation speed (issue 6): 100,000 scenarios x 50 cells, and the page's re-run.

Targets: the core simulation of 100,000 scenarios x 50 size-garment cells under 2 s; the
Inventory page's re-run after a slider change under 1 s at the demo scale. Usage:
``python bench/bench_inventory.py --scale 1`` (``make bench`` passes its SCALE).
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, demo_store, measure, report  # noqa: E402
from supply.data import schema  # noqa: E402
from supply.engine.db import Viewer, connect  # noqa: E402
from supply.inventory import sensitivity as sens  # noqa: E402
from supply.inventory import simulation as sim  # noqa: E402


def cpu_median(fn, repeat: int = 5) -> float:
    """Median CPU seconds of this process per call (less sensitive than wall time to a busy machine)."""
    runs = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        runs.append(time.process_time() - t0)
    return round(statistics.median(runs), 4)


def timed(fn) -> dict:
    """Wall-clock timing (bench.common.measure) plus the median CPU time."""
    return {**measure(fn), "cpu_median_s": cpu_median(fn)}


def core_inputs() -> sim.SimInputs:
    """50 size-garment cells: 5 schools x 2 garments x 5 sizes."""
    rows = [
        {"school_id": f"S{s}", "garment": g, "size": schema.SIZES[2 + z], "qty": 20 + 7 * z + 3 * s}
        for s in range(5)
        for g in schema.GARMENTS[:2]
        for z in range(5)
    ]
    return sim.inputs_from_cells(pl.DataFrame(rows), unit_cost=40.0)


def page_rerun(data_dir: Path):
    """A function that changes the MOQ slider to a new value and re-runs the page (AppTest)."""
    from streamlit.testing.v1 import AppTest

    os.environ["SUPPLY_DATA"] = str(data_dir)
    os.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    at.session_state["lang"] = "zh"
    at.session_state["view_as_role"] = "association"
    at.run()
    at.switch_page("app_pages/inventory.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    values = itertools.count(110, 10)  # a new value each time: no cache hit

    def rerun():
        at.slider(key="inv_moq").set_value(next(values)).run()
        assert not at.exception, [e.value for e in at.exception]

    return rerun


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()
    rows = []

    core = core_inputs()
    params = sim.SimParams(scenarios=100_000, seed=1)
    t = timed(lambda: sim.simulate(core, params))
    res = sim.simulate(core, params)
    rows.append({"case": "simulate 100,000 scenarios x 50 cells (draw + evaluate)", **t, "target_s": 2.0})
    d = sim.draw(core, params)
    rows.append(
        {"case": "  of which: evaluate only (draws reused)", **timed(lambda: sim.simulate(core, params, d))}
    )

    store = demo_store(args.scale)
    snap = store.latest()
    db = connect(snap, Viewer("association", cluster_id="zhili"))
    inputs, profile = sim.load_inputs(db.run, "zhili")
    page_params = sim.default_params(profile, scenarios=300)
    ranges = sens.default_ranges(inputs, profile["moq_min"], max(profile["moq_max"], 2000))
    rows.append(
        {
            "case": f"load inputs from snapshot ({inputs.n_cells:,} cells, {inputs.n_schools} schools)",
            **measure(lambda: sim.load_inputs(db.run, "zhili")),
        }
    )
    rows.append(
        {"case": "page model: simulate 300 scenarios", **timed(lambda: sim.simulate(inputs, page_params))}
    )
    tornado_params = sim.SimParams(**{**page_params.__dict__, "scenarios": 60})
    rows.append(
        {
            "case": "page model: tornado (11 runs x 60 scenarios)",
            **timed(lambda: sens.sensitivity(inputs, tornado_params, ranges)),
        }
    )
    rerun = page_rerun(store.data_dir)
    rows.append(
        {
            "case": "page re-run after a slider change (AppTest, association, zh)",
            **measure(rerun),
            "cpu_median_s": cpu_median(rerun),
            "target_s": 1.0,
        }
    )

    demo_res = sim.simulate(inputs, sim.default_params(profile, scenarios=2000))
    r = demo_res.ratio()
    meta = {
        "scale": args.scale,
        "load_average": os.getloadavg(),
        "snapshot": snap.snapshot_id,
        "cells": inputs.n_cells,
        "core_ratio_avg": res.ratio().mean,
        "demo_ratio_avg_2000_scenarios": {
            "mean": r.mean,
            "ci95": [r.ci_low, r.ci_high],
            "p5_p95": [r.p5, r.p95],
        },
    }
    report("inventory", rows, meta)
    print(
        f"demo pooled/baseline average stock: {r.mean:.3f} (95% CI {r.ci_low:.3f}-{r.ci_high:.3f}; "
        f"5-95% {r.p5:.3f}-{r.p95:.3f})"
    )


if __name__ == "__main__":
    main()
