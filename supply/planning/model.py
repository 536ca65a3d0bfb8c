"""The numerical core of pooled planning: arrays in, allocation out (numpy + highspy only).

``supply/planning/plan.py`` turns tables into an :class:`Instance` and the result back into
tables; this module holds the model and the solvers.

Formulation
-----------
A *group* g is one school's demand for one garment (with one deadline); a *pair* (g, f)
is a factory f that may make it. Pieces made in week k (a Monday) are finished at the
end of that week and reach the school ``bulk_lead_days`` later, so pair (g, f) may use
week k when ``week_start[k] + 7 + lead[f] <= deadline[g]``. The last such week is the
pair's *cutoff*; every earlier week in the horizon is allowed too.

Because each pair may use a *prefix* of the weeks, per-week variables x[g, f, w] are not
needed: an amount a[g, f] per pair can be scheduled week by week (earliest deadline
first) exactly when, for every factory f and week k, the pieces whose cutoff is <= k fit
in the free capacity of weeks <= k. Those cumulative constraints are written as a flow:
a carry variable r[f, k] >= 0 moves unused capacity of weeks <= k forward to week k+1::

    min   sum_p cost[p] a[p] + penalty sum_g u[g]
    s.t.  sum_{p of g} a[p] + u[g] = demand[g]                      (one row per group)
          sum_{p of f, cutoff k} a[p] + r[f,k] - r[f,k-1] <= free[f,k] (one row per factory-week)
          a, u, r >= 0

It is a min-cost flow problem (so its vertex solutions are integral) with 2 nonzeros per
pair instead of one variable per pair and week. It is solved by column generation: start
with a few factories per group, price every pair with the duals (vectorised), add the
pairs whose reduced cost is negative, repeat until none is: the LP optimum over all
pairs, proven. On large instances the first few are chosen by ``cost - z[f, cutoff]``,
with capacity prices z guessed from the LP of every 5th group (or fewer) on that share
of the capacity: the optimum uses about one pair per group, but not the cheapest one where capacity is
scarce, so cost alone picks poorly (middle bench case: 3 guided pairs per group reach
the LP optimum in 3 rounds and ~40k columns; the full LP of 269k columns took ~20 s of
interior point, and dual simplex on it ~200k degenerate iterations).

MOQ: a line is 0 or at least the factory's MOQ (a[p] >= moq*y[p], a[p] <= upper*y[p],
y binary). When the LP optimum already respects every MOQ it is the MIP optimum. If not,
a repaired LP solution gives an upper bound UB, and a pair whose reduced cost d[p]
satisfies d[p] * moq[f] > UB - LB cannot be used by any better plan (reduced-cost
fixing), so the MIP is solved exactly over the few pairs that remain.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import highspy
import numpy as np

WEEK_DAYS = 7
EARTH_KM = 6371.0088
INITIAL_PER_GROUP = 6  # pairs per group in the first restricted LP (cheapest first)
GUIDED_PER_GROUP = (
    3  # pairs per group in the first LP when capacity prices are guessed (see _capacity_prices)
)
SAMPLE_STEP = 5  # the capacity prices are guessed on every 5th group (at least), with that share of capacity
SAMPLE_PAIRS = 60_000  # ... and on fewer groups when the sample would hold more pairs than this
GUIDED_MIN_PAIRS = 50_000  # from this many pairs on, the first LP is chosen with guessed capacity prices
ADD_PER_GROUP = 6  # at most this many priced-out pairs per group and round
LP_SOLVER = "ipm"  # interior point + crossover: robust on this highly degenerate LP
MAX_MIP_PAIRS = 5_000  # above this many unfixed pairs the rounded LP is returned with its gap
MIP_SECONDS = 15.0  # at most this long in branch and bound
ROUNDING_SECONDS = 8.0  # at most this long rounding the LP to meet every MOQ (dive + polish)
FULL_LP_PAIRS = 400_000  # up to this many pairs the first LP holds them all

Progress = Callable[[float, str], None]


@dataclass
class Instance:
    """One planning problem as arrays. Days are integers (days since 1970-01-01)."""

    demand: np.ndarray  # (G,) pieces
    deadline: np.ndarray  # (G,) day the pieces must reach the school
    garment: np.ndarray  # (G,) column of ``price`` for this group
    glon: np.ndarray  # (G,) school longitude, WGS-84
    glat: np.ndarray
    lead: np.ndarray  # (F,) bulk lead days
    moq: np.ndarray  # (F,) minimum pieces per order line
    flon: np.ndarray
    flat: np.ndarray
    price: np.ndarray  # (F, n_garments) CNY per piece
    week_start: np.ndarray  # (W,) Mondays, ascending
    free: np.ndarray  # (F, W) free pieces = capacity - booked
    transport: float  # CNY per piece per km
    penalty: float  # CNY per unmet piece
    max_km: float | None = None  # a factory serves schools within this distance (None: any)

    def __post_init__(self):
        self.demand = np.asarray(self.demand, dtype=np.int64)
        self.deadline = np.asarray(self.deadline, dtype=np.int64)
        self.garment = np.asarray(self.garment, dtype=np.int64)
        self.lead = np.asarray(self.lead, dtype=np.int64)
        self.moq = np.maximum(np.asarray(self.moq, dtype=np.int64), 1)
        self.week_start = np.asarray(self.week_start, dtype=np.int64)
        self.free = np.maximum(
            np.asarray(self.free, dtype=np.int64).reshape(len(self.lead), len(self.week_start)), 0
        )
        self.price = np.asarray(self.price, dtype=float).reshape(len(self.lead), -1)
        for name in ("glon", "glat", "flon", "flat"):
            setattr(self, name, np.asarray(getattr(self, name), dtype=float))
        if (self.demand < 0).any():
            raise ValueError("demand must not be negative")
        if len(self.week_start) > 1 and (np.diff(self.week_start) <= 0).any():
            raise ValueError("week_start must be strictly ascending")

    @property
    def shape(self) -> tuple[int, int, int]:
        """(groups, factories, weeks)."""
        return len(self.demand), len(self.lead), len(self.week_start)


@dataclass
class Pairs:
    """Eligible (group, factory) pairs, sorted by group, then cost, then factory."""

    g: np.ndarray
    f: np.ndarray
    cutoff: np.ndarray  # last usable week index
    cost: np.ndarray  # CNY per piece: price + transport * km
    dist: np.ndarray  # km
    upper: np.ndarray  # most pieces the pair can take: min(demand, free up to cutoff)
    start: np.ndarray  # (G+1,) pairs of group g are start[g]:start[g+1]

    def __len__(self) -> int:
        return len(self.g)


@dataclass
class Solution:
    """An allocation: pieces per pair and unmet pieces per group, with how it was found."""

    amount: np.ndarray  # (P,) int pieces per pair
    unmet: np.ndarray  # (G,) int
    objective: float
    lower_bound: float
    proven: bool
    status: str
    stats: dict = field(default_factory=dict)


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in km (same formula as supply.maps.geo.haversine_km)."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def _xyz(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _candidate_pairs(inst: Instance) -> tuple[np.ndarray, np.ndarray]:
    """All (g, f) within max_km (every pair when max_km is None)."""
    G, F, _ = inst.shape
    if inst.max_km is None:
        return np.repeat(np.arange(G), F), np.tile(np.arange(F), G)
    from scipy.spatial import cKDTree

    chord = 2 * math.sin(min(inst.max_km / (2 * EARTH_KM), math.pi / 2))
    tree = cKDTree(_xyz(inst.flon, inst.flat))
    hits = tree.query_ball_point(_xyz(inst.glon, inst.glat), chord * (1 + 1e-9), return_sorted=True)
    counts = np.fromiter((len(h) for h in hits), dtype=np.int64, count=G)
    pf = np.fromiter((j for h in hits for j in h), dtype=np.int64, count=int(counts.sum()))
    return np.repeat(np.arange(G), counts), pf


def build_pairs(inst: Instance) -> Pairs:
    """Every pair that can take at least its factory's MOQ before the group's deadline."""
    G, F, W = inst.shape
    cumfree = np.cumsum(inst.free, axis=1) if W else np.zeros((F, 0), dtype=np.int64)
    cand_g, cand_f = _candidate_pairs(inst)
    parts = []
    step = max(1, 4_000_000)
    for lo in range(0, len(cand_g), step):
        g, f = cand_g[lo : lo + step], cand_f[lo : lo + step]
        last_day = inst.deadline[g] - WEEK_DAYS - inst.lead[f]
        cutoff = np.searchsorted(inst.week_start, last_day, side="right") - 1
        ok = cutoff >= 0
        g, f, cutoff = g[ok], f[ok], cutoff[ok]
        upper = np.minimum(inst.demand[g], cumfree[f, cutoff])
        ok = upper >= inst.moq[f]
        g, f, cutoff, upper = g[ok], f[ok], cutoff[ok], upper[ok]
        dist = haversine_km(inst.glon[g], inst.glat[g], inst.flon[f], inst.flat[f])
        if inst.max_km is not None:
            ok = dist <= inst.max_km
            g, f, cutoff, upper, dist = g[ok], f[ok], cutoff[ok], upper[ok], dist[ok]
        cost = inst.price[f, inst.garment[g]] + inst.transport * dist
        parts.append((g, f, cutoff, cost, dist, upper))
    if parts:
        g, f, cutoff, cost, dist, upper = (np.concatenate(c) for c in zip(*parts))
    else:
        g = f = cutoff = upper = np.zeros(0, dtype=np.int64)
        cost = dist = np.zeros(0)
    order = np.lexsort((f, cost, g))
    g, f, cutoff, cost, dist, upper = (a[order] for a in (g, f, cutoff, cost, dist, upper))
    start = np.searchsorted(g, np.arange(G + 1))
    return Pairs(g=g, f=f, cutoff=cutoff, cost=cost, dist=dist, upper=upper, start=start)


# -- the LP, by column generation ---------------------------------------------------------


def _pair_columns(inst: Instance, pairs: Pairs, idx: np.ndarray):
    """CSC pieces for the pair columns ``idx``: starts, row indices, values (2 per column)."""
    G, _, W = inst.shape
    n = len(idx)
    rows = np.empty(2 * n, dtype=np.int32)
    rows[0::2] = pairs.g[idx]
    rows[1::2] = G + pairs.f[idx] * W + pairs.cutoff[idx]
    return np.arange(0, 2 * n, 2, dtype=np.int32), rows, np.ones(2 * n)


def _base_columns(inst: Instance):
    """Unmet u[g] (one entry) and carry r[f,k], k < W-1 (+1 in week k, -1 in week k+1)."""
    G, F, W = inst.shape
    nr = F * max(W - 1, 0)
    fk = np.arange(F * W).reshape(F, W)[:, :-1].ravel() if W > 1 else np.zeros(0, dtype=np.int64)
    starts = np.concatenate([np.arange(G), G + 2 * np.arange(nr)]).astype(np.int32)
    rows = np.empty(G + 2 * nr, dtype=np.int32)
    rows[:G] = np.arange(G)
    rows[G::2] = G + fk
    rows[G + 1 :: 2] = G + fk + 1
    vals = np.ones(G + 2 * nr)
    vals[G + 1 :: 2] = -1.0
    cost = np.concatenate([np.full(G, inst.penalty), np.zeros(nr)])
    return cost, starts, rows, vals


def _new_highs(time_limit: float | None, threads: int | None = None) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    if threads:
        h.setOptionValue("threads", int(threads))
    if time_limit is not None:
        h.setOptionValue("time_limit", max(0.05, float(time_limit)))
    return h


class FlowLP:
    """The restricted LP of column generation, kept alive for pricing, bounds and re-solves.

    Columns: unmet u[g] and carry r[f,k] first, then the pair columns in ``self.active``
    order. Pairs outside ``active`` are at 0; ``price()`` tells which of them would help.
    """

    def __init__(self, inst: Instance, pairs: Pairs, first: np.ndarray, deadline: float | None):
        G, F, W = inst.shape
        self.inst, self.pairs, self.deadline = inst, pairs, deadline
        base_cost, bstart, brows, bvals = _base_columns(inst)
        self.nb = len(base_cost)
        self.active = np.flatnonzero(first)
        self.col_of = np.full(len(pairs), -1, dtype=np.int64)
        self.col_of[self.active] = self.nb + np.arange(len(self.active))
        pstart, prows, pvals = _pair_columns(inst, pairs, self.active)
        starts = np.concatenate([bstart, len(brows) + pstart]).astype(np.int32)
        rows = np.concatenate([brows, prows]).astype(np.int32)
        vals = np.concatenate([bvals, pvals])
        cost = np.concatenate([base_cost, pairs.cost[self.active]])
        ncol = len(cost)
        row_lo = np.concatenate([inst.demand.astype(float), np.full(F * W, -highspy.kHighsInf)])
        row_hi = np.concatenate([inst.demand.astype(float), inst.free.ravel().astype(float)])
        self.h = _new_highs(self._left())
        self.h.passModel(
            ncol,
            G + F * W,
            len(rows),
            1,
            1,
            0.0,
            cost,
            np.zeros(ncol),
            np.full(ncol, highspy.kHighsInf),
            row_lo,
            row_hi,
            starts,
            rows,
            vals,
            np.zeros(ncol, dtype=np.int32),
        )
        self.h.setOptionValue("solver", LP_SOLVER)
        self.cold = False  # True: every run starts afresh with LP_SOLVER (no warm simplex)
        self.status = "not solved"
        self.last_optimal: np.ndarray | None = None  # pieces of the last restricted LP solved to optimality
        self.iterations = 0
        self.solves = 0

    def _left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.perf_counter()

    def run(self) -> bool:
        """Re-solve from the current basis; True when optimal."""
        left = self._left()
        if left is not None:
            if left <= 0:
                return False
            # HiGHS's time limit counts on its own clock, which runs across calls
            self.h.setOptionValue("time_limit", self.h.getRunTime() + max(0.05, left))
        self.h.run()
        status = self.h.getModelStatus()
        if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit):
            # a warm re-solve that stalls (numerical trouble): once more from scratch, interior point
            self.h.setOptionValue("solver", LP_SOLVER)
            self.h.clearSolver()
            self.h.run()
            status = self.h.getModelStatus()
        self.status = self.h.modelStatusToString(status)
        if not self.cold:  # later re-solves start from this basis
            self.h.setOptionValue("solver", "simplex")
        self.solves += 1
        self.iterations = int(self.h.getInfo().simplex_iteration_count)
        return status == highspy.HighsModelStatus.kOptimal

    def reduced(self) -> np.ndarray:
        """Reduced cost of every pair (in the model or not) under the current duals."""
        G, _, W = self.inst.shape
        p = self.pairs
        y = np.asarray(self.h.getSolution().row_dual)
        return p.cost - y[p.g] - y[G + p.f * W + p.cutoff] if len(p) else np.zeros(0)

    def add(self, idx: np.ndarray) -> None:
        """Bring pairs into the model (at 0, keeping the basis)."""
        idx = np.sort(idx)
        ps, pr, pv = _pair_columns(self.inst, self.pairs, idx)
        self.h.addCols(
            len(idx),
            self.pairs.cost[idx],
            np.zeros(len(idx)),
            np.full(len(idx), highspy.kHighsInf),
            len(pr),
            ps,
            pr,
            pv,
        )
        self.col_of[idx] = self.nb + len(self.active) + np.arange(len(idx))
        self.active = np.concatenate([self.active, idx])

    def bound(self, idx: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        """Set bounds on pair columns (pairs must be in the model)."""
        cols = self.col_of[idx].astype(np.int32)
        self.h.changeColsBounds(
            len(cols), cols, np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
        )

    def amounts(self) -> tuple[np.ndarray, np.ndarray, float]:
        """Integral pieces per pair, unmet per group, LP objective."""
        G = len(self.inst.demand)
        x = np.asarray(self.h.getSolution().col_value)
        amount = np.zeros(len(self.pairs), dtype=np.int64)
        amount[self.active] = np.rint(x[self.nb :]).astype(np.int64)
        return amount, np.rint(x[:G]).astype(np.int64), float(self.h.getInfo().objective_function_value)


def column_generation(lp: FlowLP, progress: Progress | None = None) -> tuple[bool, int, np.ndarray]:
    """Price every pair and add the helpful ones until none is left: (optimal, rounds, reduced)."""
    pairs = lp.pairs
    rounds = 0
    while True:
        rounds += 1
        if not lp.run():
            return False, rounds, np.zeros(len(pairs))
        lp.last_optimal = lp.amounts()[0]  # feasible for the full problem too
        reduced = lp.reduced()
        cand = np.flatnonzero((reduced < -1e-6) & (lp.col_of < 0))
        if progress:
            progress(
                min(0.6, 0.1 + 0.08 * rounds),
                f"LP round {rounds}: {len(lp.active):,} columns, {len(cand):,} more priced in",
            )
        if len(cand) == 0:
            return True, rounds, reduced
        order = cand[np.lexsort((reduced[cand], pairs.g[cand]))]
        gs = pairs.g[order]
        lp.add(order[(np.arange(len(order)) - np.searchsorted(gs, gs)) < ADD_PER_GROUP])


def _capacity_prices(inst: Instance, pairs: Pairs, deadline: float | None) -> np.ndarray | None:
    """Guess the capacity duals z[f*W + k] from the LP of a sample of the groups.

    Every ``SAMPLE_STEP``-th group (or fewer, see ``SAMPLE_PAIRS``) is kept and every
    factory-week gets that share of its free capacity, so the sample is about as tight as
    the whole. Its duals price the scarce factory-weeks well; only the choice of the first columns uses them (column
    generation over every pair still proves the optimum). None when the sample LP fails.
    """
    G = len(inst.demand)
    sub = np.arange(0, G, max(SAMPLE_STEP, math.ceil(len(pairs) / SAMPLE_PAIRS)))
    remap = np.full(G, -1, dtype=np.int64)
    remap[sub] = np.arange(len(sub))
    keep = remap[pairs.g] >= 0
    sg = remap[pairs.g[keep]]
    sinst = Instance(
        demand=inst.demand[sub],
        deadline=inst.deadline[sub],
        garment=inst.garment[sub],
        glon=inst.glon[sub],
        glat=inst.glat[sub],
        lead=inst.lead,
        moq=inst.moq,
        flon=inst.flon,
        flat=inst.flat,
        price=inst.price,
        week_start=inst.week_start,
        free=np.floor(inst.free * (len(sub) / max(G, 1))).astype(np.int64),
        transport=inst.transport,
        penalty=inst.penalty,
        max_km=inst.max_km,
    )
    sp = Pairs(
        g=sg,
        f=pairs.f[keep],
        cutoff=pairs.cutoff[keep],
        cost=pairs.cost[keep],
        dist=pairs.dist[keep],
        upper=pairs.upper[keep],
        start=np.searchsorted(sg, np.arange(len(sub) + 1)),
    )
    lp = FlowLP(sinst, sp, np.ones(len(sp), dtype=bool), deadline)
    if not lp.run():
        return None
    return np.asarray(lp.h.getSolution().row_dual)[len(sub) :]


def first_columns(
    pairs: Pairs, seed: np.ndarray | None, prices: np.ndarray | None = None, weeks: int = 0
) -> np.ndarray:
    """Mask of the first restricted LP: every pair when there are few; else each group's
    best pairs and the seed plan's pairs (column generation brings in the rest). "Best"
    is cheapest by ``cost - prices[f*weeks + cutoff]`` when capacity prices are given
    (see ``_capacity_prices``), else cheapest by cost."""
    P = len(pairs)
    if prices is None and P <= FULL_LP_PAIRS:
        return np.ones(P, dtype=bool)
    if prices is None:
        rank = np.arange(P) - pairs.start[pairs.g] if P else np.zeros(0, dtype=np.int64)
        first = rank < INITIAL_PER_GROUP
    else:
        order = np.lexsort((np.arange(P), pairs.cost - prices[pairs.f * weeks + pairs.cutoff], pairs.g))
        rank = np.empty(P, dtype=np.int64)
        rank[order] = np.arange(P) - pairs.start[pairs.g[order]]
        first = rank < GUIDED_PER_GROUP
    if seed is not None:
        first |= seed > 0
    return first


# -- greedy fill (the baseline, and the repair of an LP solution) --------------------------


def slack_of(inst: Instance, pairs: Pairs, amount: np.ndarray) -> np.ndarray:
    """Cumulative free capacity left per factory and week: free up to k minus used up to k."""
    _, F, W = inst.shape
    used = np.zeros((F, W), dtype=np.int64)
    np.add.at(used, (pairs.f, pairs.cutoff), amount)
    return np.cumsum(inst.free, axis=1) - np.cumsum(used, axis=1)


def fill(inst: Instance, pairs: Pairs, amount: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Give each group in ``order`` as much of its unmet need as fits: top up its open lines,
    then open new lines (cheapest first) of at least the factory's MOQ. Returns new amounts."""
    _, _, W = inst.shape
    amt = amount.astype(np.int64).tolist()
    slack = slack_of(inst, pairs, amount).tolist()
    have = np.zeros(len(inst.demand), dtype=np.int64)
    np.add.at(have, pairs.g, amount)
    need = (inst.demand - have).tolist()
    start = pairs.start.tolist()
    pf, pk = pairs.f.tolist(), pairs.cutoff.tolist()
    pm = inst.moq[pairs.f].tolist()
    for g in order.tolist():
        n = need[g]
        if n <= 0:
            continue
        a, b = start[g], start[g + 1]
        for open_pass in (True, False):
            for p in range(a, b):
                if (amt[p] > 0) != open_pass:
                    continue
                row, k = slack[pf[p]], pk[p]
                q = min(n, min(row[k:]))
                if q <= 0 or (not open_pass and q < pm[p]):
                    continue
                amt[p] += q
                n -= q
                for j in range(k, W):
                    row[j] -= q
                if n == 0:
                    break
            if n == 0:
                break
        need[g] = n
    return np.asarray(amt, dtype=np.int64)


