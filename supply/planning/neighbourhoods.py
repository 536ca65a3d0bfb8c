"""MIP neighbourhoods: HiGHS improves a feasible plan a part at a time (the rest held fixed).

A neighbourhood starts from the groups whose cost in the plan most exceeds their cost in
the LP optimum (unmet pieces first: they cost the penalty), adds the groups that have a
line at the factories those groups use in the LP or price best, and lets each of them
use its open lines and its best-priced pairs. ``mip.neighbourhood`` cuts the sub-problem
(capacity held by the fixed lines removed), ``mip.solve_mip`` solves it without a start
(so with presolve: on the middle bench case about half the CPU of a solve started at the
plan with presolve off, for the same gains), and the result is kept only when the whole plan
gets cheaper, so HiGHS's false "Optimal" at a given start (``mip``) cannot cost anything
here. Every ``POLISH_EVERY`` neighbourhoods the plan is polished (one flow over its open
lines, each held at >= its MOQ) and repaired: the lines the MIPs opened let the flow move
pieces along chains no single neighbourhood holds. Budgets: neighbourhoods, groups per
neighbourhood, MIP nodes and polishes; the loop ends as soon as the plan is within the proven
gap of the bound.
"""

from __future__ import annotations

import time

import numpy as np

from supply.planning.instance import Instance, Pairs, feasible, objective_of, per_group
from supply.planning.mip import neighbourhood, solve_mip
from supply.planning.moq import polish, repair

ROUNDS = 60  # neighbourhoods per solve at most (each ~0.6 CPU-s on the middle bench case, which
# needs ~24 of them to prove 1e-4; large 1)
GROUPS = 40  # groups per neighbourhood
NEAR_FACTORIES = 4  # a seed group's best-priced factories (besides its LP factories) ...
USERS_PER_SEED = 8  # ... and up to this many groups with a line there join it
PAIRS_PER_GROUP = 8  # best-priced pairs per group, besides its open lines
# relative gap per neighbourhood: its cost (~2-4M CNY on middle) is a small part of the plan's,
# so 1e-3 of it leaves little on the table. At 1e-4 HiGHS spent most of each MIP in sub-MIP
# heuristics closing the last 0.1%: on middle (seed 1) 30.2 CPU-s over 29 neighbourhoods to
# prove 1e-4, at 1e-3 15.3 over 24; seed 3: 7.1 -> 4.2; seed 2: 3.7 both (heuristic effort,
# an objective cut-off at the current cost, presolve off: none cheaper)
MIP_GAP = 1e-3
# a polish and repair (~0.4 CPU-s on middle) after every this many neighbourhoods. From the same
# middle rounding (load 1.3-2.8): seed 1 proven after 20 neighbourhoods in 10.6 CPU-s instead of
# 29 in 17.7; seed 3: 5 in 2.7 instead of 8 in 3.6 (every 2-8 rounds: 9.9-14.8 CPU-s on seed 1)
POLISH_EVERY = 5


def group_cost(inst: Instance, pairs: Pairs, amount: np.ndarray) -> np.ndarray:
    """Cost per group: its lines' pieces x unit cost + penalty x its unmet pieces."""
    cost = per_group(pairs, pairs.cost * amount, len(inst.demand))
    _, unmet = objective_of(inst, pairs, amount)
    return cost + inst.penalty * unmet


def _users_by_factory(inst: Instance, pairs: Pairs, open_lines: np.ndarray) -> list[np.ndarray]:
    """The groups with an open line at each factory (one pass; a mask over every pair per
    seed cost ~5 of the ~40 CPU-s the middle bench case spends in its neighbourhoods)."""
    lines = np.flatnonzero(open_lines)
    order = lines[np.argsort(pairs.f[lines], kind="stable")]
    cut = np.searchsorted(pairs.f[order], np.arange(inst.shape[1] + 1))
    return [pairs.g[order[cut[f] : cut[f + 1]]] for f in range(inst.shape[1])]


