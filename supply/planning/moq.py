"""From the LP (flow) optimum to a plan that meets every MOQ: rounding, repair, MIP neighbourhoods.

1. ``round_lp``: lines below their MOQ are dropped and every group is topped up greedily
   (open lines first, then new lines of at least the MOQ, earliest deadline first).
2. ``repair``: most of what is left is unmet pieces next to factories whose free capacity
   is below their MOQ. For an unmet group and a factory it could use, shorten another
   group's line there (kept at or above its MOQ) so that a new line opens at its MOQ; the
   shortened group's pieces go to its other open lines where they fit, or count as unmet
   when that still lowers the cost. Deterministic passes over the groups in deadline order.
Then ``neighbourhoods.improve`` runs MIPs on parts of the plan. Every step keeps the
allocation feasible; budgets are passes and flow re-solves, never seconds.
"""

from __future__ import annotations

import numpy as np

from supply.planning.flow import build_network, cost_scale
from supply.planning.flow_worker import solve_flow
from supply.planning.greedy import edf_order, fill
from supply.planning.instance import Instance, Pairs, feasible, moq_violations, objective_of, slack_of

REPAIR_PASSES = 3
# flow re-solves while rounding the LP. With the lines at or above their MOQ held (``dive``),
# four rounds end closer to the bound than six did without: large (seed 1) 9.1e-5 after the
# polish instead of 1.1e-4 (proven with no MIP), seed 2 8.3e-5; five rounds cost ~6-13 CPU-s
# more there for 8.0e-5 / 8.2e-5; on middle the neighbourhoods then prove 1e-4 either way
DIVE_ROUNDS = 4
DIVE_PER_GROUP = 4  # best-priced pairs per group a dive may use besides the LP's lines
# costs in the dive's and polish's flows are in units of 1e-4 CNY, not the LP's 1e-6: these
# flows only propose plans, whose exact cost is counted after, and OR-Tools' cost scaling needs
# fewer phases (a dive flow of middle: 0.79 instead of 0.96 CPU-s; of large, 1e-3 CNY: 8.1
# instead of 13.4). Which plan a dive ends at moves with it (see bench/results/planning_large.md)
HEURISTIC_SCALE = 1e4


def round_and_repair(
    inst: Instance, pairs: Pairs, lp, should_stop=None, deadline=None
) -> tuple[np.ndarray, dict]:
    """The LP flow made MOQ-feasible: dive, top up and repair (plus plain rounding and repair
    as a fall-back), then the cheaper of the two polished and repaired once more (polishing
    both cost ~7 CPU-s more on the large bench case, where the dive's plan was the cheaper
    one before and after, as on small and middle); returns it with each step's cost."""
    stats = {}
    out = []
    d = dive(
        inst,
        pairs,
        lp.amount,
        dive_columns(inst, pairs, lp.amount, lp.reduced),
        should_stop=should_stop,
        deadline=deadline,
    )
    for name, a in (
        ("dive", fill(inst, pairs, d, edf_order(inst))),
        ("round", round_lp(inst, pairs, lp.amount)),
    ):
        stats[f"{name}_objective"] = objective_of(inst, pairs, a)[0]
        a = repair(inst, pairs, a)
        stats[f"{name}_repaired_objective"] = objective_of(inst, pairs, a)[0]
        if feasible(inst, pairs, a):
            out.append((stats[f"{name}_repaired_objective"], name, a))
    out.sort(key=lambda x: (x[0], x[1]))
    stats["rounding"] = out[0][1]
    best = repair(inst, pairs, polish(inst, pairs, out[0][2], should_stop, deadline))
    stats["polished_objective"] = objective_of(inst, pairs, best)[0]
    return best, stats


def round_lp(inst: Instance, pairs: Pairs, amount: np.ndarray) -> np.ndarray:
    """Drop the lines below MOQ and top every group up greedily (earliest deadline first)."""
    out = amount.copy()
    out[moq_violations(inst, pairs, out)] = 0
    return fill(inst, pairs, out, edf_order(inst))


def repair(inst: Instance, pairs: Pairs, amount: np.ndarray, passes: int = REPAIR_PASSES) -> np.ndarray:
    """Place unmet pieces by moves that keep every MOQ (see the module docstring).

    For each unmet group (deadline order) and each of its pairs p, the best of: top up p
    (open) or open p at max(MOQ, what is unmet) (closed), where the pieces beyond what is
    unmet come off one of the group's own lines (kept at or above its MOQ), and the
    capacity missing at p's factory comes off one other group's line there (kept at or
    above the MOQ), whose pieces go to that group's cheapest other line with room, or
    count as unmet. A move is made only when it lowers the cost.
    """
    amt = amount.astype(np.int64).copy()
    for _ in range(passes):
        slack = slack_of(inst, pairs, amt)
        _, unmet = objective_of(inst, pairs, amt)
        if unmet.sum() == 0:
            break
        state = _State(inst, pairs, amt, slack, unmet)
        changed = False
        for g in edf_order(inst).tolist():
            for _ in range(8):  # a group may need a few moves
                if state.unmet[g] <= 0 or not state.best_move(g):
                    break
                changed = True
        amt = fill(inst, pairs, amt, edf_order(inst))
        if not changed:
            break
    return amt