def edf_order(inst: Instance) -> np.ndarray:
    """Groups by deadline, earliest first (ties by group index)."""
    return np.lexsort((np.arange(len(inst.demand)), inst.deadline))


def objective_of(inst: Instance, pairs: Pairs, amount: np.ndarray) -> tuple[float, np.ndarray]:
    """Cost of an allocation (production + transport + penalty) and unmet pieces per group."""
    have = np.zeros(len(inst.demand), dtype=np.int64)
    np.add.at(have, pairs.g, amount)
    unmet = inst.demand - have
    return float(pairs.cost @ amount + inst.penalty * unmet.sum()), unmet


def greedy(inst: Instance, pairs: Pairs) -> Solution:
    """Earliest deadline first; each group takes its cheapest eligible factories in turn."""
    t0 = time.perf_counter()
    amount = fill(inst, pairs, np.zeros(len(pairs), dtype=np.int64), edf_order(inst))
    obj, unmet = objective_of(inst, pairs, amount)
    return Solution(amount, unmet, obj, -math.inf, False, "heuristic", {"seconds": time.perf_counter() - t0})


def moq_violations(inst: Instance, pairs: Pairs, amount: np.ndarray) -> np.ndarray:
    """Indices of pairs with 0 < pieces < MOQ."""
    return np.flatnonzero((amount > 0) & (amount < inst.moq[pairs.f]))


