"""The numerical core of pooled planning, under its old name: arrays in, allocation out.

The code lives in modules by what it does: ``instance`` (arrays, pairs, costs), ``flow``
(the LP as a min-cost flow, its bound and prices; OR-Tools in ``flow_worker``), ``greedy``,
``moq`` (rounding, repair, MIP neighbourhoods), ``mip`` (HiGHS), ``solver`` (the whole
"optimal" method) and ``schedule`` (weeks and sizes).
"""

from supply.planning.flow import FlowResult, lower_bound, solve_lp
from supply.planning.greedy import edf_order, fill, greedy
from supply.planning.instance import (
    Instance,
    Pairs,
    Solution,
    build_pairs,
    feasible,
    haversine_km,
    moq_violations,
    objective_of,
    slack_of,
)
from supply.planning.mip import solve_mip
from supply.planning.schedule import schedule, split_sizes
from supply.planning.solver import PROVEN_GAP, gap_of, optimise

__all__ = [
    "PROVEN_GAP",
    "FlowResult",
    "Instance",
    "Pairs",
    "Solution",
    "build_pairs",
    "edf_order",
    "feasible",
    "fill",
    "gap_of",
    "greedy",
    "haversine_km",
    "lower_bound",
    "moq_violations",
    "objective_of",
    "optimise",
    "schedule",
    "slack_of",
    "solve_lp",
    "solve_mip",
    "split_sizes",
]
