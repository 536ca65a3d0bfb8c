"""A solved allocation turned into a Plan: lines, weekly schedule, work orders by size, unmet."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from supply.data import schema
from supply.planning.inputs import _GROUP_KEY, PlanInputs
from supply.planning.instance import Instance, Pairs, Solution
from supply.planning.schedule import schedule as schedule_of
from supply.planning.schedule import split_sizes


@dataclass
class Plan:
    """A production plan: lines, weekly schedule, work orders by size, unmet pieces, costs."""

    method: str
    status: str  # optimal | gap | replan | time_limit | stopped | heuristic
    proven_optimal: bool
    total_cost: float  # the objective: production + transport + penalty (CNY)
    production_cost: float
    transport_cost: float
    penalty_cost: float
    unmet_pieces: int
    demand_pieces: int
    lower_bound: float | None
    solve_seconds: float
    build_seconds: float
    lines: (
        pl.DataFrame
    )  # school_id, garment, deadline, factory_id, pieces, unit_price, distance_km, unit_cost
    schedule: pl.DataFrame  # school_id, garment, deadline, factory_id, week_start, pieces, delivery_date
    work_orders: (
        pl.DataFrame
    )  # school_id, garment, size, factory_id, week_start, pieces, deadline, delivery_date
    unmet: pl.DataFrame  # school_id, garment, deadline, size, pieces
    stats: dict = field(default_factory=dict)
    snapshot_id: str | None = None
    warm: dict | None = None  # the flow's node potentials, for a what-if re-solve (``solve(warm=plan)``)

    @property
    def gap(self) -> float | None:
        """Relative distance to the lower bound (0 when proven optimal)."""
        if self.lower_bound is None or not math.isfinite(self.lower_bound) or self.total_cost <= 0:
            return None
        return max(0.0, (self.total_cost - self.lower_bound) / self.total_cost)


def _empty_schema(kind: str) -> dict:
    base = {"school_id": pl.String, "garment": pl.String, "deadline": pl.Date}
    return {
        "lines": {
            **base,
            "factory_id": pl.String,
            "pieces": pl.Int64,
            "unit_price": pl.Float64,
            "distance_km": pl.Float64,
            "unit_cost": pl.Float64,
        },
        "schedule": {
            **base,
            "factory_id": pl.String,
            "week_start": pl.Date,
            "pieces": pl.Int64,
            "delivery_date": pl.Date,
        },
        "work_orders": {
            "school_id": pl.String,
            "garment": pl.String,
            "size": pl.String,
            "factory_id": pl.String,
            "week_start": pl.Date,
            "pieces": pl.Int64,
            "deadline": pl.Date,
            "delivery_date": pl.Date,
        },
        "unmet": {**base, "size": pl.String, "pieces": pl.Int64},
    }[kind]


def _size_matrix(inputs: PlanInputs) -> tuple[np.ndarray, list[str]]:
    """(G, S) pieces per group and size, sizes in GB/T order, unknown sizes after them."""
    s = inputs.sizes
    known = [x for x in schema.SIZES if x in set(s["size"].to_list())]
    sizes = known + sorted(set(s["size"].to_list()) - set(known))
    si = {x: i for i, x in enumerate(sizes)}
    keys = inputs.groups.select(_GROUP_KEY).with_row_index("g")
    joined = s.join(keys, on=_GROUP_KEY, how="inner")
    mat = np.zeros((inputs.groups.height, len(sizes)), dtype=np.int64)
    if joined.height:
        np.add.at(
            mat, (joined["g"].to_numpy(), np.array([si[x] for x in joined["size"]])), joined["qty"].to_numpy()
        )
    demand = inputs.groups["demand"].to_numpy()
    gap = demand - mat.sum(axis=1)
    if (gap != 0).any():  # sizes that do not add up to the demand: the rest is "unknown size"
        if "?" not in si:
            sizes.append("?")
            mat = np.hstack([mat, np.zeros((len(demand), 1), dtype=np.int64)])
        mat[:, -1] += np.maximum(gap, 0)
    return mat, sizes


def _assemble(
    inputs: PlanInputs,
    inst: Instance,
    pairs: Pairs,
    maps: dict,
    sol: Solution,
    method: str,
    build_s: float,
    solve_s: float,
) -> Plan:
    """Turn a Solution into a Plan with tables, weekly schedule and exact size split."""
    g = inputs.groups
    weeks = maps["weeks"]
    fids = np.array(maps["factory_ids"], dtype=object)
    lead = inst.lead
    amount = sol.amount
    live = np.flatnonzero(amount > 0)
    school = g["school_id"].to_numpy()
    garment = g["garment"].to_numpy()
    deadline = g["deadline"].to_numpy()
    lines = (
        pl.DataFrame(
            {
                "school_id": school[pairs.g[live]],
                "garment": garment[pairs.g[live]],
                "deadline": deadline[pairs.g[live]],
                "factory_id": fids[pairs.f[live]].astype(str) if len(live) else np.array([], dtype=str),
                "pieces": amount[live],
                "unit_price": inst.price[pairs.f[live], inst.garment[pairs.g[live]]],
                "distance_km": np.nan_to_num(pairs.dist[live]),
                "unit_cost": pairs.cost[live],
            },
            schema=_empty_schema("lines"),
        )
        if len(live)
        else pl.DataFrame(schema=_empty_schema("lines"))
    )
    sp, sw, sq = schedule_of(inst, pairs, amount)
    week_arr = np.array(weeks, dtype="datetime64[D]")
    ws = week_arr[sw] if len(sw) else np.array([], dtype="datetime64[D]")
    deliver = ws + (7 + lead[pairs.f[sp]]).astype("timedelta64[D]") if len(sp) else ws
    schedule = pl.DataFrame(
        {
            "school_id": school[pairs.g[sp]],
            "garment": garment[pairs.g[sp]],
            "deadline": deadline[pairs.g[sp]],
            "factory_id": fids[pairs.f[sp]].astype(str) if len(sp) else np.array([], dtype=str),
            "week_start": ws,
            "pieces": sq,
            "delivery_date": deliver,
        },
        schema=_empty_schema("schedule"),
    )
    # sizes: each group's scheduled lines in (week, factory) order, then its unmet pieces
    mat, sizes = _size_matrix(inputs)
    G = g.height
    line_group = np.concatenate([pairs.g[sp], np.arange(G)])
    line_qty = np.concatenate([sq, sol.unmet])
    order = np.lexsort(
        (
            np.concatenate([pairs.f[sp], np.full(G, len(fids))]),
            np.concatenate([sw, np.full(G, len(weeks))]),
            line_group,
        )
    )
    split = np.zeros((len(line_group), len(sizes)), dtype=np.int64)
    split[order] = split_sizes(line_group[order], line_qty[order], mat)
    size_arr = np.array(sizes, dtype=object)
    n_sched = len(sp)
    li, si = np.nonzero(split[:n_sched])
    work_orders = pl.DataFrame(
        {
            "school_id": school[pairs.g[sp[li]]] if len(li) else np.array([], dtype=str),
            "garment": garment[pairs.g[sp[li]]] if len(li) else np.array([], dtype=str),
            "size": size_arr[si].astype(str) if len(li) else np.array([], dtype=str),
            "factory_id": fids[pairs.f[sp[li]]].astype(str) if len(li) else np.array([], dtype=str),
            "week_start": ws[li],
            "pieces": split[:n_sched][li, si],
            "deadline": deadline[pairs.g[sp[li]]] if len(li) else np.array([], dtype="datetime64[D]"),
            "delivery_date": deliver[li],
        },
        schema=_empty_schema("work_orders"),
    ).sort("factory_id", "week_start", "school_id", "garment")
    ui, usi = np.nonzero(split[n_sched:])
    unmet = pl.DataFrame(
        {
            "school_id": school[ui] if len(ui) else np.array([], dtype=str),
            "garment": garment[ui] if len(ui) else np.array([], dtype=str),
            "deadline": deadline[ui] if len(ui) else np.array([], dtype="datetime64[D]"),
            "size": size_arr[usi].astype(str) if len(ui) else np.array([], dtype=str),
            "pieces": split[n_sched:][ui, usi],
        },
        schema=_empty_schema("unmet"),
    )
    production = float((lines["pieces"] * lines["unit_price"]).sum()) if lines.height else 0.0
    transport = (
        float((lines["pieces"] * lines["distance_km"]).sum()) * inst.transport if lines.height else 0.0
    )
    unmet_pieces = int(sol.unmet.sum())
    penalty = inst.penalty * unmet_pieces
    stats = {
        **sol.stats,
        "groups": G,
        "factories": len(fids),
        "weeks": len(weeks),
        "pairs": len(pairs),
        "penalty_cny_per_piece": inst.penalty,
        "transport_cny_per_piece_km": inst.transport,
    }
    return Plan(
        method=method,
        status=sol.status,
        proven_optimal=sol.proven,
        total_cost=production + transport + penalty,
        production_cost=production,
        transport_cost=transport,
        penalty_cost=penalty,
        unmet_pieces=unmet_pieces,
        demand_pieces=int(inst.demand.sum()),
        lower_bound=sol.lower_bound if math.isfinite(sol.lower_bound) else None,
        solve_seconds=solve_s,
        build_seconds=build_s,
        lines=lines.sort("factory_id", "school_id", "garment"),
        schedule=schedule.sort("factory_id", "week_start", "school_id", "garment"),
        work_orders=work_orders,
        unmet=unmet,
        stats=stats,
    )