# -- MOQ as a MIP over the pairs that can still matter --------------------------------------


def _carry(inst: Instance, pairs: Pairs, amount: np.ndarray) -> np.ndarray:
    """The smallest feasible carry r[f,k] for an allocation (for a MIP start)."""
    _, F, W = inst.shape
    used = np.zeros((F, W), dtype=np.int64)
    np.add.at(used, (pairs.f, pairs.cutoff), amount)
    r = np.zeros((F, max(W - 1, 0)), dtype=np.int64)
    need = np.zeros(F, dtype=np.int64)
    for k in range(W - 1, 0, -1):
        need = np.maximum(0, used[:, k] - inst.free[:, k] + need)
        r[:, k - 1] = need
    return r.ravel()


def solve_mip(
    inst: Instance,
    pairs: Pairs,
    keep: np.ndarray,
    start: np.ndarray,
    time_limit: float | None,
    rel_gap: float,
) -> tuple[np.ndarray | None, dict]:
    """Exact MOQ model over the pairs ``keep`` (others fixed at 0), warm-started at ``start``."""
    G, F, W = inst.shape
    base_cost, bstart, brows, bvals = _base_columns(inst)
    nb, nk = len(base_cost), len(keep)
    moq = inst.moq[pairs.f[keep]]
    upper = pairs.upper[keep]
    mo = np.flatnonzero(moq > 1)  # kept pairs that need a binary
    nm = len(mo)
    link0 = G + F * W  # link rows: 2 per binary
    # pair columns: demand row, capacity row, and two link rows when the pair has a MOQ
    ps, pr, pv = _pair_columns(inst, pairs, keep)
    per = np.full(nk, 2, dtype=np.int64)
    per[mo] = 4
    pstart = np.concatenate([[0], np.cumsum(per)[:-1]])
    prow = np.empty(int(per.sum()), dtype=np.int32)
    pval = np.ones(len(prow))
    prow[pstart] = pr[0::2]
    prow[pstart + 1] = pr[1::2]
    prow[pstart[mo] + 2] = link0 + 2 * np.arange(nm)
    prow[pstart[mo] + 3] = link0 + 2 * np.arange(nm) + 1
    ystart = np.arange(nm) * 2
    yrow = np.empty(2 * nm, dtype=np.int32)
    yrow[0::2] = link0 + 2 * np.arange(nm)
    yrow[1::2] = link0 + 2 * np.arange(nm) + 1
    yval = np.empty(2 * nm)
    yval[0::2] = -moq[mo]
    yval[1::2] = -upper[mo]
    starts = np.concatenate([bstart, len(brows) + pstart, len(brows) + len(prow) + ystart]).astype(np.int32)
    rows = np.concatenate([brows, prow, yrow]).astype(np.int32)
    vals = np.concatenate([bvals, pval, yval])
    ncol = nb + nk + nm
    cost = np.concatenate([base_cost, pairs.cost[keep], np.zeros(nm)])
    col_hi = np.concatenate([np.full(nb, highspy.kHighsInf), upper.astype(float), np.ones(nm)])
    row_lo = np.concatenate(
        [
            inst.demand.astype(float),
            np.full(F * W, -highspy.kHighsInf),
            np.tile([0.0, -highspy.kHighsInf], nm),
        ]
    )
    row_hi = np.concatenate(
        [inst.demand.astype(float), inst.free.ravel().astype(float), np.tile([highspy.kHighsInf, 0.0], nm)]
    )
    integrality = np.concatenate([np.zeros(nb + nk, dtype=np.int32), np.ones(nm, dtype=np.int32)])
    h = _new_highs(time_limit)
    h.setOptionValue("mip_rel_gap", rel_gap)
    h.passModel(
        ncol,
        len(row_lo),
        len(rows),
        1,
        1,
        0.0,
        cost,
        np.zeros(ncol),
        col_hi,
        row_lo,
        row_hi,
        starts,
        rows,
        vals,
        integrality,
    )
    _, unmet0 = objective_of(inst, pairs, start)
    x0 = np.concatenate(
        [unmet0, _carry(inst, pairs, start), start[keep], (start[keep][mo] > 0).astype(np.int64)]
    ).astype(float)
    h.setSolution(ncol, np.arange(ncol, dtype=np.int32), x0)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    stats = {
        "mip_status": h.modelStatusToString(status),
        "mip_columns": ncol,
        "mip_binaries": nm,
        "mip_rows": len(row_lo),
        "mip_nodes": int(info.mip_node_count),
        "mip_gap": float(info.mip_gap),
        "mip_dual_bound": float(info.mip_dual_bound),
        "optimal": status == highspy.HighsModelStatus.kOptimal,
    }
    if info.primal_solution_status != 2:  # no feasible point
        return None, stats
    x = np.asarray(h.getSolution().col_value)
    amount = np.zeros(len(pairs), dtype=np.int64)
    amount[keep] = np.floor(x[nb : nb + nk] + 1e-6).astype(np.int64)
    return amount, stats


