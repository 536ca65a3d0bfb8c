"""Pooled planning at scale: greedy, the LP bound and the optimal plan side by side (issues 5, 14).

Synthetic instances, generated here with a seed (nothing from the demo):

* schools (groups = school x garment) and factories spread uniformly over a square of
  ``SIDE_KM`` km; a factory serves the schools within ``max_km`` (chosen so that a group
  has about ``eligible`` factories; None = every factory);
* demand per group lognormal (median 800 pieces); deadlines 3-8 weeks out; factory prices
  60-90 CNY x a garment factor; MOQ 50-1,000; bulk lead 3-14 days; free capacity per week
  lognormal per factory, in total ``TIGHT`` x the demand spread over the weeks.

Columns: build (instance + eligible pairs), greedy, ``bound_s`` (the flow LP with its rigorous
bound alone), ``optimal_s`` (LP + rounding, repair, MIP neighbourhoods: the whole method),
the gap of the plan to the bound, whether it is proven (gap <= 1e-4 and LP over every
pair), ``same_plan`` (every repeat gave the identical allocation), and on ``middle`` and
``large`` a what-if: the factory with most planned pieces removed, re-solved cold, warm
(from the first solve's node potentials) and as a re-plan (``whatif_replan_*``, median of
``--repeat`` runs: the first plan kept where it fits, topped up, repaired and polished; bound
from the old potentials). ``--whatif replan`` runs the re-plan alone (no cold or warm re-solve).

Run: ``python bench/bench_planning.py [--cases small,middle,large] [--repeat 3] [--whatif replan]``.
Times are wall-clock seconds on a shared, noisy machine: medians of ``--repeat`` runs; the
load average before and after each case is in the table, and ``*_cpu_s`` columns give the
CPU seconds of this process plus the flow worker (what the machine's load inflates least).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report  # noqa: E402
from supply.planning import model as pm  # noqa: E402
from supply.planning.flow import solve_lp  # noqa: E402
from supply.planning.flow_worker import worker_cpu_seconds  # noqa: E402

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


def cpu() -> float:
    """CPU seconds of this process and of the flow worker (less noisy than wall time under load)."""
    return time.process_time() + worker_cpu_seconds()


def without_factory(inst: pm.Instance, f: int) -> pm.Instance:
    """The instance with factory ``f`` removed."""
    keep = np.arange(len(inst.lead)) != f
    return pm.Instance(
        **{k: getattr(inst, k) for k in ("demand", "deadline", "garment", "glon", "glat")},
        **{k: getattr(inst, k)[keep] for k in ("lead", "moq", "flon", "flat", "price", "free")},
        week_start=inst.week_start,
        transport=inst.transport,
        penalty=inst.penalty,
        max_km=inst.max_km,
    )


def warm_without(inst: pm.Instance, potentials: np.ndarray, f: int) -> np.ndarray:
    """Node potentials mapped onto the instance without factory ``f`` (groups, factory-weeks, sink)."""
    G, F, W = inst.shape
    fw = potentials[G : G + F * W].reshape(F, W)
    return np.concatenate([potentials[:G], np.delete(fw, f, axis=0).ravel(), potentials[-1:]])


def previous_without(pairs: pm.Pairs, amount: np.ndarray, pairs2: pm.Pairs, f: int) -> np.ndarray:
    """A plan's pieces moved onto the pairs of the instance without factory ``f`` (by group, factory)."""
    F = int(max(pairs.f.max(), pairs2.f.max())) + 2
    old_f = pairs2.f + (pairs2.f >= f)  # factory numbers in the original instance
    key = pairs.g * F + pairs.f
    order = np.argsort(key)
    at = np.searchsorted(key[order], pairs2.g * F + old_f)
    at = np.minimum(at, len(order) - 1)
    hit = key[order][at] == pairs2.g * F + old_f
    return np.where(hit, amount[order][at], 0)


