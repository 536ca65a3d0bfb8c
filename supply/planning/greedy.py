"""The greedy baseline (earliest deadline first, cheapest factory first) and the greedy top-up
that completes any allocation without breaking capacity or MOQ."""

from __future__ import annotations

import math

import numpy as np

from supply.planning.instance import Instance, Pairs, Solution, objective_of, per_group, slack_of


def fill(inst: Instance, pairs: Pairs, amount: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Give each group in ``order`` as much of its unmet need as fits: top up its open lines,
    then open new lines (cheapest first) of at least the factory's MOQ. Returns new amounts."""
    _, _, W = inst.shape
    amt = amount.astype(np.int64).tolist()
    slack = slack_of(inst, pairs, amount).tolist()
    have = per_group(pairs, np.asarray(amount, dtype=np.int64), len(inst.demand))
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