# -- the whole "optimal" method -------------------------------------------------------------


def feasible(inst: Instance, pairs: Pairs, amount: np.ndarray) -> bool:
    """True when an allocation meets demand (at most), cumulative capacity and MOQ."""
    have = np.zeros(len(inst.demand), dtype=np.int64)
    np.add.at(have, pairs.g, amount)
    return bool(
        (amount >= 0).all()
        and (have <= inst.demand).all()
        and (slack_of(inst, pairs, amount) >= 0).all()
        and len(moq_violations(inst, pairs, amount)) == 0
    )


def dive(lp: FlowLP, amount: np.ndarray, rounds: int = 30) -> np.ndarray:
    """Round the LP until every line meets its MOQ; returns an allocation that does.

    Each round, in every group the one line below its MOQ that is furthest towards it
    (at least half way) is held at >= MOQ, the group's other short lines at 0, and the
    LP is re-solved from its basis. Held lines stay held, so short lines run out. Lines
    still short after ``rounds`` are dropped (the caller fills the gap greedily).
    """
    inst, pairs = lp.inst, lp.pairs
    held = np.zeros(len(inst.demand), dtype=np.int64)  # pieces held up per group
    for _ in range(rounds):
        bad = moq_violations(inst, pairs, amount)
        if len(bad) == 0:
            return amount
        moq = inst.moq[pairs.f[bad]]
        g = pairs.g[bad]
        ratio = amount[bad] / moq
        order = np.lexsort((-ratio, g))
        first = np.zeros(len(bad), dtype=bool)
        first[order[np.r_[True, g[order][1:] != g[order][:-1]]]] = True
        up = first & (ratio >= 0.5) & (held[g] + moq <= inst.demand[g])
        lp.bound(bad, np.where(up, moq, 0), np.where(up, highspy.kHighsInf, 0))
        if not lp.run():  # holding those lines up does not fit: drop them instead
            lp.bound(bad[up], np.zeros(up.sum()), np.zeros(up.sum()))
            up[:] = False
            if not lp.run():
                break
        np.add.at(held, g[up], moq[up])
        amount = lp.amounts()[0]
    amount = amount.copy()
    amount[moq_violations(inst, pairs, amount)] = 0
    return amount