def bound_only(name: str) -> dict:
    """One case's greedy plan and flow LP bound only (when the whole method does not fit the time)."""
    groups, factories, weeks, eligible = CASES[name]
    load0 = os.getloadavg()[0]
    inst = synthetic(groups, factories, weeks, eligible)
    pairs = pm.build_pairs(inst)
    greedy = pm.greedy(inst, pairs)
    t0, c0 = time.perf_counter(), cpu()
    lp = solve_lp(inst, pairs, greedy.amount)
    return {
        "case": f"{name} (bound only)",
        "groups": groups,
        "factories": factories,
        "weeks": weeks,
        "pairs": len(pairs),
        "bound_s": round(time.perf_counter() - t0, 2),
        "bound_cpu_s": round(cpu() - c0, 2),
        "bound_alone_optimal": lp.optimal,
        "lp_rounds": lp.rounds,
        "lp_objective": round(lp.objective),
        "lower_bound": round(lp.bound),
        "lp_vs_bound": f"{pm.gap_of(lp.objective, lp.bound):.2e}",
        "greedy_cost": round(greedy.objective),
        "greedy_gap": f"{pm.gap_of(greedy.objective, lp.bound):.2e}",
        "load_before_after": f"{load0:.1f} / {os.getloadavg()[0]:.1f}",
    }