def improve(
    inst: Instance,
    pairs: Pairs,
    amount: np.ndarray,
    lp_amount: np.ndarray,
    reduced: np.ndarray,
    rounds: int = ROUNDS,
    max_groups: int = GROUPS,
    target: float = -np.inf,
    pairs_per_group: int = PAIRS_PER_GROUP,
    should_stop=None,
    deadline: float | None = None,
    polish_every: int = POLISH_EVERY,
) -> tuple[np.ndarray, dict]:
    """Improve a feasible plan by MIP neighbourhoods until ``target`` cost or the budget.

    Parameters
    ----------
    amount : the plan (feasible); lp_amount : the LP optimum; reduced : LP reduced costs
    target : float
        Stop once the plan costs at most this (the bound plus the proven gap).
    pairs_per_group : int
        Best-priced pairs each group may use besides its open lines.
    polish_every : int
        Polish and repair the plan after every this many neighbourhoods (0: never).

    Returns
    -------
    (amount, stats)

    Examples
    --------
    >>> better, stats = improve(inst, pairs, plan, lp.amount, lp.reduced)  # doctest: +SKIP
    """
    best = amount.copy()
    best_obj = objective_of(inst, pairs, best)[0]
    stats = {"mip_rounds": 0, "mip_nodes": 0, "mip_improved": 0, "polishes": 0}
    score = reduced * inst.moq[pairs.f]
    tried = np.zeros(len(inst.demand), dtype=bool)
    lp_cost = group_cost(inst, pairs, lp_amount)
    for r in range(rounds):
        if best_obj <= target or (should_stop is not None and should_stop()):
            break
        if polish_every and r and r % polish_every == 0:
            trial = repair(inst, pairs, polish(inst, pairs, best, should_stop, deadline))
            obj = objective_of(inst, pairs, trial)[0]
            stats["polishes"] += 1
            if obj < best_obj - 1e-6 and feasible(inst, pairs, trial):
                best, best_obj = trial, obj
                if best_obj <= target:
                    break
        left = None if deadline is None else deadline - time.perf_counter()
        if left is not None and left < 0.2:
            break
        excess = group_cost(inst, pairs, best) - lp_cost
        order = np.lexsort((np.arange(len(excess)), -excess))
        seeds = [g for g in order.tolist() if excess[g] > 1e-6 and not tried[g]]
        if not seeds:
            break
        member = np.zeros(len(inst.demand), dtype=bool)
        chosen: list[int] = []
        open_lines = best > 0
        users_at = _users_by_factory(inst, pairs, open_lines)
        for g in seeds:
            if len(chosen) >= max_groups:
                break
            span = np.arange(pairs.start[g], pairs.start[g + 1])
            near = np.union1d(
                pairs.f[span[np.argsort(score[span], kind="stable")[:NEAR_FACTORIES]]],
                pairs.f[span[lp_amount[span] > 0]],
            )
            users = np.unique(np.concatenate([users_at[f] for f in near.tolist()]))[:USERS_PER_SEED]
            for h in [g, *users.tolist()]:
                if not member[h]:
                    member[h] = True
                    chosen.append(h)
            tried[g] = True
        cand = np.flatnonzero(member[pairs.g])
        ordered = cand[np.lexsort((score[cand], pairs.g[cand]))]
        rank = np.arange(len(ordered)) - np.searchsorted(pairs.g[ordered], pairs.g[ordered])
        keep = np.union1d(
            ordered[rank < pairs_per_group],
            np.flatnonzero((open_lines | (lp_amount > 0)) & member[pairs.g]),
        )
        sub, sp, idx, _ = neighbourhood(inst, pairs, best, np.array(chosen), keep)
        out, ms = solve_mip(sub, sp, np.arange(len(sp)), None, left, MIP_GAP)
        stats["mip_rounds"] += 1
        stats["mip_nodes"] += ms["mip_nodes"]
        if out is None:
            continue
        trial = best.copy()
        trial[cand] = 0
        trial[idx] = out
        obj = objective_of(inst, pairs, trial)[0]
        if obj < best_obj - 1e-6 and feasible(inst, pairs, trial):
            best, best_obj = trial, obj
            stats["mip_improved"] += 1
    return best, stats