def polish(lp: FlowLP, amount: np.ndarray, tries: int = 2, max_groups: int = 15) -> np.ndarray:
    """Improve an MOQ-feasible allocation by LP moves that keep every MOQ.

    First the flow is re-optimised over the plan's open lines (each held at >= its MOQ,
    every other pair at 0): chains of moves that place unmet pieces, which a greedy step
    does not find. Then, for groups still short, a new line is tried at each of their
    few cheapest closed pairs (held at >= MOQ) and kept when the cost falls. Every step
    is a warm re-solve, and every allocation it returns meets every MOQ.
    """
    inst, pairs = lp.inst, lp.pairs
    missing = np.flatnonzero((amount > 0) & (lp.col_of < 0))
    if len(missing):
        lp.add(missing)
    idx = lp.active
    is_open = np.zeros(len(pairs), dtype=bool)
    is_open[amount > 0] = True
    moq = inst.moq[pairs.f].astype(float)
    lp.bound(idx, np.where(is_open[idx], moq[idx], 0.0), np.where(is_open[idx], highspy.kHighsInf, 0.0))
    if not lp.run():
        return amount
    best, unmet, obj = lp.amounts()
    for g in np.argsort(-unmet, kind="stable")[:max_groups]:
        if unmet[g] <= 0 or lp._left() is not None and lp._left() <= 0:
            break
        span = np.arange(pairs.start[g], pairs.start[g + 1])
        for p in span[~is_open[span]][:tries]:
            if lp.col_of[p] < 0:
                lp.add(np.array([p]))
            lp.bound(np.array([p]), np.array([moq[p]]), np.array([highspy.kHighsInf]))
            if lp.run() and lp.amounts()[2] < obj - 1e-6:
                best, unmet, obj = lp.amounts()
                is_open[p] = True
                break
            lp.bound(np.array([p]), np.zeros(1), np.zeros(1))
    if (
        feasible(inst, pairs, best)
        and objective_of(inst, pairs, best)[0] < objective_of(inst, pairs, amount)[0]
    ):
        return best
    return amount


