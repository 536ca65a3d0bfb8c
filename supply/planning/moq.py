"""From the LP (flow) optimum to a plan that meets every MOQ: rounding, repair, MIP neighbourhoods.

1. ``round_lp``: lines below their MOQ are dropped and every group is topped up greedily
   (open lines first, then new lines of at least the MOQ, earliest deadline first).
2. ``repair``: most of what is left is unmet pieces next to factories whose free capacity
   is below their MOQ. For an unmet group and a factory it could use, shorten another
   group's line there (kept at or above its MOQ) so that a new line opens at its MOQ; the
   shortened group's pieces go to its other open lines where they fit, or count as unmet
   when that still lowers the cost. Deterministic passes over the groups in deadline order.
3. ``improve``: MIP neighbourhoods with HiGHS (``mip.neighbourhood``): the unmet groups
   and the groups that share their factories move, the rest stays.
Every step keeps the allocation feasible; budgets are passes, groups and MIP nodes.
"""

from __future__ import annotations

import numpy as np

from supply.planning.greedy import edf_order, fill
from supply.planning.instance import Instance, Pairs, feasible, moq_violations, objective_of, slack_of
from supply.planning.mip import neighbourhood, solve_mip

REPAIR_PASSES = 3
NEIGHBOURHOOD_GROUPS = 40  # groups per MIP neighbourhood (each with its 8 best-priced pairs and open lines)
NEIGHBOURHOOD_ROUNDS = 8
NEAR_FACTORIES = 4  # an unmet group's factories of lowest reduced cost x MOQ ...
USERS_PER_SEED = 8  # ... and up to this many groups with a line there join it


def round_lp(inst: Instance, pairs: Pairs, amount: np.ndarray) -> np.ndarray:
    """Drop the lines below MOQ and top every group up greedily (earliest deadline first)."""
    out = amount.copy()
    out[moq_violations(inst, pairs, out)] = 0
    return fill(inst, pairs, out, edf_order(inst))


def repair(inst: Instance, pairs: Pairs, amount: np.ndarray, passes: int = REPAIR_PASSES) -> np.ndarray:
    """Open lines for unmet groups by shortening other lines at the same factory (see module)."""
    _, F, W = inst.shape
    amt = amount.astype(np.int64).copy()
    pen = float(inst.penalty)
    moq = inst.moq
    for _ in range(passes):
        slack = slack_of(inst, pairs, amt)
        _, unmet = objective_of(inst, pairs, amt)
        if unmet.sum() == 0:
            break
        lines_at = [[] for _ in range(F)]  # open lines per factory
        for p in np.flatnonzero(amt > 0).tolist():
            lines_at[int(pairs.f[p])].append(p)
        open_of: dict[int, list[int]] = {}
        for p in np.flatnonzero(amt > 0).tolist():
            open_of.setdefault(int(pairs.g[p]), []).append(p)
        changed = False
        for g in edf_order(inst).tolist():
            need = int(unmet[g])
            for p in range(int(pairs.start[g]), int(pairs.start[g + 1])):
                if need <= 0:
                    break
                f, k = int(pairs.f[p]), int(pairs.cutoff[p])
                m = int(moq[f]) if amt[p] == 0 else 1
                avail = int(slack[f, k:].min())
                if need < m or (amt[p] > 0 and avail <= 0):
                    continue
                if avail >= m:  # fits without help
                    q = min(need, avail)
                    _take(amt, slack, pairs, p, q)
                    need -= q
                    unmet[g] -= q
                    open_of.setdefault(g, []).append(p)
                    lines_at[f].append(p)
                    changed = True
                    continue
                delta = m - max(avail, 0)
                best = None
                for d in lines_at[f]:
                    if amt[d] - delta < moq[f] or pairs.cutoff[d] > k or pairs.g[d] == g:
                        continue
                    g2 = int(pairs.g[d])
                    dest, extra = -1, pen  # where the donor's pieces go, and at what cost per piece
                    for r in open_of.get(g2, []):
                        if (
                            r != d
                            and pairs.f[r] != f
                            and amt[r] > 0
                            and slack[pairs.f[r], pairs.cutoff[r] :].min() >= delta
                        ):
                            if pairs.cost[r] < extra:
                                dest, extra = r, float(pairs.cost[r])
                    gain = m * (float(pairs.cost[p]) - pen) + delta * (extra - float(pairs.cost[d]))
                    if gain < -1e-9 and (best is None or gain < best[0]):
                        best = (gain, d, dest)
                if best is None:
                    continue
                _, d, dest = best
                _take(amt, slack, pairs, d, -delta)
                if dest >= 0:
                    _take(amt, slack, pairs, dest, delta)
                else:
                    unmet[pairs.g[d]] += delta
                _take(amt, slack, pairs, p, m)
                need -= m
                unmet[g] -= m
                open_of.setdefault(g, []).append(p)
                lines_at[f].append(p)
                changed = True
        amt = fill(inst, pairs, amt, edf_order(inst))
        if not changed:
            break
    return amt


