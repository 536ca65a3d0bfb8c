"""The greedy baseline (earliest deadline first, cheapest factory first) and the greedy top-up
that completes any allocation without breaking capacity or MOQ."""

from __future__ import annotations

import math

import numpy as np

from supply.planning.instance import Instance, Pairs, Solution, objective_of, per_group, slack_of


def fill(inst: Instance, pairs: Pairs, amount: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Give each group in ``order`` as much of its unmet need as fits: top up its open lines,
    then open new lines (cheapest first) of at least the factory's MOQ. Returns new amounts.

    Only the groups with unmet need are visited, each over its own slice of the pairs (a
    top-up of a few groups no longer converts every pair to Python lists: ~0.05 CPU-s per
    call on middle, several calls per what-if re-plan).
    """
    _, _, W = inst.shape
    out = np.array(amount, dtype=np.int64)
    need = inst.demand - per_group(pairs, out, len(inst.demand))
    order = np.asarray(order)
    todo = order[need[order] > 0].tolist()
    if not todo:
        return out
    slack = slack_of(inst, pairs, out).tolist()
    start = pairs.start.tolist()
    moq = inst.moq.tolist()
    for g in todo:
        n = int(need[g])
        a, b = start[g], start[g + 1]
        pf, pk, amt = pairs.f[a:b].tolist(), pairs.cutoff[a:b].tolist(), out[a:b].tolist()
        changed = False
        for open_pass in (True, False):
            for i in range(b - a):
                if (amt[i] > 0) != open_pass:
                    continue
                row, k = slack[pf[i]], pk[i]
                q = min(n, min(row[k:]))
                if q <= 0 or (not open_pass and q < moq[pf[i]]):
                    continue
                amt[i] += q
                n -= q
                changed = True
                for j in range(k, W):
                    row[j] -= q
                if n == 0:
                    break
            if n == 0:
                break
        if changed:
            out[a:b] = amt
    return out


def edf_order(inst: Instance) -> np.ndarray:
    """Groups by deadline, earliest first (ties by group index)."""
    return np.lexsort((np.arange(len(inst.demand)), inst.deadline))


def greedy(inst: Instance, pairs: Pairs) -> Solution:
    """Earliest deadline first; each group takes its cheapest eligible factories in turn.

    Parameters
    ----------
    inst, pairs : Instance, Pairs

    Returns
    -------
    Solution
        ``status`` is ``heuristic``; no lower bound.

    Examples
    --------
    >>> greedy(inst, build_pairs(inst)).objective  # doctest: +SKIP
    """
    amount = fill(inst, pairs, np.zeros(len(pairs), dtype=np.int64), edf_order(inst))
    obj, unmet = objective_of(inst, pairs, amount)
    return Solution(amount, unmet, obj, -math.inf, False, "heuristic", {})