def run_case(name: str, repeat: int, time_limit: float, moq: bool, whatif: str = "all") -> dict:
    """Median times for one case: build, greedy, LP bound, optimal; costs, gap, what-if."""
    groups, factories, weeks, eligible = CASES[name]
    load0 = os.getloadavg()[0]
    builds, greedies, bounds, optimals, plans, bound_cpu, optimal_cpu = [], [], [], [], [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        inst = synthetic(groups, factories, weeks, eligible, moq=moq)
        pairs = pm.build_pairs(inst)
        builds.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        greedy = pm.greedy(inst, pairs)
        greedies.append(time.perf_counter() - t0)
        t0, c0 = time.perf_counter(), cpu()
        lp = solve_lp(inst, pairs, greedy.amount)
        bounds.append(time.perf_counter() - t0)
        bound_cpu.append(cpu() - c0)
        t0, c0 = time.perf_counter(), cpu()
        sol = pm.optimise(inst, pairs, time_limit=time_limit, seed=greedy)
        optimals.append(time.perf_counter() - t0)
        optimal_cpu.append(cpu() - c0)
        plans.append(sol.amount)
        assert pm.feasible(inst, pairs, sol.amount), f"{name}: infeasible plan"
        assert sol.objective <= greedy.objective + 1e-6, f"{name}: optimal worse than greedy"
    gap = pm.gap_of(sol.objective, sol.lower_bound)
    row = {
        "case": f"{name}{'' if moq else ' (no MOQ)'}",
        "groups": groups,
        "factories": factories,
        "weeks": weeks,
        "pairs": len(pairs),
        "build_s": round(statistics.median(builds), 2),
        "greedy_s": round(statistics.median(greedies), 2),
        "bound_s": round(statistics.median(bounds), 2),
        "optimal_s": round(statistics.median(optimals), 2),
        "bound_cpu_s": round(statistics.median(bound_cpu), 2),
        "optimal_cpu_s": round(statistics.median(optimal_cpu), 2),
        "status": sol.status,
        "proven": sol.proven,
        "gap_to_bound": f"{gap:.2e}",
        "greedy_gap": f"{pm.gap_of(greedy.objective, sol.lower_bound):.2e}",
        "optimal_cost": round(sol.objective),
        "lower_bound": round(sol.lower_bound),
        "greedy_cost": round(greedy.objective),
        "unmet_optimal": int(sol.unmet.sum()),
        "unmet_greedy": int(greedy.unmet.sum()),
        "lp_rounds": sol.stats.get("lp_rounds"),
        "bound_alone_optimal": lp.optimal,
        "mip_rounds": sol.stats.get("mip_rounds"),
        "same_plan": all(np.array_equal(plans[0], a) for a in plans),
        "runs": repeat,
    }
    if name != "small" and sol.warm is not None:
        used = np.zeros(factories, dtype=np.int64)
        np.add.at(used, pairs.f, sol.amount)
        f = int(np.argmax(used))
        inst2 = without_factory(inst, f)
        pairs2 = pm.build_pairs(inst2)
        seed2 = pm.greedy(inst2, pairs2)
        cold = None
        if whatif == "all":
            t0 = time.perf_counter()
            cold = pm.optimise(inst2, pairs2, time_limit=time_limit, seed=seed2)
            row["whatif_cold_s"] = round(time.perf_counter() - t0, 2)
            t0, c0 = time.perf_counter(), cpu()
            warm = pm.optimise(
                inst2,
                pairs2,
                time_limit=time_limit,
                seed=seed2,
                warm=warm_without(inst, sol.warm["potentials"], f),
            )
            row["whatif_warm_s"] = round(time.perf_counter() - t0, 2)
            row["whatif_warm_cpu_s"] = round(cpu() - c0, 2)
            row["whatif_gap"] = f"{pm.gap_of(warm.objective, warm.lower_bound):.2e}"
            row["whatif_same_bound"] = bool(
                abs(warm.lower_bound - cold.lower_bound) <= 1e-6 * abs(cold.lower_bound)
            )
        walls, cpus = [], []
        for _ in range(repeat):  # the re-plan is short: as many runs as the case
            t0, c0 = time.perf_counter(), cpu()
            quick = pm.optimise(
                inst2,
                pairs2,
                time_limit=time_limit,
                seed=seed2,
                warm=warm_without(inst, sol.warm["potentials"], f),
                previous=previous_without(pairs, sol.amount, pairs2, f),
            )
            walls.append(time.perf_counter() - t0)
            cpus.append(cpu() - c0)
        row["whatif_replan_s"] = round(statistics.median(walls), 2)
        row["whatif_replan_cpu_s"] = round(statistics.median(cpus), 2)
        row["whatif_replan_cost"] = round(quick.objective)
        row["whatif_replan_gap"] = f"{pm.gap_of(quick.objective, quick.lower_bound):.2e}"
        if cold is not None:
            row["whatif_replan_vs_cold"] = f"{quick.objective / cold.objective - 1:+.2e}"
        assert pm.feasible(inst2, pairs2, quick.amount) and quick.objective <= seed2.objective + 1e-6
    row["load_before_after"] = f"{load0:.1f} / {os.getloadavg()[0]:.1f}"
    return row


def main(argv: list[str] | None = None) -> None:
    """Run the cases and write bench/results/planning.{json,md}."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="ignored: the instances are synthetic")
    parser.add_argument("--cases", default="small,middle,large")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=900.0, help="outer guard per solve (seconds)")
    parser.add_argument("--no-moq", action="store_true", help="also run each case with MOQ 1 (pure LP)")
    parser.add_argument("--out", default="planning", help="results name (bench/results/<out>.json)")
    parser.add_argument("--bound-only", action="store_true", help="greedy and the LP bound only")
    parser.add_argument(
        "--whatif",
        choices=("all", "replan"),
        default="all",
        help="what-if re-solves: cold, warm and re-plan (all), or the quick re-plan alone",
    )
    args = parser.parse_args(argv)
    rows = []
    for name in args.cases.split(","):
        reps = args.repeat if name != "large" else 1
        if args.bound_only:
            rows.append(bound_only(name))
            print(rows[-1], flush=True)
            continue
        rows.append(run_case(name, reps, args.time_limit, moq=True, whatif=args.whatif))
        print(rows[-1], flush=True)
        if args.no_moq:
            rows.append(run_case(name, reps, args.time_limit, moq=False, whatif=args.whatif))
            print(rows[-1], flush=True)
    report(args.out, rows, {"side_km": SIDE_KM, "tight": TIGHT, "time_limit_s": args.time_limit})


if __name__ == "__main__":
    main()
