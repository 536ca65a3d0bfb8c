"""The "optimal" method: flow LP with a rigorous bound, MOQ rounding and repair, then MIPs.

Budgets are work (flow rounds, repair passes, MIP nodes and neighbourhoods), so one input
gives one plan on any machine; ``time_limit`` is only an outer guard (when it stops a
step, the best plan so far is returned, not proven). A plan counts as proven optimal only
when the LP was solved over every pair (its bound then does not depend on any warm
start) and the plan is within ``PROVEN_GAP`` of the best bound.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from supply.planning.flow import cost_scale, solve_lp
from supply.planning.flow_worker import FlowCancelled
from supply.planning.greedy import greedy
from supply.planning.instance import Instance, Pairs, Solution, feasible, moq_violations, objective_of
from supply.planning.mip import solve_mip
from supply.planning.moq import round_and_repair
from supply.planning.neighbourhoods import improve
from supply.planning.replan import replan

PROVEN_GAP = 1e-4  # HiGHS's own default MIP gap
FULL_MIP_PAIRS = 3_000  # up to this many pairs left by reduced-cost fixing, one MIP over them all

Progress = Callable[[float, str], None]


def gap_of(objective: float, bound: float) -> float:
    """Relative gap (objective - bound) / objective (0 when both are 0)."""
    if not math.isfinite(bound):
        return math.inf
    return max(0.0, objective - bound) / max(abs(objective), 1e-9)


def optimise(
    inst: Instance,
    pairs: Pairs,
    time_limit: float | None = None,
    progress: Progress | None = None,
    seed: Solution | None = None,
    warm: np.ndarray | None = None,
    should_stop: Callable[[], bool] | None = None,
    previous: np.ndarray | None = None,
) -> Solution:
    """Best plan under capacity, deadlines and MOQ, with its lower bound and gap.

    Parameters
    ----------
    inst, pairs : Instance, Pairs
    time_limit : float, optional
        Outer wall-clock guard in seconds (the work budgets decide the plan).
    seed : Solution, optional
        The plan to beat (default: the greedy plan); never returned worse.
    warm : array, optional
        Node potentials of a similar solve (what-if): a faster start, same proof.
    should_stop : callable, optional
        Polled between steps and during flow solves; True returns the best plan so far
        (status "stopped"; "time_limit" when the outer guard ran out instead).
    previous : array, optional
        With ``warm``: the previous plan's pieces on these pairs. Then no flow LP runs
        (``replan.replan``: about a second on the middle bench case); the bound comes
        from the warm potentials (rigorous, weaker) and the status is "replan" ("stopped"
        or "time_limit" when the re-plan was cut short, as for a full solve).

    Returns
    -------
    Solution
        ``lower_bound`` is rigorous; ``proven`` as in the module docstring; ``warm`` holds
        the potentials for the next what-if.

    Examples
    --------
    >>> sol = optimise(inst, build_pairs(inst))  # doctest: +SKIP
    """
    t0 = time.perf_counter()
    deadline = None if time_limit is None else t0 + time_limit
    say = progress or (lambda f, m: None)
    seed = seed or greedy(inst, pairs)
    best, best_obj = seed.amount, seed.objective
    stats: dict = {"pairs": len(pairs)}

    def stopped() -> bool:
        """True when the caller asked to stop or the outer guard ran out."""
        return (should_stop is not None and should_stop()) or (
            deadline is not None and time.perf_counter() > deadline
        )

    def halted() -> str:
        """Why the solve ended early: "stopped" (the caller asked) or "time_limit" (the guard)."""
        return "stopped" if should_stop is not None and should_stop() else "time_limit"

    def result(bound: float, status: str, lp=None) -> Solution:
        """The best plan so far as a Solution with its bound, gap and proof."""
        obj, unmet = objective_of(inst, pairs, best)
        lb = min(bound, obj) if bound > 0 else -math.inf  # costs are >= 0: a bound <= 0 says nothing
        gap = gap_of(obj, lb)
        proven = bool(lp is not None and lp.optimal and gap <= PROVEN_GAP)
        stats.update(gap=gap, seconds=round(time.perf_counter() - t0, 4))
        warm_out = None if lp is None else {"potentials": lp.potentials, "scale": lp.scale}
        return Solution(best, unmet, obj, lb, proven, "optimal" if proven else status, stats, warm_out)

    if previous is not None and warm is not None:
        say(0.3, "re-planning from the previous plan")
        best, bound, rs = replan(inst, pairs, previous, warm, seed.amount, should_stop, deadline)
        stats.update(rs)
        sol = result(bound, "replan")
        sol.proven = sol.stats["gap"] <= PROVEN_GAP  # the bound holds for any prices
        sol.status = "optimal" if sol.proven else halted() if stopped() else "replan"
        sol.warm = {"potentials": warm, "scale": cost_scale(inst, pairs)}
        return sol
    say(0.05, f"flow LP: {len(pairs):,} eligible pairs")
    try:
        lp = solve_lp(inst, pairs, seed.amount, warm, say, should_stop, deadline)
    except FlowCancelled:
        return result(-math.inf, halted())
    stats.update(
        lp_objective=lp.objective,
        lp_bound=lp.bound,
        lp_optimal=lp.optimal,
        lp_rounds=lp.rounds,
        lp_columns=lp.columns,
        lp_seconds=round(time.perf_counter() - t0, 4),
    )
    bad = moq_violations(inst, pairs, lp.amount)
    stats["lp_moq_violations"] = int(len(bad))
    candidates = [lp.amount] if len(bad) == 0 else []
    if len(bad):
        say(0.55, f"{len(bad):,} lines below MOQ: rounding and repair")
        rounded, rs = round_and_repair(inst, pairs, lp, should_stop, deadline)
        stats.update(rs)
        candidates.append(rounded)
    for cand in candidates:
        obj = objective_of(inst, pairs, cand)[0]
        if obj < best_obj - 1e-9 and feasible(inst, pairs, cand):
            best, best_obj = cand, obj
    stats["repair_objective"] = best_obj
    bound = lp.bound
    if gap_of(best_obj, bound) <= PROVEN_GAP or stopped():
        return result(bound, "gap" if not stopped() else halted(), lp)
    # reduced-cost fixing: a line at >= MOQ pieces with reduced cost r adds >= r x MOQ to the bound
    keep = np.flatnonzero((lp.reduced * inst.moq[pairs.f] <= best_obj - bound + 1e-6) | (best > 0))
    stats["mip_pairs"] = int(len(keep))
    left = None if deadline is None else deadline - time.perf_counter()
    if len(keep) <= FULL_MIP_PAIRS and lp.optimal:
        say(0.7, f"MIP over {len(keep):,} pairs (the others cannot be in a better plan)")
        amount, ms = solve_mip(inst, pairs, keep, best, left, 1e-6)
        stats.update(ms)
        if amount is not None and feasible(inst, pairs, amount):
            obj = objective_of(inst, pairs, amount)[0]
            if obj <= best_obj:
                best, best_obj = amount, obj
        if ms["optimal"] and math.isfinite(ms["mip_dual_bound"]):
            bound = max(bound, ms["mip_dual_bound"])
        return result(bound, "gap", lp)
    say(0.7, "MIP neighbourhoods around the unmet demand")
    target = bound / (1 - 0.999 * PROVEN_GAP)  # a plan this cheap is proven: stop there
    best, ms = improve(
        inst, pairs, best, lp.amount, lp.reduced, target=target, should_stop=should_stop, deadline=deadline
    )
    stats.update(ms)
    say(0.95, "done")
    return result(bound, "gap" if not stopped() else halted(), lp)
