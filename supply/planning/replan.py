"""What-if re-plans in about a second: the previous plan, made to fit, repaired and improved.

A what-if changes a few inputs (a factory removed, capacity or deadlines moved), so most of
the previous plan still holds. ``replan`` keeps it: lines that no longer fit (their pair
is gone, below its MOQ, beyond the group's demand, or at a factory whose capacity they
overrun) are dropped, the groups they leave short are topped up, repaired and polished
(one flow), and when pieces are still unmet one small MIP neighbourhood places them. No
flow LP runs: the bound is the Lagrangian bound of the previous solve's node potentials,
which holds for any prices (``flow.lower_bound``), so it is rigorous but weaker than a full
solve's.
"""

from __future__ import annotations

import time

import numpy as np

from supply.planning.flow import cost_scale, lower_bound, reduced_costs
from supply.planning.greedy import edf_order, fill
from supply.planning.instance import (
    Instance,
    Pairs,
    feasible,
    moq_violations,
    objective_of,
    per_group,
    slack_of,
)
from supply.planning.moq import polish, repair
from supply.planning.neighbourhoods import improve

# pieces the previous plan placed but the repair left unmet cost the penalty: then one small
# MIP neighbourhood (those groups and the groups with a line where they could go) places
# them. On middle with the busiest factory removed, from one first plan two groups kept 373
# pieces unmet (a line at MOQ at a full factory each; no one-donor repair move, and a second
# polish placed only half): 10 groups and 4 pairs each, 0.2 CPU-s, placed them all
# (688.50M -> 688.19M CNY). The full solve's neighbourhoods (40 groups, 8 pairs) took 1-25
# CPU-s there: over the 1 s aim
QUICK_ROUNDS = 1
QUICK_GROUPS = 10
QUICK_PAIRS = 4


def _asked(should_stop, deadline: float | None) -> bool:
    """True when the caller asked to stop or the outer guard ran out."""
    return (should_stop is not None and should_stop()) or (
        deadline is not None and time.perf_counter() > deadline
    )


def make_fit(inst: Instance, pairs: Pairs, amount: np.ndarray) -> np.ndarray:
    """The allocation with every line that breaks a constraint dropped (a feasible start).

    Lines below their MOQ go; a group given more than its demand loses its lines; a factory
    whose cumulative capacity is overrun in some week loses every line (the top-up refills it).

    Examples
    --------
    >>> fits = make_fit(inst, pairs, previous)  # doctest: +SKIP
    """
    amt = np.maximum(np.asarray(amount, dtype=np.int64), 0)
    amt = np.minimum(amt, pairs.upper)
    amt[moq_violations(inst, pairs, amt)] = 0
    have = per_group(pairs, amt, len(inst.demand))
    amt[(have > inst.demand)[pairs.g]] = 0
    over = (slack_of(inst, pairs, amt) < 0).any(axis=1)
    amt[over[pairs.f]] = 0
    return amt


def replan(
    inst: Instance,
    pairs: Pairs,
    previous: np.ndarray,
    warm: np.ndarray,
    seed: np.ndarray,
    should_stop=None,
    deadline: float | None = None,
) -> tuple[np.ndarray, float, dict]:
    """A what-if plan from the previous plan and the previous flow's potentials.

    Parameters
    ----------
    inst, pairs : Instance, Pairs
        The changed problem.
    previous : array (P,)
        The previous plan's pieces on these pairs (0 where it had no line).
    warm : array
        The previous flow's node potentials mapped onto this instance's nodes.
    seed : array (P,)
        A feasible plan the result must not be worse than (the greedy plan).

    Returns
    -------
    (amount, bound, stats)
        ``amount`` is feasible and never costs more than ``seed``; ``bound`` is rigorous.

    Examples
    --------
    >>> amount, bound, stats = replan(inst, pairs, previous, warm, greedy.amount)  # doctest: +SKIP
    """
    scale = cost_scale(inst, pairs)
    bound = lower_bound(inst, pairs, warm, scale)
    start = make_fit(inst, pairs, previous)
    cand = fill(inst, pairs, start, edf_order(inst))
    if not _asked(should_stop, deadline):  # a Stop keeps the topped-up plan (prompt, not repaired)
        cand = repair(inst, pairs, cand)
        cand = repair(inst, pairs, polish(inst, pairs, cand, should_stop, deadline))
    best = seed
    if (
        feasible(inst, pairs, cand)
        and objective_of(inst, pairs, cand)[0] < objective_of(inst, pairs, seed)[0]
    ):
        best = cand
    stats = {
        "replan_kept_lines": int((start > 0).sum()),
        "replan_objective": objective_of(inst, pairs, best)[0],
    }
    was_unmet = np.maximum(inst.demand - per_group(pairs, np.maximum(previous, 0), len(inst.demand)), 0)
    if (
        QUICK_ROUNDS > 0
        and (objective_of(inst, pairs, best)[1] > was_unmet).any()
        and not _asked(should_stop, deadline)
    ):
        best, ms = improve(
            inst,
            pairs,
            best,
            previous,
            reduced_costs(inst, pairs, warm, scale),
            rounds=QUICK_ROUNDS,
            max_groups=QUICK_GROUPS,
            target=bound / (1 - 0.999e-4),
            pairs_per_group=QUICK_PAIRS,
            should_stop=should_stop,
            deadline=deadline,
        )
        stats.update(ms)
        stats["replan_objective"] = objective_of(inst, pairs, best)[0]
    return best, bound, stats
