"""The LP relaxation of pooled planning as a min-cost flow, its node potentials, bound and prices.

Network: a node per group, per factory-week and one sink. A group sends its demand along
a pair arc to the node of (factory, the pair's cutoff week), or along its unmet arc
(cost: the penalty) to the sink. Factory-week k passes pieces to week k-1 over a chain arc
(cost 0, "made earlier") and to the sink over its exit arc, whose capacity is that week's
free capacity. A pair may so use any week up to its cutoff: the cumulative capacity rows
of the LP. Costs are CNY per piece times ``scale`` rounded to integers (OR-Tools needs
integers); the scale is the largest power of ten that keeps every product in int64.

Node potentials p (prices) come from the optimal flow: equal across every arc strictly
between its bounds (connected components), then the components are placed by a
Bellman-Ford pass on the contracted residual graph. For any p, Lagrangian duality gives
a bound that needs no optimality::

    LB(p) = sum_v supply_v p_v + sum_arcs capacity_a * min(0, cost_a - p_tail + p_head)

computed with the exact (float) CNY costs, so it is rigorous whatever the rounding; at
the optimal p it equals the LP optimum. ``cost - p_g + p_fk`` prices every pair, also the
ones left out of a restricted network (column generation adds those that price below 0).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components

from supply.planning.flow_worker import solve_flow
from supply.planning.instance import Instance, Pairs, dot

INT64_ROOM = 2**62
MAX_SCALE = 1e6  # CNY x 1e6: the flow's objective matched HiGHS's LP to 1e-15 on the bench cases
SAMPLE_STEP = 5  # without a warm start, capacity prices are guessed on every 5th group


def cost_scale(inst: Instance, pairs: Pairs) -> float:
    """Largest power of ten (at most 1e6) by which CNY costs can be multiplied in int64.

    OR-Tools' cost scaling multiplies costs by (nodes + 1), and the objective is
    pieces x cost; both must stay below 2**62.
    """
    G, F, W = inst.shape
    top = max(float(inst.penalty), float(pairs.cost.max()) if len(pairs) else 0.0, 1.0)
    pieces = max(int(inst.demand.sum()), 1)
    nodes = G + F * W + 2
    scale = MAX_SCALE
    while scale > 1 and top * scale * max(nodes + 1, pieces) * 4 > INT64_ROOM:
        scale /= 10
    return scale


@dataclass
class Network:
    """The arcs of one (possibly restricted) flow network and its solution."""

    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray  # capacity given to the solver
    bound_caps: np.ndarray  # capacity used in the bound (tight: any plan stays within it)
    icost: np.ndarray  # integer cost (CNY x scale)
    fcost: np.ndarray  # exact CNY cost
    supply: np.ndarray
    n_pairs: int  # arcs 0..n_pairs-1 are the pair arcs ``idx``
    idx: np.ndarray  # pair index of each pair arc
    flows: np.ndarray | None = None


def build_network(inst: Instance, pairs: Pairs, idx: np.ndarray, scale: float) -> Network:
    """The flow network over the pairs ``idx`` (every group, factory-week and the sink)."""
    G, F, W = inst.shape
    sink = G + F * W
    fk = np.arange(F * W, dtype=np.int64).reshape(F, W)
    cum = np.cumsum(inst.free, axis=1)
    big = int(inst.demand.sum()) + 1
    d = inst.demand
    chain_t = (G + fk[:, 1:]).ravel()
    chain_h = (G + fk[:, :-1]).ravel()
    tails = np.concatenate([pairs.g[idx], np.arange(G), chain_t, G + fk.ravel()])
    heads = np.concatenate(
        [G + pairs.f[idx] * W + pairs.cutoff[idx], np.full(G, sink), chain_h, np.full(F * W, sink)]
    )
    # pair and unmet arcs may carry the whole demand: one more than it keeps them off their
    # upper bound (so the potentials see them as free); the bound uses the tight value
    caps = np.concatenate([d[pairs.g[idx]] + 1, d + 1, np.full(len(chain_t), big), inst.free.ravel()])
    bound_caps = np.concatenate([d[pairs.g[idx]], d, cum[:, :-1].ravel(), inst.free.ravel()])
    fcost = np.concatenate([pairs.cost[idx], np.full(G, float(inst.penalty)), np.zeros(len(chain_t) + F * W)])
    icost = np.rint(fcost * scale).astype(np.int64)
    supply = np.concatenate([d, np.zeros(F * W, dtype=np.int64), [-int(d.sum())]])
    return Network(
        tails.astype(np.int64), heads, caps, bound_caps, icost, fcost, supply, len(idx), np.asarray(idx)
    )


def potentials(net: Network) -> np.ndarray:
    """Optimal node potentials (int, in cost units) of a solved network.

    Every arc strictly between 0 and its capacity has reduced cost 0, which fixes the
    potentials within each connected component of such arcs (a spanning-tree walk); the
    components are then placed by Bellman-Ford on the residual arcs between them.
    """
    n = len(net.supply)
    t, h, c, x = net.tails, net.heads, net.icost, net.flows
    free = (x > 0) & (x < net.caps)
    ft, fh, fc = t[free], h[free], c[free]
    adj = coo_matrix((np.ones(len(ft)), (ft, fh)), shape=(n, n)).tocsr()
    ncomp, label = connected_components(adj, directed=False)
    roots = np.unique(label, return_index=True)[1]
    # a super node n joined to every component's root: one breadth-first walk covers all
    rt = np.concatenate([ft, np.full(ncomp, n)])
    rh = np.concatenate([fh, roots])
    walk = coo_matrix((np.ones(len(rt)), (rt, rh)), shape=(n + 1, n + 1)).tocsr()
    order, pred = breadth_first_order(walk, n, directed=False, return_predecessors=True)
    # scipy returns int32 node numbers: u * n + v overflows them once n > 46,341 (the large
    # bench case, n = 58,001, whose prices so never settled); keys are int64
    order, pred = order.astype(np.int64), pred.astype(np.int64)
    # potential step from pred to node: arc pred->node (p_node = p_pred - c) or node->pred (+c)
    key = ft.astype(np.int64) * n + fh
    srt = np.argsort(key, kind="stable")
    key_s, c_s = key[srt], fc[srt]
    nodes = order[1:]
    pr = pred[nodes]
    step = np.zeros(n + 1, dtype=np.int64)
    tree = pr < n
    u, v = pr[tree], nodes[tree]
    fwd = np.searchsorted(key_s, u * n + v)
    fwd_ok = (fwd < len(key_s)) & (key_s[np.minimum(fwd, len(key_s) - 1)] == u * n + v)
    bwd = np.minimum(np.searchsorted(key_s, v * n + u), len(key_s) - 1)
    step_v = np.where(fwd_ok, -c_s[np.minimum(fwd, len(key_s) - 1)], c_s[bwd])
    step[v] = step_v
    q = np.zeros(n + 1, dtype=np.int64)
    ql, pl_, sl = q.tolist(), pred.tolist(), step.tolist()
    for node in nodes.tolist():  # breadth-first: every predecessor comes first
        p_ = pl_[node]
        ql[node] = (ql[p_] if p_ < n else 0) + sl[node]
    q = np.asarray(ql[:n], dtype=np.int64)
    # residual arcs between components: D[b] <= D[a] + w, with p = q - D[label]
    rq = c - q[t] + q[h]  # reduced cost under q
    lt, lh = label[t], label[h]
    cross = lt != lh
    fwd_m = cross & (x < net.caps)
    bwd_m = cross & (x > 0)
    a = np.concatenate([lt[fwd_m], lh[bwd_m]])
    b = np.concatenate([lh[fwd_m], lt[bwd_m]])
    w = np.concatenate([rq[fwd_m], -rq[bwd_m]])
    D = np.zeros(ncomp, dtype=np.int64)
    for _ in range(ncomp + 1):
        cand = D[a] + w
        new = D.copy()
        np.minimum.at(new, b, cand)
        if (new == D).all():
            break
        D = new
    else:  # not settled: the flow was not optimal (a negative residual cycle)
        raise PotentialsUnsettled(q - D[label])
    return q - D[label]


class PotentialsUnsettled(RuntimeError):
    """Bellman-Ford did not settle; ``p`` is the last (still valid for a bound) set of prices."""

    def __init__(self, p: np.ndarray):
        super().__init__("node potentials did not settle: the LP is not certified")
        self.p = p


def check_potentials(net: Network, p: np.ndarray) -> int:
    """Number of arcs whose reduced cost breaks optimality (0 for optimal potentials)."""
    r = net.icost - p[net.tails] + p[net.heads]
    return int(((r < 0) & (net.flows < net.caps)).sum() + ((r > 0) & (net.flows > 0)).sum())


def lower_bound(inst: Instance, pairs: Pairs, p: np.ndarray, scale: float) -> float:
    """Rigorous lower bound (CNY) on every plan, MOQ or not, from any node potentials ``p``.

    Lagrangian bound over the full network (every pair, in a restricted network or not),
    with exact float costs: valid for any p; equal to the LP optimum at optimal p.
    """
    G, F, W = inst.shape
    net = build_network(inst, pairs, np.arange(len(pairs)), 1.0)
    pf = p.astype(float) / scale
    r = net.fcost - pf[net.tails] + pf[net.heads]
    return dot(net.supply, pf) + float((net.bound_caps * np.minimum(r, 0.0)).sum())


def reduced_costs(inst: Instance, pairs: Pairs, p: np.ndarray, scale: float) -> np.ndarray:
    """Reduced cost (CNY per piece) of every pair under potentials ``p``."""
    G, _, W = inst.shape
    pf = p.astype(float) / scale
    return pairs.cost - pf[pairs.g] + pf[G + pairs.f * W + pairs.cutoff]


@dataclass
class FlowResult:
    """The LP optimum (or the best restricted one): pieces, potentials, bound and effort."""

    amount: np.ndarray  # (P,) pieces per pair
    unmet: np.ndarray  # (G,)
    objective: float  # CNY, exact costs of ``amount``
    potentials: np.ndarray  # int, cost units (CNY x scale)
    scale: float
    bound: float  # rigorous lower bound (CNY)
    optimal: bool  # True: the LP over every pair solved (to ``lp_tol`` of the rigorous bound)
    rounds: int
    columns: int
    reduced: np.ndarray  # (P,) CNY per piece
    active: np.ndarray  # pair indices of the last network


def solve_network(
    inst: Instance,
    pairs: Pairs,
    idx: np.ndarray,
    scale: float,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> tuple[Network, np.ndarray]:
    """Solve the flow over pairs ``idx``: the network (with flows), its potentials, and whether
    they settled (False: a bound from them is still valid, but not the LP optimum)."""
    net = build_network(inst, pairs, idx, scale)
    net.flows, _ = solve_flow(
        net.tails, net.heads, net.caps, net.icost, net.supply, should_stop=should_stop, deadline=deadline
    )
    try:
        return net, potentials(net), True
    except PotentialsUnsettled as exc:
        return net, exc.p, False


INITIAL_PER_GROUP = 6  # pairs per group in the first restricted network (cheapest, or best priced)
ADD_PER_GROUP = 6  # at most this many priced-out pairs per group and round
FULL_PAIRS = 150_000  # up to this many pairs the first network holds them all
MAX_ROUNDS = 40  # work budget of column generation (rounds, not seconds)
# before a further round, the network keeps only the pairs with flow, priced at <= 0, or among
# their group's KEEP_PER_GROUP best priced (column deletion; the bound still prices every pair,
# so a deleted pair comes back when it prices in): round 2 of large is a flow over ~1/3 of
# round 1's pairs
KEEP_PER_GROUP = 4
# the restricted LP counts as solved once within this of the rigorous bound over every pair:
# the pairs still priced in could lower it by at most that much (middle, round 1: 2.5e-7;
# large: each further round is a whole OR-Tools solve, ~14 CPU-s, for < 1e-6)
LP_TOL = 1e-6


def first_columns(
    inst: Instance, pairs: Pairs, seed: np.ndarray | None, warm: np.ndarray | None, scale: float
) -> np.ndarray:
    """Mask of the first restricted network: every pair when there are few; else each group's
    best pairs (by reduced cost under the warm potentials, else by cost) and the seed's lines."""
    P = len(pairs)
    if warm is None and P <= FULL_PAIRS:
        return np.ones(P, dtype=bool)
    key = pairs.cost if warm is None else reduced_costs(inst, pairs, warm, scale)
    order = np.lexsort((np.arange(P), key, pairs.g))
    rank = np.empty(P, dtype=np.int64)
    rank[order] = np.arange(P) - pairs.start[pairs.g[order]]
    first = rank < INITIAL_PER_GROUP
    if warm is not None:
        first |= key <= 1e-9
    if seed is not None:
        first |= seed > 0
    return first


