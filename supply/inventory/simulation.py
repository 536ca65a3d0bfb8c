"""One school-uniform season, simulated: make-to-stock baseline vs pooled make-to-order.

Vectorised NumPy and seeded: every scenario is a row of an array, never a Python loop
(scenarios are processed in chunks of about a million cells to bound memory). A *cell*
is one school x garment x size; its initial demand is the quantity collected class by
class (the ``demand`` table), or, where a role cannot see class lists, an expected
quantity from the school's students and grades (``inputs_from_schools``).

Make-to-stock baseline (before pooling)
    The factory serving a school produces ahead of the term, before sizes are known. It
    knows the school's head count, but forecasts the size mix with a random error
    (``forecast_cv``). For every cell it makes forecast + expected replacements + a
    safety stock for its target service level, and each school x garment lot is at
    least the MOQ (extra pieces follow the forecast mix). Initial demand, then the
    year's replacement demand (lost uniforms, new students; ``replacement_rate`` of the
    initial pieces, with a school-level shock correlated between schools), is met from
    that school's own stock.

Pooled make-to-order
    Sizes are known from class-level collection before production, so initial demand is
    made to order and leaves no stock. The only stock is one replacement buffer per
    garment x size for each pool of ``schools_pooled`` schools (the whole cluster by
    default), held as blanks and finished per school on demand. It is sized by one
    safety factor, the smallest that gives the same replacement fill rate as the
    baseline achieved.

Inventory is counted from term start (after initial deliveries) to the end of the
season; replacement demand arrives evenly over the season. Average inventory is the
time average, end-of-season inventory is what is left. The headline ratio is
pooled / baseline average inventory, per scenario, with a 95% confidence interval of
its mean and the 5-95% range over scenarios.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import asdict, dataclass, replace

import numpy as np
import polars as pl
from scipy.special import ndtri

from supply.inventory.results import OUTCOMES, TABLE_MEASURES, Interval, SimResult, interval  # noqa: F401
from supply.inventory.simulation_inputs import (  # noqa: F401
    PIECES_PER_STUDENT,
    SimInputs,
    inputs_from_cells,
    inputs_from_schools,
    load_inputs,
    size_shares,
)

CHUNK_CELLS = 1_000_000  # scenario x cell elements per chunk


# -- parameters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SimParams:
    """The model's knobs. Defaults are assumptions to adjust, not measured facts."""

    moq: float = 100.0  # pieces: minimum lot of one school x garment in the baseline
    forecast_cv: float = 0.2  # error of each size's forecast share (coefficient of variation)
    schools_pooled: int = 0  # schools sharing one replacement buffer; 0 = all of them
    replacement_rate: float = 0.10  # replacement pieces in the season / initial pieces
    correlation: float = 0.3  # correlation of the school-level replacement shock between schools
    replacement_cv: float = 0.5  # spread (CV) of a school's replacement rate around the mean
    service_level: float = 0.90  # the baseline factory's target chance of not running out
    scenarios: int = 1000
    seed: int = 0

    def __post_init__(self):
        checks = {
            "moq": (0.0, 1e9),
            "forecast_cv": (0.0, 3.0),
            "replacement_rate": (0.0, 5.0),
            "correlation": (0.0, 1.0),
            "replacement_cv": (0.0, 5.0),
            "service_level": (0.5, 0.9999),
        }
        for name, (lo, hi) in checks.items():
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not math.isfinite(v) or not lo <= v <= hi:
                raise ValueError(f"{name} must be a number in [{lo:g}, {hi:g}], got {v!r}")
        if not isinstance(self.schools_pooled, (int, np.integer)) or self.schools_pooled < 0:
            raise ValueError(
                f"schools_pooled must be a whole number >= 0 (0 = all), got {self.schools_pooled!r}"
            )
        if not isinstance(self.scenarios, (int, np.integer)) or not 2 <= self.scenarios <= 10_000_000:
            raise ValueError(f"scenarios must be a whole number in [2, 10,000,000], got {self.scenarios!r}")


