"""Pooled school-uniform planning: demand and capacity tables in, a checked plan out.

The cost the model minimises, in CNY, so that anyone can check a plan by hand::

    total_cost = sum over lines of pieces * (unit_price[factory, garment] + TRANSPORT * km(factory, school))
               + UNMET_PENALTY * unmet_pieces

* ``unit_price`` (CNY per piece) comes from the ``orders`` table (query
  ``planning_unit_prices``): the quantity-weighted mean ``unit_price`` of the factory's
  school-uniform orders (status not ``cancelled``) for that garment (a pooled order's SKU
  ends in the garment code, ``SU-<school>-<garment>``); else of all its school-uniform
  orders; else of the cluster's orders for that garment; else ``DEFAULT_UNIT_PRICE``.
* ``km`` is the great-circle (haversine) distance between ``factories.lon/lat`` and
  ``schools.lon/lat`` (WGS-84).
* ``TRANSPORT`` = 0.02 CNY per piece per km and ``UNMET_PENALTY`` = 1,000 CNY per piece
  are assumptions, not sourced figures; both are parameters (``PlanParams``). The penalty
  is far above any unit cost, so the plan leaves a piece unmade only when no factory can
  make it in time.

Constraints: free capacity = ``capacity_pieces - booked_pieces`` of category
``school_uniform`` per factory and week (weeks from the Monday of the snapshot date).
Pieces made in the week starting ``week_start`` reach the school ``bulk_lead_days`` after
the week ends, so they count only if ``week_start + 7 + bulk_lead_days <= deadline``.
A factory's pieces for one school's garment (its *line*, all weeks together) are either 0
or at least the factory's ``moq_pieces``. Sizes are split over the lines after the
allocation (largest remainder), so each school gets exactly the sizes it ordered.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from supply.i18n import t
from supply.planning.assemble import Plan, _assemble
from supply.planning.checks import check_plan, explain_unmet
from supply.planning.flow_worker import prepare
from supply.planning.greedy import greedy
from supply.planning.inputs import (
    _GROUP_KEY,
    CATEGORY,
    DEFAULT_UNIT_PRICE,
    TRANSPORT_CNY_PER_PIECE_KM,
    UNMET_PENALTY_CNY,
    PlanInputs,
    PlanParams,
    inputs_from_frames,
    load_inputs,
    monday,
    to_instance,
    with_params,
)
from supply.planning.instance import build_pairs
from supply.planning.solver import PROVEN_GAP, optimise
from supply.planning.views import deliveries_by_school, summary, utilisation_after
from supply.planning.workorders import (
    PLANS_DIR,
    PublishedPlan,
    _plan_path,
    load_plan,
    publish_plan,
    to_json,
    work_orders_for_factory,
    work_orders_for_school,
)

__all__ = [
    "CATEGORY",
    "DEFAULT_UNIT_PRICE",
    "METHODS",
    "PLANS_DIR",
    "PROVEN_GAP",
    "TRANSPORT_CNY_PER_PIECE_KM",
    "UNMET_PENALTY_CNY",
    "Plan",
    "PlanInputs",
    "PlanParams",
    "PublishedPlan",
    "_plan_path",
    "check_plan",
    "deliveries_by_school",
    "explain_unmet",
    "inputs_from_frames",
    "load_inputs",
    "load_plan",
    "monday",
    "prepare",
    "publish_plan",
    "quality_sentence",
    "solve",
    "summary",
    "to_json",
    "utilisation_after",
    "with_params",
    "work_orders_for_factory",
    "work_orders_for_school",
]

METHODS = ("optimal", "greedy")

Progress = Callable[[float, str], None]


def _warm_potentials(warm: dict | None, inputs: PlanInputs, maps: dict, shape, scale_hint=None):
    """Map a previous plan's node potentials onto this instance (by group key and factory-week)."""
    if not warm:
        return None
    G, F, W = shape
    old = warm["potentials"]
    oG, oF, oW = len(warm["groups"]), len(warm["factory_ids"]), len(warm["weeks"])
    p = np.zeros(G + F * W + 1, dtype=np.int64)
    gi = {k: i for i, k in enumerate(warm["groups"])}
    for i, k in enumerate(inputs.groups.select(_GROUP_KEY).iter_rows()):
        if k in gi:
            p[i] = old[gi[k]]
    fi = {x: i for i, x in enumerate(warm["factory_ids"])}
    wi = {w: i for i, w in enumerate(warm["weeks"])}
    for f, fid in enumerate(maps["factory_ids"]):
        if fid in fi:
            for k, w in enumerate(maps["weeks"]):
                if w in wi:
                    p[G + f * W + k] = old[oG + fi[fid] * oW + wi[w]]
    p[-1] = old[oG + oF * oW]
    return p