class _State:
    """An allocation being repaired: pieces, cumulative slack, unmet, open lines by group and factory.

    The open lines of a factory or a group are gathered when a move first looks at them
    (building them all up front was ~0.4 of the ~1 CPU-s of a what-if re-plan on middle): the
    lines open at the start in pair order, then the ones opened since in the order they were
    opened, so each set is built by the same insertions as before (same iteration order, same
    ties, same plans). Repair never closes a line, so the sets only grow.
    """

    def __init__(self, inst, pairs, amt, slack, unmet):
        self.inst, self.pairs, self.amt, self.slack, self.unmet = inst, pairs, amt, slack, unmet
        self.pen = float(inst.penalty)
        self._open0 = amt > 0
        lines = np.flatnonzero(self._open0)
        self._by_f = lines[np.argsort(pairs.f[lines], kind="stable")]
        self._cut = np.searchsorted(pairs.f[self._by_f], np.arange(inst.shape[1] + 1))
        self._at_f: dict[int, set[int]] = {}
        self._of_g: dict[int, set[int]] = {}

    def at_f(self, f: int) -> set[int]:
        """The open lines at factory f."""
        s = self._at_f.get(f)
        if s is None:
            s = self._at_f[f] = set(self._by_f[self._cut[f] : self._cut[f + 1]].tolist())
        return s

    def of_g(self, g: int) -> set[int]:
        """The open lines of group g."""
        s = self._of_g.get(g)
        if s is None:
            a = int(self.pairs.start[g])
            s = self._of_g[g] = set((np.flatnonzero(self._open0[a : self.pairs.start[g + 1]]) + a).tolist())
        return s

    def _open(self, p: int) -> None:
        self.at_f(int(self.pairs.f[p])).add(p)
        self.of_g(int(self.pairs.g[p])).add(p)

    def room(self, p: int) -> int:
        """Pieces line p can still take (cumulative slack from its cutoff on)."""
        return int(self.slack[self.pairs.f[p], self.pairs.cutoff[p] :].min())

    def best_move(self, g: int) -> bool:
        """Make the cheapest cost-lowering move that places unmet pieces of g; False if none."""
        pairs, amt, moq, pen = self.pairs, self.amt, self.inst.moq, self.pen
        need = int(self.unmet[g])
        best = None
        for p in range(int(pairs.start[g]), int(pairs.start[g + 1])):
            f, k, c = int(pairs.f[p]), int(pairs.cutoff[p]), float(pairs.cost[p])
            m = int(moq[f])
            q = need if amt[p] > 0 else max(m, need)
            own, own_cost = -1, 0.0  # the group's own line that gives q - need pieces
            if q > need:
                for a in self.of_g(g):
                    if a != p and amt[a] - (q - need) >= moq[pairs.f[a]] and pairs.f[a] != f:
                        if own < 0 or pairs.cost[a] > own_cost:
                            own, own_cost = a, float(pairs.cost[a])
                if own < 0:
                    continue
            deficit = q - max(self.room(p), 0)
            donor, dest, move_cost = -1, -1, 0.0
            if deficit > 0:
                for d in self.at_f(f):
                    if pairs.g[d] == g or pairs.cutoff[d] > k or amt[d] - deficit < moq[f]:
                        continue
                    to, extra = -1, pen
                    for r in self.of_g(int(pairs.g[d])):
                        if r != d and pairs.f[r] != f and self.room(r) >= deficit and pairs.cost[r] < extra:
                            to, extra = r, float(pairs.cost[r])
                    mc = deficit * (extra - float(pairs.cost[d]))
                    if donor < 0 or mc < move_cost:
                        donor, dest, move_cost = d, to, mc
                if donor < 0:
                    continue
            placed = min(need, q)
            gain = q * c - placed * pen - (q - placed) * own_cost + move_cost
            if gain < -1e-9 and (best is None or gain < best[0]):
                best = (gain, p, q, own, donor, dest, deficit)
        if best is None:
            return False
        _, p, q, own, donor, dest, deficit = best
        if donor >= 0:
            _take(amt, self.slack, pairs, donor, -deficit)
            if dest >= 0:
                _take(amt, self.slack, pairs, dest, deficit)
            else:
                self.unmet[pairs.g[donor]] += deficit
        if own >= 0:
            _take(amt, self.slack, pairs, own, -(q - need))
        _take(amt, self.slack, pairs, p, q)
        self.unmet[g] -= min(need, q)
        self._open(p)
        return True