# -- the simulation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Draws:
    """The random part of ``scenarios`` seasons: forecast noise and replacement demand per cell.

    Kept apart so that runs differing only in MOQ, forecast error, service level or pools
    share the same draws (common random numbers), and a what-if costs no new sampling.
    """

    forecast_noise: np.ndarray  # (scenarios, cells) standard normal, float32
    replacement: np.ndarray  # (scenarios, cells) pieces, float32
    key: tuple

    @staticmethod
    def key_for(p: SimParams) -> tuple:
        """The parameters the draws depend on."""
        return (
            int(p.scenarios),
            int(p.seed),
            float(p.replacement_rate),
            float(p.replacement_cv),
            float(p.correlation),
        )


def draw(inputs: SimInputs, params: SimParams, forecast_noise: np.ndarray | None = None) -> Draws:
    """Draw forecast noise and replacement demand for every scenario and cell.

    Replacement demand of a cell is Poisson around ``replacement_rate`` x its initial
    demand x its school's shock; the shocks are lognormal with CV ``replacement_cv`` and
    correlation ``correlation`` (of their logs) between schools, from one common factor.
    """
    p, inp = params, inputs
    S, C = int(p.scenarios), inp.n_cells
    if forecast_noise is None:
        forecast_noise = np.random.default_rng([p.seed, 1]).standard_normal((S, C), dtype=np.float32)
    rng_m, rng_r = np.random.default_rng([p.seed, 2]), np.random.default_rng([p.seed, 3])
    sig_m = math.sqrt(math.log1p(p.replacement_cv**2))
    lam = p.replacement_rate * inp.qty
    repl = np.empty((S, C), dtype=np.float32)
    chunk = max(1, CHUNK_CELLS // C)
    for lo in range(0, S, chunk):
        hi = min(S, lo + chunk)
        shock = math.sqrt(p.correlation) * rng_m.standard_normal((hi - lo, 1)) + math.sqrt(
            1 - p.correlation
        ) * rng_m.standard_normal((hi - lo, inp.n_schools))
        mean_r = lam * np.exp(sig_m * shock - 0.5 * sig_m * sig_m)[:, inp.school]
        repl[lo:hi] = rng_r.poisson(mean_r)
    return Draws(forecast_noise, repl, Draws.key_for(p))


def _season_stock(start, demand):
    """Average and end stock over a season: stock ``start`` met by ``demand`` arriving evenly."""
    filled = np.minimum(demand, start)
    ratio = np.divide(start, demand, out=np.ones_like(start), where=demand > start)
    avg = np.where(demand <= start, start - 0.5 * demand, 0.5 * start * ratio)
    return avg, start - filled, filled


def pool_layout(inp: SimInputs, schools_pooled: int):
    """Permutation of cells grouping them by pool x garment x size, and the group starts."""
    k = schools_pooled or inp.n_schools
    pool = inp.school // max(k, 1)
    key = (pool * max(len(inp.garments), 1) + inp.garment) * max(len(inp.sizes), 1) + inp.size
    perm = np.argsort(key, kind="stable")
    sk = key[perm]
    starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
    return perm, starts


def _sum(a: np.ndarray) -> np.ndarray:
    return a.sum(axis=1, dtype=np.float64)


def simulate(inputs: SimInputs, params: SimParams | None = None, draws: Draws | None = None) -> SimResult:
    """Simulate one season ``params.scenarios`` times for both systems.

    Parameters
    ----------
    inputs : SimInputs
        Initial demand per school x garment x size (``inputs_from_cells`` /
        ``inputs_from_schools``).
    params : SimParams, optional
        Model parameters; the defaults are stated assumptions.
    draws : Draws, optional
        Reuse earlier draws (``draw``) when their parameters match; drawn afresh otherwise.

    Returns
    -------
    SimResult
        Per-scenario average and end-of-season stock, stock-outs and fill rates of the
        make-to-stock baseline and of pooled make-to-order; ``ratio()`` summarises
        pooled / baseline.

    Examples
    --------
    >>> cells = pl.DataFrame({"school_id": ["A"] * 3 + ["B"] * 3, "garment": "summer_uniform",
    ...                       "size": ["120/60", "130/64", "140/68"] * 2, "qty": [40, 120, 60] * 2})
    >>> res = simulate(inputs_from_cells(cells), SimParams(scenarios=500, seed=1))
    >>> 0 < res.ratio().mean < 1
    True
    """
    p = params or SimParams()
    inp = inputs
    if inp.n_cells == 0:
        raise ValueError("there is no demand to simulate (no cell with qty > 0)")
    if draws is None or draws.key != Draws.key_for(p) or draws.replacement.shape[1] != inp.n_cells:
        draws = draw(inp, p)
    S, C = int(p.scenarios), inp.n_cells
    A = inp.qty.astype(np.float32)
    sg_start = np.flatnonzero(
        np.r_[True, (inp.school[1:] != inp.school[:-1]) | (inp.garment[1:] != inp.garment[:-1])]
    )
    sg_of_cell = np.repeat(np.arange(sg_start.size), np.diff(np.r_[sg_start, C]))
    total_sg = np.add.reduceat(A, sg_start)
    perm, pool_start = pool_layout(inp, p.schools_pooled)
    lam_pool = np.add.reduceat(p.replacement_rate * inp.qty[perm], pool_start)
    z_b = float(ndtri(p.service_level))
    sig_f = math.sqrt(math.log1p(p.forecast_cv**2))
    cv2, rcv2, rate = p.forecast_cv**2, p.replacement_cv**2, p.replacement_rate

    base = {m: np.empty(S) for m in OUTCOMES}
    r_pool = np.empty((S, pool_start.size), dtype=np.float32)
    chunk = max(1, CHUNK_CELLS // C)
    for lo in range(0, S, chunk):
        hi = min(S, lo + chunk)
        r = draws.replacement[lo:hi]
        # Baseline production: forecast size mix, safety stock, school x garment lots >= MOQ.
        if sig_f > 0:
            w = A * np.exp(np.float32(sig_f) * draws.forecast_noise[lo:hi] - np.float32(0.5 * sig_f * sig_f))
            fc = w * (total_sg / np.add.reduceat(w, sg_start, axis=1))[:, sg_of_cell]
        else:
            fc = np.broadcast_to(A, (hi - lo, C))
        lam_f = rate * fc
        q = fc + lam_f + z_b * np.sqrt(cv2 * fc * fc + lam_f + rcv2 * lam_f * lam_f)
        lot = np.add.reduceat(q, sg_start, axis=1)
        q = np.ceil(q * np.maximum(1.0, p.moq / np.maximum(lot, 1e-9))[:, sg_of_cell] - 1e-4)
        # Baseline season: initial demand first, then replacements from what is left.
        avg, end, filled = _season_stock(np.maximum(q - A, 0), r)
        base["avg_pieces"][lo:hi] = _sum(avg)
        base["end_pieces"][lo:hi] = _sum(end)
        base["short_initial"][lo:hi] = _sum(np.maximum(A - q, 0))
        base["filled_replacement"][lo:hi] = _sum(filled)
        base["replacement"][lo:hi] = _sum(r)
        base["produced_pieces"][lo:hi] = _sum(q)
        r_pool[lo:hi] = np.add.reduceat(r[:, perm], pool_start, axis=1)

    initial = float(inp.qty.sum())
    repl = base["replacement"]
    target = float(base["filled_replacement"].sum() / repl.sum()) if repl.sum() > 0 else 1.0
    buffer, k = _size_buffer(r_pool, lam_pool, target)
    avg, end, filled = _season_stock(np.broadcast_to(buffer.astype(np.float32), r_pool.shape), r_pool)
    pooled = {
        "avg_pieces": _sum(avg),
        "end_pieces": _sum(end),
        "short_initial": np.zeros(S),
        "replacement": repl,
        "filled_replacement": _sum(filled),
        "produced_pieces": np.full(S, initial + float(buffer.sum())),
    }
    summary = {
        "cells": C,
        "schools": inp.n_schools,
        "initial_pieces": initial,
        "pools": int(math.ceil(inp.n_schools / (p.schools_pooled or inp.n_schools))),
        "source": inp.source,
    }
    return SimResult(
        params=p,
        inputs_summary=summary,
        baseline=base,
        pooled=pooled,
        buffer_pieces=float(buffer.sum()),
        buffer_k=k,
        target_fill_rate=target,
        unit_cost=inp.unit_cost,
    )


def _size_buffer(r_pool: np.ndarray, lam_pool: np.ndarray, target: float) -> tuple[np.ndarray, float]:
    """Buffers ceil(mean + k * sd) per pool cell, with the smallest k whose fill rate >= target."""
    total = float(r_pool.sum(dtype=np.float64))
    if total <= 0:
        return np.zeros(r_pool.shape[1]), 0.0
    sd = r_pool.std(axis=0, dtype=np.float64)

    def fill(k: float) -> tuple[float, np.ndarray]:
        b = np.maximum(np.ceil(lam_pool + k * sd - 1e-9), 0.0)
        return float(np.minimum(r_pool, b.astype(np.float32)).sum(dtype=np.float64)) / total, b

    lo, hi = -4.0, 1.0
    while fill(hi)[0] < target and hi < 64:
        lo, hi = hi, hi * 2
    if fill(hi)[0] < target:  # only the largest demand seen will do
        return r_pool.max(axis=0).astype(float), float("inf")
    while hi - lo > 1e-3:
        mid = 0.5 * (lo + hi)
        if fill(mid)[0] >= target:
            hi = mid
        else:
            lo = mid
    return fill(hi)[1], hi


def default_params(profile: dict, **overrides) -> SimParams:
    """SimParams with the MOQ set to the median MOQ of the cluster's uniform makers, if known."""
    moq = profile.get("moq_median")
    base = SimParams(moq=float(moq)) if moq else SimParams()
    return replace(base, **overrides)


def main(argv: list[str] | None = None) -> int:
    """`python -m supply.inventory.simulation`: print pooled / baseline on a snapshot's data."""
    from supply.data.store import Store
    from supply.engine.db import Viewer, connect

    ap = argparse.ArgumentParser(prog="python -m supply.inventory.simulation", description=main.__doc__)
    ap.add_argument("--data", help="data directory (default: $SUPPLY_DATA or ./data)")
    ap.add_argument("--snapshot", help="snapshot id (default: latest)")
    ap.add_argument("--cluster", default="zhili")
    ap.add_argument("--role", default="admin", choices=("admin", "association", "planner"))
    ap.add_argument("--csv", help="your own demand cells instead: school_id,garment,size,qty[,adcode]")
    ap.add_argument("--unit-cost", type=float, help="CNY per piece (overrides the snapshot's)")
    for name, f in SimParams.__dataclass_fields__.items():
        ap.add_argument("--" + name.replace("_", "-"), type=type(f.default), default=None)
    args = ap.parse_args(argv)
    if args.csv:
        try:
            inputs, profile = inputs_from_cells(pl.read_csv(args.csv), args.unit_cost, source="user"), {}
        except ValueError as exc:
            print(f"error in {args.csv} (rows counted after the header): {exc}", file=sys.stderr)
            return 2
    else:
        snap = Store(args.data).get(args.snapshot)
        viewer = Viewer(args.role, cluster_id=args.cluster if args.role == "association" else None)
        inputs, profile = load_inputs(connect(snap, viewer).run, args.cluster)
        if inputs is None:
            print(f"no schools or demand for cluster {args.cluster!r} in {snap.snapshot_id}", file=sys.stderr)
            return 1
        if args.unit_cost:
            inputs = replace(inputs, unit_cost=args.unit_cost)
        print(f"snapshot {snap.snapshot_id}, cluster {args.cluster}, role {args.role}")
    over = {k: getattr(args, k) for k in SimParams.__dataclass_fields__ if getattr(args, k) is not None}
    params = default_params(profile, **over)
    res = simulate(inputs, params)
    print(
        f"inputs: {inputs.source}, {inputs.n_schools} schools, {inputs.n_cells} cells, "
        f"{inputs.total_pieces:,.0f} pieces; unit cost {inputs.unit_cost} ({profile.get('unit_cost_source', 'given')})"
    )
    print("params:", asdict(params))
    print(res.table())
    for m in ("avg_pieces", "end_pieces"):
        iv = res.ratio(m)
        print(
            f"pooled / baseline {m}: {iv.mean:.3f} (95% CI {iv.ci_low:.3f}-{iv.ci_high:.3f}; "
            f"5-95% of scenarios {iv.p5:.3f}-{iv.p95:.3f})"
        )
    print(
        f"replacement fill rate: baseline {res.fill_rate('baseline', 'replacement'):.4f}, "
        f"pooled {res.fill_rate('pooled', 'replacement'):.4f} (buffer k = {res.buffer_k:.3f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