def _lines_by_key(inputs: PlanInputs, maps: dict, pairs, amount: np.ndarray) -> dict:
    """A plan's lines as {(group key, factory id): pieces}, to carry over to a what-if."""
    keys = list(inputs.groups.select(_GROUP_KEY).iter_rows())
    fids = maps["factory_ids"]
    lines = np.flatnonzero(amount > 0)
    return {(keys[g], fids[f]): int(a) for g, f, a in zip(pairs.g[lines], pairs.f[lines], amount[lines])}


def _previous_lines(warm: dict | None, inputs: PlanInputs, maps: dict, pairs) -> np.ndarray | None:
    """A previous plan's pieces on this instance's pairs (0 where it had no line), or None."""
    if not warm or "lines" not in warm:
        return None
    keys = list(inputs.groups.select(_GROUP_KEY).iter_rows())
    fids = maps["factory_ids"]
    get = warm["lines"].get
    return np.fromiter(
        (get((keys[g], fids[f]), 0) for g, f in zip(pairs.g.tolist(), pairs.f.tolist())),
        dtype=np.int64,
        count=len(pairs),
    )


def solve(
    inputs: PlanInputs,
    method: str = "optimal",
    time_limit: float | None = None,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
    warm: Plan | None = None,
    replan: bool = False,
) -> Plan:
    """Plan the pooled demand: ``optimal`` (flow LP + MOQ repair + HiGHS MIP) or ``greedy``.

    Parameters
    ----------
    inputs : PlanInputs
        From ``load_inputs`` or ``inputs_from_frames``.
    method : {"optimal", "greedy"}
        ``optimal`` is never worse than ``greedy``.
    time_limit : float, optional
        Outer wall-clock guard in seconds; default ``inputs.params.time_limit_s``.
    progress : callable(fraction, message), optional
    should_stop : callable() -> bool, optional
        Polled during the solve; True returns the best plan so far (not proven, status
        "stopped").
    warm : Plan, optional
        A previous plan of similar inputs (a what-if): its flow potentials start this one.
    replan : bool
        With ``warm``: keep the previous plan where it still fits and repair it (about a
        second; no flow LP, so a looser bound) instead of solving afresh.

    Returns
    -------
    Plan
        With ``lower_bound``, ``gap`` and ``proven_optimal``; ``quality_sentence`` says them.

    Examples
    --------
    >>> plan = solve(load_inputs(db), "optimal")  # doctest: +SKIP
    >>> check_plan(plan, inputs)  # doctest: +SKIP
    []
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {METHODS}")
    say = progress or (lambda f, m: None)
    t0 = time.perf_counter()
    say(0.02, "building the model")
    inst, maps = to_instance(inputs)
    pairs = build_pairs(inst)
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    base = greedy(inst, pairs)
    if method == "greedy":
        sol = base
    else:
        limit = inputs.params.time_limit_s if time_limit is None else time_limit
        start = _warm_potentials(getattr(warm, "warm", None), inputs, maps, inst.shape)
        previous = _previous_lines(getattr(warm, "warm", None), inputs, maps, pairs) if replan else None
        sol = optimise(
            inst,
            pairs,
            time_limit=limit,
            progress=say,
            seed=base,
            warm=start,
            should_stop=should_stop,
            previous=previous,
        )
    solve_s = time.perf_counter() - t1
    say(0.97, "splitting sizes into work orders")
    plan = _assemble(inputs, inst, pairs, maps, sol, method, build_s, solve_s)
    if sol.warm is not None:
        plan.warm = {
            **sol.warm,
            "groups": list(inputs.groups.select(_GROUP_KEY).iter_rows()),
            "factory_ids": maps["factory_ids"],
            "weeks": maps["weeks"],
            "lines": _lines_by_key(inputs, maps, pairs, sol.amount),
        }
    say(1.0, "done")
    return plan


def quality_sentence(plan: Plan, lang: str = "zh") -> str:
    """One sentence on how good the plan is: cost, lower bound, gap, proven optimal or not.

    Parameters
    ----------
    plan : Plan
    lang : {"zh", "en"}

    Returns
    -------
    str

    Examples
    --------
    >>> quality_sentence(plan, "en")  # doctest: +SKIP
    'Total cost 48,970,000 CNY; no plan can cost less than 48,968,100 CNY (gap 0.004%): proven optimal.'
    """
    from supply.i18n import fmt_cny, fmt_pct

    cost = fmt_cny(plan.total_cost, lang)
    if plan.lower_bound is None or not math.isfinite(plan.lower_bound):
        return t("planning.quality.no_bound", lang, cost=cost)
    gap = plan.gap or 0.0
    key = "planning.quality.proven" if plan.proven_optimal else "planning.quality.gap"
    return t(key, lang, cost=cost, bound=fmt_cny(plan.lower_bound, lang), gap=fmt_pct(gap, 4))