def _take(amt: np.ndarray, slack: np.ndarray, pairs: Pairs, p: int, q: int) -> None:
    """Add q pieces (q < 0: remove) to line p and update the factory's cumulative slack."""
    amt[p] += q
    slack[pairs.f[p], pairs.cutoff[p] :] -= q


def improve(
    inst: Instance,
    pairs: Pairs,
    amount: np.ndarray,
    reduced: np.ndarray,
    rounds: int = NEIGHBOURHOOD_ROUNDS,
    max_groups: int = NEIGHBOURHOOD_GROUPS,
    should_stop=None,
    deadline: float | None = None,
) -> tuple[np.ndarray, dict]:
    """MIP neighbourhoods around the unmet groups; each accepted only when it lowers the cost.

    A neighbourhood holds the unmet groups (earliest deadline first) and the groups with a
    line at a factory they could use, with each group's pairs of lowest reduced cost x MOQ
    (and its open lines), up to ``max_groups`` groups. Returns (amount, stats).
    """
    import time

    best = amount.copy()
    best_obj = objective_of(inst, pairs, best)[0]
    stats = {"mip_rounds": 0, "mip_nodes": 0, "mip_improved": 0}
    score = reduced * inst.moq[pairs.f]
    tried = np.zeros(len(inst.demand), dtype=bool)
    for _ in range(rounds):
        if should_stop is not None and should_stop():
            break
        left = None if deadline is None else deadline - time.perf_counter()
        if left is not None and left < 0.2:
            break
        _, unmet = objective_of(inst, pairs, best)
        seeds = [g for g in edf_order(inst).tolist() if unmet[g] > 0 and not tried[g]]
        if not seeds:
            break
        chosen: list[int] = []
        member = np.zeros(len(inst.demand), dtype=bool)
        open_lines = best > 0
        for g in seeds:
            if len(chosen) >= max_groups:
                break
            span = np.arange(pairs.start[g], pairs.start[g + 1])
            near = pairs.f[span[np.argsort(score[span], kind="stable")[:NEAR_FACTORIES]]]
            users = np.unique(pairs.g[open_lines & np.isin(pairs.f, near)])[:USERS_PER_SEED]
            for h in [g, *users.tolist()]:
                if not member[h]:
                    member[h] = True
                    chosen.append(h)
            tried[g] = True
        groups = np.array(chosen, dtype=np.int64)
        cand = np.flatnonzero(member[pairs.g])
        # per group: its open lines and its 8 pairs of lowest reduced cost x MOQ
        order = cand[np.lexsort((score[cand], pairs.g[cand]))]
        rank = np.arange(len(order)) - np.searchsorted(pairs.g[order], pairs.g[order])
        keep = np.union1d(order[rank < 8], np.flatnonzero(open_lines & member[pairs.g]))
        sub, sp, idx, start = neighbourhood(inst, pairs, best, groups, keep)
        out, ms = solve_mip(sub, sp, np.arange(len(sp)), start, left, 1e-6)
        stats["mip_rounds"] += 1
        stats["mip_nodes"] += ms["mip_nodes"]
        if out is None:
            continue
        cand_amt = best.copy()
        cand_amt[np.flatnonzero(member[pairs.g])] = 0
        cand_amt[idx] = out
        obj = objective_of(inst, pairs, cand_amt)[0]
        if obj < best_obj - 1e-6 and feasible(inst, pairs, cand_amt):
            best, best_obj = cand_amt, obj
            stats["mip_improved"] += 1
    return best, stats