def sample_prices(
    inst: Instance,
    pairs: Pairs,
    scale: float,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> np.ndarray:
    """Potentials guessed from the flow of every ``SAMPLE_STEP``-th group on that share of the
    capacity (group potentials 0): they rank each group's pairs for the first network only."""
    G, F, W = inst.shape
    sub = np.arange(0, G, SAMPLE_STEP)
    remap = np.full(G, -1, dtype=np.int64)
    remap[sub] = np.arange(len(sub))
    keep = remap[pairs.g] >= 0
    sg = remap[pairs.g[keep]]
    sinst = Instance(
        **{
            **{k: getattr(inst, k) for k in ("lead", "moq", "flon", "flat", "price", "week_start")},
            **{k: getattr(inst, k)[sub] for k in ("demand", "deadline", "garment", "glon", "glat")},
            "free": np.floor(inst.free * (len(sub) / max(G, 1))).astype(np.int64),
            "transport": inst.transport,
            "penalty": inst.penalty,
            "max_km": inst.max_km,
        }
    )
    sp = Pairs(
        **{k: getattr(pairs, k)[keep] for k in ("f", "cutoff", "cost", "dist", "upper")},
        g=sg,
        start=np.searchsorted(sg, np.arange(len(sub) + 1)),
    )
    _, p, _ = solve_network(sinst, sp, np.arange(len(sp)), scale, should_stop, deadline)
    return np.concatenate([np.zeros(G, dtype=np.int64), p[len(sub) :]])


def solve_lp(
    inst: Instance,
    pairs: Pairs,
    seed: np.ndarray | None = None,
    warm: np.ndarray | None = None,
    progress: Callable[[float, str], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
    max_rounds: int = MAX_ROUNDS,
    lp_tol: float = LP_TOL,
) -> FlowResult:
    """The LP relaxation by column generation over min-cost flows, with a rigorous bound.

    Parameters
    ----------
    inst, pairs : Instance, Pairs
    seed : array, optional
        A plan whose lines join the first network.
    warm : array, optional
        Node potentials of a previous, similar solve (a what-if): they choose the first
        network. The bound and ``optimal`` never depend on them (pricing covers every pair).
    max_rounds : int
        Work budget in rounds; ``optimal`` is False when it runs out first.
    lp_tol : float
        Stop once the restricted LP is within this (relative) of the bound over every
        pair; ``optimal`` then means "solved to ``lp_tol``" (0: no pair prices below 0).

    Returns
    -------
    FlowResult

    Examples
    --------
    >>> lp = solve_lp(inst, build_pairs(inst))  # doctest: +SKIP
    >>> lp.bound <= lp.objective  # doctest: +SKIP
    True
    """
    G, F, W = inst.shape
    scale = cost_scale(inst, pairs)
    if warm is None and len(pairs) > FULL_PAIRS:
        warm = sample_prices(inst, pairs, scale, should_stop, deadline)
    active = first_columns(inst, pairs, seed, warm, scale)
    best_bound = -np.inf
    rounds, optimal = 0, False
    while True:
        rounds += 1
        idx = np.flatnonzero(active)
        net, p, settled = solve_network(inst, pairs, idx, scale, should_stop, deadline)
        reduced = reduced_costs(inst, pairs, p, scale)
        best_bound = max(best_bound, lower_bound(inst, pairs, p, scale))
        icost = np.rint(pairs.cost * scale).astype(np.int64)
        exact = icost - p[pairs.g] + p[G + pairs.f * W + pairs.cutoff]  # the network's own prices
        cand = np.flatnonzero((exact < 0) & ~active)
        if progress:
            progress(
                min(0.5, 0.05 + 0.08 * rounds),
                f"flow round {rounds}: {len(idx):,} pairs, {len(cand):,} more priced in",
            )
        if not settled:  # prices not certified: the bound stays valid, the LP is not proven
            break
        restricted = dot(pairs.cost[idx], net.flows[: len(idx)]) + float(
            inst.penalty * net.flows[len(idx) : len(idx) + G].sum()
        )
        if len(cand) == 0 or restricted - best_bound <= lp_tol * abs(restricted):
            optimal = True
            break
        if rounds >= max_rounds:
            break
        used = np.zeros(len(pairs), dtype=bool)
        used[idx[net.flows[: len(idx)] > 0]] = True
        by_price = np.lexsort((np.arange(len(pairs)), np.where(active, exact, INT64_ROOM), pairs.g))
        rank = np.empty(len(pairs), dtype=np.int64)
        rank[by_price] = np.arange(len(pairs)) - pairs.start[pairs.g[by_price]]
        active &= used | (exact <= 0) | (rank < KEEP_PER_GROUP)
        order = cand[np.lexsort((reduced[cand], pairs.g[cand]))]
        gs = pairs.g[order]
        active[order[(np.arange(len(order)) - np.searchsorted(gs, gs)) < ADD_PER_GROUP]] = True
    amount = np.zeros(len(pairs), dtype=np.int64)
    amount[idx] = net.flows[: len(idx)]
    unmet = net.flows[len(idx) : len(idx) + G].copy()
    objective = dot(pairs.cost, amount) + float(inst.penalty * unmet.sum())
    return FlowResult(
        amount,
        unmet,
        objective,
        p,
        scale,
        min(best_bound, objective),
        optimal,
        rounds,
        len(idx),
        reduced,
        idx,
    )
