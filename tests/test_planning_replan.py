"""What-if re-plans: the previous plan kept where it fits and repaired; feasible, never worse than
greedy, and bounded by a rigorous bound from the previous flow's prices."""

from __future__ import annotations

import numpy as np
import pytest

from supply.planning.greedy import greedy
from supply.planning.instance import Instance, build_pairs, feasible
from supply.planning.replan import make_fit
from supply.planning.solver import optimise
from tests.test_planning_flow import highs_lp, random_instance


def without(inst: Instance, f: int) -> Instance:
    """The instance with factory ``f`` removed."""
    keep = np.arange(len(inst.lead)) != f
    return Instance(
        **{k: getattr(inst, k) for k in ("demand", "deadline", "garment", "glon", "glat", "week_start")},
        **{k: getattr(inst, k)[keep] for k in ("lead", "moq", "flon", "flat", "price", "free")},
        transport=inst.transport,
        penalty=inst.penalty,
    )


def carried(pairs, amount, pairs2, f: int) -> np.ndarray:
    """The plan's pieces on the pairs of the instance without factory ``f``."""
    old = {(g, k): a for g, k, a in zip(pairs.g.tolist(), pairs.f.tolist(), amount.tolist())}
    return np.array([old.get((g, k + (k >= f)), 0) for g, k in zip(pairs2.g.tolist(), pairs2.f.tolist())])


def busiest_removed(inst):
    """Solve ``inst``, remove its busiest factory; return what a what-if re-plan starts from:
    (pairs, solution, f, inst2, pairs2, greedy plan, warm potentials, carried plan)."""
    pairs = build_pairs(inst)
    sol = optimise(inst, pairs)
    f = int(np.argmax(np.bincount(pairs.f, weights=sol.amount, minlength=inst.shape[1])))
    inst2, (G, F, W) = without(inst, f), inst.shape
    pairs2 = build_pairs(inst2)
    p = sol.warm["potentials"]
    warm = np.concatenate([p[:G], np.delete(p[G : G + F * W].reshape(F, W), f, axis=0).ravel(), p[-1:]])
    return pairs, sol, f, inst2, pairs2, greedy(inst2, pairs2), warm, carried(pairs, sol.amount, pairs2, f)


@pytest.mark.parametrize("seed", [3, 14])
def test_a_replan_is_feasible_no_worse_than_greedy_and_its_bound_holds(seed):
    inst = random_instance(seed, 120, 10, 4)
    pairs, sol, f, inst2, pairs2, g2, warm, prev = busiest_removed(inst)
    assert prev.sum() > 0 and prev.sum() < sol.amount.sum()  # the removed factory's lines are gone
    quick = optimise(inst2, pairs2, seed=g2, warm=warm, previous=prev)
    assert quick.status in ("replan", "optimal")
    assert feasible(inst2, pairs2, quick.amount)
    assert quick.objective <= g2.objective + 1e-6
    lp2 = highs_lp(inst2, pairs2)
    assert quick.lower_bound <= lp2 + 1e-6  # rigorous: below the new LP optimum
    assert quick.lower_bound <= quick.objective
    again = optimise(inst2, pairs2, seed=g2, warm=warm, previous=prev)
    assert np.array_equal(again.amount, quick.amount)


def test_make_fit_drops_what_no_longer_fits():
    inst = random_instance(7, 60, 6, 3)
    pairs = build_pairs(inst)
    plan = optimise(inst, pairs).amount
    busiest = int(np.argmax(np.bincount(pairs.f, weights=plan, minlength=6)))
    inst.free[busiest] //= 3  # its capacity cut: the old plan overruns it there
    assert not feasible(inst, pairs, plan)
    fit = make_fit(inst, pairs, plan)
    assert feasible(inst, pairs, fit)
    assert ((fit == plan) | (fit == 0)).all()
    assert fit[pairs.f == busiest].sum() == 0 and (fit == plan)[pairs.f != busiest].all()


def test_a_stopped_replan_says_stopped_not_replan():
    """A Stop during a what-if re-plan reports "stopped", as a full solve does (it said "replan")."""
    inst = random_instance(3, 120, 10, 4)
    inst.free = inst.free * 4  # room to spare: a re-plan that its warm bound does not prove
    pairs, sol, f, inst2, pairs2, g2, warm, prev = busiest_removed(inst)
    done = optimise(inst2, pairs2, seed=g2, warm=warm, previous=prev)
    assert done.status == "replan" and not done.proven
    halted = optimise(inst2, pairs2, seed=g2, warm=warm, previous=prev, should_stop=lambda: True)
    assert halted.status == "stopped" and not halted.proven
    assert done.objective < halted.objective  # stopped before the repair: the kept plan, topped up
    assert feasible(inst2, pairs2, halted.amount) and halted.objective <= g2.objective + 1e-6


def test_a_replan_places_pieces_its_repair_left_unmet(monkeypatch):
    """Pieces the previous plan placed that the repair leaves unmet get one small MIP
    neighbourhood (replan.QUICK_ROUNDS); without it this re-plan leaves 42 more unmet."""
    from supply.planning import replan as rp

    inst = random_instance(5, 150, 10, 4)
    inst.free = inst.free * 6
    pairs, sol, f, inst2, pairs2, g2, warm, prev = busiest_removed(inst)
    with_mip = optimise(inst2, pairs2, seed=g2, warm=warm, previous=prev)
    monkeypatch.setattr(rp, "QUICK_ROUNDS", 0)
    without_mip = optimise(inst2, pairs2, seed=g2, warm=warm, previous=prev)
    assert with_mip.stats["mip_rounds"] == 1 and "mip_rounds" not in without_mip.stats
    assert with_mip.unmet.sum() < without_mip.unmet.sum()
    assert with_mip.objective < without_mip.objective
    assert feasible(inst2, pairs2, with_mip.amount) and with_mip.objective <= g2.objective + 1e-6
