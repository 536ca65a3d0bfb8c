"""Pooled planning at scale: build and solve time, optimal vs greedy cost (issue 5).

Synthetic instances, generated here with a seed (nothing from the demo):

* schools (groups = school x garment) and factories spread uniformly over a square of
  ``SIDE_KM`` km; a factory serves the schools within ``max_km`` (chosen so that a group
  has about ``eligible`` factories; None = every factory);
* demand per group lognormal (median 800 pieces); deadlines 3-8 weeks out; factory prices
  60-90 CNY x a garment factor; MOQ 50-1,000; bulk lead 3-14 days; free capacity per week
  lognormal per factory, in total ``TIGHT`` x the demand spread over the weeks.

Run: ``python bench/bench_planning.py [--cases small,middle,large] [--repeat 3]``.
Times are wall-clock seconds on a shared, noisy machine: medians of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report  # noqa: E402
from supply.planning import model as pm  # noqa: E402

SIDE_KM = 300.0
TIGHT = 1.3
CASES = {  # name: (groups, factories, weeks, eligible factories per group or None for all)
    "small": (1_000, 100, 4, None),
    "middle": (10_000, 300, 8, 30),
    "large": (50_000, 1_000, 8, 30),
}


def synthetic(
    groups: int, factories: int, weeks: int, eligible: int | None, seed: int = 1, moq: bool = True
) -> pm.Instance:
    """A seeded planning instance (see the module docstring)."""
    rng = np.random.default_rng(seed)
    lon0, lat0 = 118.0, 29.0
    kx, ky = 1 / (111.32 * math.cos(math.radians(lat0))), 1 / 110.57
    g_xy, f_xy = rng.uniform(0, SIDE_KM, (groups, 2)), rng.uniform(0, SIDE_KM, (factories, 2))
    demand = np.maximum(50, np.round(np.exp(rng.normal(math.log(800), 0.6, groups)))).astype(np.int64)
    start = np.datetime64("2026-06-29").astype(np.int64)
    deadline = (
        start + 7 * rng.integers(max(2, weeks // 2), weeks + 1, groups) + rng.integers(0, 7, groups) + 21
    )
    base = rng.uniform(60, 90, factories)
    price = np.round(base[:, None] * np.array([0.6, 0.9, 1.6, 1.0])[None, :], 2)
    size = np.exp(rng.normal(0, 0.7, factories))
    size /= size.sum()
    free = np.round(demand.sum() * TIGHT / weeks * size[:, None] * rng.uniform(0.6, 1.4, (factories, weeks)))
    max_km = SIDE_KM * math.sqrt(eligible / (math.pi * factories)) * 1.12 if eligible else None
    return pm.Instance(
        demand=demand,
        deadline=deadline,
        garment=rng.integers(0, 4, groups),
        glon=lon0 + g_xy[:, 0] * kx,
        glat=lat0 + g_xy[:, 1] * ky,
        lead=rng.integers(3, 15, factories),
        moq=rng.choice([50, 100, 200, 300, 500, 1000], factories) if moq else np.ones(factories),
        flon=lon0 + f_xy[:, 0] * kx,
        flat=lat0 + f_xy[:, 1] * ky,
        price=price,
        week_start=start + 7 * np.arange(weeks),
        free=free.astype(np.int64),
        transport=0.02,
        penalty=1000.0,
        max_km=max_km,
    )


def run_case(name: str, repeat: int, time_limit: float, moq: bool) -> dict:
    """Median build, greedy and optimal times for one case, with costs and status."""
    groups, factories, weeks, eligible = CASES[name]
    builds, greedies, optimals = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        inst = synthetic(groups, factories, weeks, eligible, moq=moq)
        pairs = pm.build_pairs(inst)
        builds.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        greedy = pm.greedy(inst, pairs)
        greedies.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        sol = pm.optimise(inst, pairs, time_limit=time_limit, seed=greedy)
        optimals.append(time.perf_counter() - t0)
        assert pm.feasible(inst, pairs, sol.amount), f"{name}: infeasible plan"
        assert sol.objective <= greedy.objective + 1e-6, f"{name}: optimal worse than greedy"
    gap = (sol.objective - sol.lower_bound) / sol.objective if math.isfinite(sol.lower_bound) else None
    return {
        "case": f"{name}{'' if moq else ' (no MOQ)'}",
        "groups": groups,
        "factories": factories,
        "weeks": weeks,
        "pairs": len(pairs),
        "pairs_per_group": round(len(pairs) / groups, 1),
        "build_s": round(statistics.median(builds), 2),
        "greedy_s": round(statistics.median(greedies), 2),
        "optimal_s": round(statistics.median(optimals), 2),
        "lp_s": sol.stats.get("lp_seconds"),
        "status": sol.status,
        "proven": sol.proven,
        "gap_to_lp_bound": None if gap is None else f"{gap:.4%}",
        "optimal_cost": round(sol.objective),
        "greedy_cost": round(greedy.objective),
        "greedy_worse_by": f"{(greedy.objective - sol.objective) / sol.objective:.2%}",
        "unmet_optimal": int(sol.unmet.sum()),
        "unmet_greedy": int(greedy.unmet.sum()),
        "moq_lines_in_lp": sol.stats.get("lp_moq_violations"),
        "runs": repeat,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="ignored: the instances are synthetic")
    parser.add_argument("--cases", default="small,middle,large")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--no-moq", action="store_true", help="also run each case with MOQ 1 (pure LP)")
    args = parser.parse_args(argv)
    rows = []
    for name in args.cases.split(","):
        reps = args.repeat if name != "large" else 1
        rows.append(run_case(name, reps, args.time_limit, moq=True))
        print(rows[-1], flush=True)
        if args.no_moq:
            rows.append(run_case(name, reps, args.time_limit, moq=False))
            print(rows[-1], flush=True)
    report("planning", rows, {"side_km": SIDE_KM, "tight": TIGHT, "time_limit_s": args.time_limit})


if __name__ == "__main__":
    main()