def optimise(
    inst: Instance,
    pairs: Pairs,
    time_limit: float | None = None,
    rel_gap: float = 1e-6,
    progress: Progress | None = None,
    seed: Solution | None = None,
) -> Solution:
    """Best plan under capacity, deadlines and MOQ: LP by column generation, then the MIP.

    Parameters
    ----------
    inst, pairs : Instance, Pairs
        The problem and its eligible pairs (``build_pairs(inst)``).
    time_limit : float, optional
        Seconds for the whole solve. When it runs out, the best plan found is returned
        with ``proven=False``.
    rel_gap : float
        Relative gap to the LP bound at which a plan counts as optimal.
    seed : Solution, optional
        A feasible plan (the greedy one): its pairs start the column generation and it is
        the plan to beat.

    Returns
    -------
    Solution
        ``proven`` is True when the plan is optimal (within ``rel_gap``).

    Examples
    --------
    >>> sol = optimise(inst, build_pairs(inst), time_limit=10)  # doctest: +SKIP
    """
    t0 = time.perf_counter()
    deadline = None if time_limit is None else t0 + time_limit
    say = progress or (lambda f, m: None)
    seed = seed or greedy(inst, pairs)
    best, best_obj = seed.amount, seed.objective
    say(0.05, f"LP: {len(pairs):,} eligible pairs")
    prices = _capacity_prices(inst, pairs, deadline) if len(pairs) >= GUIDED_MIN_PAIRS else None
    lp = FlowLP(inst, pairs, first_columns(pairs, seed.amount, prices, inst.shape[2]), deadline)
    optimal, rounds, reduced = column_generation(lp, progress)
    stats = {
        "pairs": len(pairs),
        "lp_rounds": rounds,
        "lp_columns": len(lp.active),
        "lp_status": lp.status,
        "lp_seconds": round(time.perf_counter() - t0, 4),
        "lp_optimal": optimal,
    }
    if not optimal:
        if lp.last_optimal is not None:  # the last restricted LP, with short lines dropped and refilled
            cand = lp.last_optimal.copy()
            cand[moq_violations(inst, pairs, cand)] = 0
            cand = fill(inst, pairs, cand, edf_order(inst))
            obj = objective_of(inst, pairs, cand)[0]
            stats["restricted_lp_objective"] = obj
            if obj < best_obj and feasible(inst, pairs, cand):
                best, best_obj = cand, obj
        say(0.9, "time limit reached in the LP: best plan so far")
        return Solution(
            best, objective_of(inst, pairs, best)[1], best_obj, -math.inf, False, "time_limit", stats
        )
    amount, _, lower = lp.amounts()
    stats["lp_objective"] = lower
    bad = moq_violations(inst, pairs, amount)
    stats["lp_moq_violations"] = int(len(bad))
    if len(bad) == 0 and feasible(inst, pairs, amount):
        say(1.0, "the LP optimum meets every MOQ: optimal")
        obj, unmet = objective_of(inst, pairs, amount)
        return Solution(amount, unmet, obj, lower, True, "optimal", stats)
    say(0.65, f"{len(bad):,} lines below MOQ: rounding the LP")
    lp.deadline = (
        time.perf_counter() + ROUNDING_SECONDS
        if deadline is None
        else min(deadline, time.perf_counter() + ROUNDING_SECONDS)
    )
    rounded = fill(inst, pairs, dive(lp, amount), edf_order(inst))
    rounded = fill(inst, pairs, polish(lp, rounded), edf_order(inst))
    lp.deadline = deadline
    obj = objective_of(inst, pairs, rounded)[0]
    stats.update(dive_objective=obj, dive_solves=lp.solves)
    if obj < best_obj and feasible(inst, pairs, rounded):
        best, best_obj = rounded, obj
    tol = rel_gap * max(1.0, abs(lower))
    if best_obj - lower <= tol:
        obj, unmet = objective_of(inst, pairs, best)
        return Solution(best, unmet, obj, lower, True, "optimal", stats)
    # reduced-cost fixing: a pair with reduced * MOQ > UB - LB cannot be in a better plan
    keep = np.flatnonzero((reduced * inst.moq[pairs.f] <= best_obj - lower + tol) | (best > 0))
    stats["mip_pairs"] = int(len(keep))
    if len(keep) > MAX_MIP_PAIRS or (deadline is not None and deadline - time.perf_counter() < 0.1):
        obj, unmet = objective_of(inst, pairs, best)
        return Solution(best, unmet, obj, lower, False, "gap", stats)  # LP + rounding, gap reported
    say(0.75, f"MIP over {len(keep):,} pairs (the rest cannot improve the plan)")
    left = MIP_SECONDS if deadline is None else min(MIP_SECONDS, deadline - time.perf_counter())
    amount, mstats = solve_mip(inst, pairs, keep, best, left, rel_gap)
    stats.update(mstats)
    if (
        amount is not None
        and feasible(inst, pairs, amount)
        and objective_of(inst, pairs, amount)[0] <= best_obj
    ):
        best = amount
    obj, unmet = objective_of(inst, pairs, best)
    proven = bool(mstats["optimal"])
    bound = max(lower, mstats["mip_dual_bound"]) if proven else lower
    say(1.0, "optimal" if proven else "time limit: best plan found")
    return Solution(best, unmet, obj, min(bound, obj), proven, "optimal" if proven else "time_limit", stats)