def flow_with_floors(
    inst: Instance, pairs: Pairs, idx: np.ndarray, low: np.ndarray, should_stop=None, deadline=None
) -> np.ndarray | None:
    """Min-cost flow over the pairs ``idx`` with line ``idx[i]`` held at >= ``low[i]`` pieces.

    A floor is sent in advance (the group supplies that much less, the factory-week that
    much more), so the flow moves only the pieces above it. None when the floors do not
    fit the capacity.
    """
    G, F, W = inst.shape
    net = build_network(inst, pairs, idx, min(cost_scale(inst, pairs), HEURISTIC_SCALE))
    supply = net.supply.copy()
    np.subtract.at(supply, pairs.g[idx], low)
    np.add.at(supply, G + pairs.f[idx] * W + pairs.cutoff[idx], low)
    try:
        flows, _ = solve_flow(net.tails, net.heads, net.caps, net.icost, supply, should_stop, deadline)
    except RuntimeError:  # infeasible floors, or cancelled (FlowCancelled is a RuntimeError)
        return None
    out = np.zeros(len(pairs), dtype=np.int64)
    out[idx] = flows[: len(idx)] + low
    return out


def polish(inst: Instance, pairs: Pairs, amount: np.ndarray, should_stop=None, deadline=None) -> np.ndarray:
    """Re-optimise over the plan's open lines, each held at >= its MOQ (one min-cost flow):
    chains of moves that no greedy step sees. Returns the better of the two allocations."""
    lines = np.flatnonzero(amount > 0)
    if len(lines) == 0:
        return amount
    out = flow_with_floors(inst, pairs, lines, inst.moq[pairs.f[lines]], should_stop, deadline)
    if out is not None and feasible(inst, pairs, out):
        if objective_of(inst, pairs, out)[0] < objective_of(inst, pairs, amount)[0]:
            return out
    return amount


def dive_columns(
    inst: Instance, pairs: Pairs, amount: np.ndarray, reduced: np.ndarray, per_group: int = DIVE_PER_GROUP
) -> np.ndarray:
    """The pairs a dive may use: the LP's lines and each group's best-priced few (fewer pairs
    left every group only its LP lines: a faster flow, but on the small bench case the plan
    ended 4e-4 above the bound instead of 1e-4)."""
    P = len(pairs)
    order = np.lexsort((np.arange(P), reduced, pairs.g))
    rank = np.empty(P, dtype=np.int64)
    rank[order] = np.arange(P) - pairs.start[pairs.g[order]]
    return np.flatnonzero((rank < per_group) | (amount > 0))


def dive(
    inst: Instance,
    pairs: Pairs,
    amount: np.ndarray,
    active: np.ndarray,
    rounds: int = DIVE_ROUNDS,
    should_stop=None,
    deadline=None,
) -> np.ndarray:
    """Round the LP flow towards every MOQ by re-solving it with lines held up or left out.

    Each round, in every group the line below its MOQ that is furthest towards it (at
    least half way) is held at >= its MOQ and the group's other short lines are left out;
    the lines already at or above their MOQ are held there too (a re-solve of the degenerate
    LP closed such lines and opened short ones elsewhere, so ~75% of the short lines were
    still there after six rounds); the flow over the remaining ``active`` pairs is solved
    again. Held lines stay held. Lines still short at the end are dropped (the caller tops
    up and repairs).
    """
    G = len(inst.demand)
    allowed = np.zeros(len(pairs), dtype=bool)
    allowed[active] = True
    floor = np.zeros(len(pairs), dtype=np.int64)
    held = np.zeros(G, dtype=np.int64)
    for _ in range(rounds):
        bad = moq_violations(inst, pairs, amount)
        if len(bad) == 0:
            break
        full = np.flatnonzero((amount >= inst.moq[pairs.f]) & (floor == 0))
        floor = floor.copy()
        floor[full] = inst.moq[pairs.f[full]]
        held += np.bincount(pairs.g[full], weights=floor[full], minlength=G).astype(np.int64)
        moq = inst.moq[pairs.f[bad]]
        g = pairs.g[bad]
        ratio = amount[bad] / moq
        order = np.lexsort((-ratio, g))
        first = np.zeros(len(bad), dtype=bool)
        first[order[np.r_[True, g[order][1:] != g[order][:-1]]]] = True
        up = first & (ratio >= 0.5) & (held[g] + moq <= inst.demand[g])
        trial_floor, trial_allowed = floor.copy(), allowed.copy()
        trial_floor[bad[up]] = moq[up]
        trial_allowed[bad[~up]] = False
        idx = np.flatnonzero(trial_allowed)
        out = flow_with_floors(inst, pairs, idx, trial_floor[idx], should_stop, deadline)
        if out is None:  # holding those lines up does not fit: leave them all out instead
            trial_floor, trial_allowed = floor.copy(), allowed.copy()
            trial_allowed[bad] = False
            idx = np.flatnonzero(trial_allowed)
            out = flow_with_floors(inst, pairs, idx, trial_floor[idx], should_stop, deadline)
            if out is None:
                break
            up[:] = False
        floor, allowed, amount = trial_floor, trial_allowed, out
        np.add.at(held, g[up], moq[up])
    amount = amount.copy()
    amount[moq_violations(inst, pairs, amount)] = 0
    return amount


def _take(amt: np.ndarray, slack: np.ndarray, pairs: Pairs, p: int, q: int) -> None:
    """Add q pieces (q < 0: remove) to line p and update the factory's cumulative slack."""
    amt[p] += q
    slack[pairs.f[p], pairs.cutoff[p] :] -= q