# -- weeks and sizes ------------------------------------------------------------------------


def schedule(inst: Instance, pairs: Pairs, amount: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split each pair's pieces over weeks, earliest deadline first per factory.

    Returns (pair index, week index, pieces) of every non-empty pair-week. Feasible
    whenever the allocation meets the cumulative capacity constraints.
    """
    _, F, W = inst.shape
    lines = np.flatnonzero(amount > 0)
    if len(lines) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    f, k = pairs.f[lines], pairs.cutoff[lines]
    dl = inst.deadline[pairs.g[lines]]
    order = np.lexsort((pairs.g[lines], dl, k, f))
    lines, f = lines[order], f[order]
    q = amount[lines]
    csum = np.cumsum(q)
    first = np.searchsorted(f, f)  # first line of the same factory
    before = np.where(first > 0, csum[first - 1], 0)
    end = csum - before
    beg = end - q
    cap = np.cumsum(inst.free, axis=1)[f]  # (L, W) cumulative capacity of the line's factory
    w_first = (cap <= beg[:, None]).sum(axis=1)
    w_last = np.minimum((cap < end[:, None]).sum(axis=1), W - 1)
    span = w_last - w_first + 1
    li = np.repeat(np.arange(len(lines)), span)
    wk = w_first[li] + (np.arange(len(li)) - np.repeat(np.cumsum(span) - span, span))
    cap_hi = cap[li, wk]
    cap_lo = np.where(wk > 0, cap[li, np.maximum(wk - 1, 0)], 0)
    pieces = np.minimum(end[li], cap_hi) - np.maximum(beg[li], cap_lo)
    ok = pieces > 0
    return lines[li[ok]], wk[ok], pieces[ok]


def split_sizes(line_group: np.ndarray, line_qty: np.ndarray, size_counts: np.ndarray) -> np.ndarray:
    """Split every line's pieces over sizes so that rows and size totals are exact.

    ``size_counts`` is (G, S): pieces per group and size; lines are taken in order, each
    gets its share of what its group has left, by largest remainder (ties: smaller size
    index first). Returns (L, S) integer pieces; a group's lines must sum to at most its
    demand, and if they sum to exactly its demand the size totals match exactly.
    """
    L = len(line_group)
    S = size_counts.shape[1] if size_counts.ndim == 2 else 0
    out = np.zeros((L, S), dtype=np.int64)
    if L == 0 or S == 0:
        return out
    left = size_counts.astype(np.int64).copy()
    order = np.lexsort((np.arange(L), line_group))
    grp = line_group[order]
    rank = np.arange(L) - np.searchsorted(grp, grp)
    for r in range(int(rank.max()) + 1):
        sel = order[rank == r]
        g = line_group[sel]
        q = line_qty[sel].astype(np.int64)
        rem = left[g]
        tot = rem.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            quota = np.where(tot[:, None] > 0, rem * (q / np.maximum(tot, 1))[:, None], 0.0)
        base = np.minimum(np.floor(quota + 1e-9).astype(np.int64), rem)
        short = q - base.sum(axis=1)
        frac = quota - base
        frac[base >= rem] = -1.0  # a size with nothing left cannot take more
        pos = np.argsort(-frac, axis=1, kind="stable").argsort(axis=1, kind="stable")
        extra = (pos < short[:, None]) & (frac >= 0)
        take = base + extra
        out[sel] = take
        left[g] -= take
    return out
