"""Pooled school-uniform planning (DESIGN.md §7): demand and capacity tables in, a checked plan out.

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

import datetime as dt
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import polars as pl

from supply.data import schema
from supply.planning import model as pm

CATEGORY = "school_uniform"
TRANSPORT_CNY_PER_PIECE_KM = 0.02  # assumption (not a sourced figure): see the module docstring
UNMET_PENALTY_CNY = 1_000.0  # assumption: far above any uniform's unit cost
DEFAULT_UNIT_PRICE = (
    75.0  # CNY; the demo's synthetic school-uniform price (supply/demo/generate.py UNIT_PRICE)
)
METHODS = ("optimal", "greedy")
PLANS_DIR = "plans"  # DATA_DIR/plans/<snapshot_id>.parquet: the published plan of a snapshot

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class PlanParams:
    """The constants of the cost and of the solver."""

    transport_cny_per_piece_km: float = TRANSPORT_CNY_PER_PIECE_KM
    unmet_penalty_cny: float = UNMET_PENALTY_CNY
    max_km: float | None = None  # a factory serves schools within this distance (None: any)
    time_limit_s: float | None = 60.0
    mip_rel_gap: float = 1e-6


@dataclass
class PlanInputs:
    """Everything a plan needs, as tables (see ``inputs_from_frames`` for the columns)."""

    groups: pl.DataFrame  # school_id, garment, deadline, demand, lon, lat, school_name, adcode
    sizes: pl.DataFrame  # school_id, garment, deadline, size, qty
    factories: pl.DataFrame  # factory_id, name, lon, lat, moq_pieces, bulk_lead_days
    capacity: pl.DataFrame  # factory_id, week_start, capacity_pieces, booked_pieces, free_pieces
    prices: pl.DataFrame  # factory_id, garment, unit_price, price_source
    start: dt.date  # first Monday of the horizon
    params: PlanParams = field(default_factory=PlanParams)
    notes: list[str] = field(default_factory=list)

    @property
    def weeks(self) -> list[dt.date]:
        """Mondays of the horizon, ascending."""
        return sorted(set(self.capacity["week_start"].to_list()))


_GROUP_KEY = ["school_id", "garment", "deadline"]


def monday(day: dt.date) -> dt.date:
    """The Monday of the week that holds ``day``."""
    return day - dt.timedelta(days=day.weekday())


def inputs_from_frames(
    groups: pl.DataFrame,
    sizes: pl.DataFrame,
    factories: pl.DataFrame,
    capacity: pl.DataFrame,
    prices: pl.DataFrame,
    start: dt.date,
    params: PlanParams | None = None,
) -> PlanInputs:
    """Clean the query results into PlanInputs: weeks from ``start``, free >= 0, prices filled.

    ``groups`` has one row per school x garment x deadline with ``demand`` pieces;
    ``capacity`` has one row per factory and week (category school_uniform already chosen).
    """
    notes: list[str] = []
    start = monday(start)
    cap = (
        capacity.filter(pl.col("week_start") >= start)
        .with_columns(free_pieces=pl.max_horizontal(pl.col("capacity_pieces") - pl.col("booked_pieces"), 0))
        .select("factory_id", "week_start", "capacity_pieces", "booked_pieces", "free_pieces")
        .sort("factory_id", "week_start")
    )
    fac = factories.filter(pl.col("factory_id").is_in(cap["factory_id"].unique().implode()))
    no_xy = fac.filter(pl.col("lon").is_null() | pl.col("lat").is_null())
    if no_xy.height:
        notes.append(
            f"factories without coordinates left out: {', '.join(no_xy['factory_id'].to_list()[:10])}"
        )
        fac = fac.filter(pl.col("lon").is_not_null() & pl.col("lat").is_not_null())
    fac = fac.with_columns(pl.col("moq_pieces").fill_null(1), pl.col("bulk_lead_days").fill_null(0)).sort(
        "factory_id"
    )
    cap = cap.filter(pl.col("factory_id").is_in(fac["factory_id"].implode()))
    grp = groups.filter(pl.col("demand") > 0).sort(_GROUP_KEY)
    missing_xy = grp.filter(pl.col("lon").is_null() | pl.col("lat").is_null())
    if missing_xy.height:
        notes.append(
            "schools without coordinates are planned with distance 0: "
            + ", ".join(missing_xy["school_id"].unique().sort().to_list()[:10])
        )
    price = (
        fac.select("factory_id")
        .join(grp.select("garment").unique(), how="cross")
        .join(
            prices.select("factory_id", "garment", "unit_price", "price_source"),
            on=["factory_id", "garment"],
            how="left",
        )
        .with_columns(
            price_source=pl.when(pl.col("unit_price").is_null())
            .then(pl.lit("default"))
            .otherwise(pl.col("price_source")),
            unit_price=pl.col("unit_price").fill_null(DEFAULT_UNIT_PRICE),
        )
        .sort("factory_id", "garment")
    )
    return PlanInputs(
        groups=grp,
        sizes=sizes.filter(pl.col("qty") > 0),
        factories=fac,
        capacity=cap,
        prices=price,
        start=start,
        params=params or PlanParams(),
        notes=notes,
    )


def load_inputs(
    db,
    start: dt.date | None = None,
    cluster_id: str | None = None,
    members_only: bool = True,
    pooled_only: bool = False,
    weeks: int = 26,
    params: PlanParams | None = None,
) -> PlanInputs:
    """Run the planning queries on a scoped ``supply.engine.db.Database`` and build PlanInputs."""
    start = monday(start or db.snapshot.as_of)
    member = True if members_only else None
    factories = db.run("planning_factories", cluster_id=cluster_id, member=member)
    if pooled_only:
        factories = factories.filter(pl.col("pooled_planning"))
    capacity = db.run(
        "planning_free_capacity",
        cluster_id=cluster_id,
        member=member,
        week_from=start,
        week_to=start + dt.timedelta(weeks=weeks),
    )
    capacity = capacity.filter(pl.col("factory_id").is_in(factories["factory_id"].implode()))
    return inputs_from_frames(
        db.run("planning_demand_groups"),
        db.run("planning_demand_sizes"),
        factories,
        capacity,
        db.run("planning_unit_prices", cluster_id=cluster_id),
        start,
        params,
    )


# -- arrays ---------------------------------------------------------------------------------


def _days(values) -> np.ndarray:
    return np.array(values, dtype="datetime64[D]").astype(np.int64)


def to_instance(inputs: PlanInputs) -> tuple[pm.Instance, dict]:
    """The numerical instance and the index maps (group keys, factory ids, weeks, garments)."""
    g, f, p = inputs.groups, inputs.factories, inputs.params
    weeks = inputs.weeks
    if g.height and f.height:  # weeks after the last one any line could use add nothing
        last = max(g["deadline"].to_list()) - dt.timedelta(days=7 + int(f["bulk_lead_days"].min()))
        weeks = [w for w in weeks if w <= last] or weeks[:1]
    garments = sorted(set(g["garment"].to_list()) | set(inputs.prices["garment"].to_list()))
    gi = {x: i for i, x in enumerate(garments)}
    fids = f["factory_id"].to_list()
    fi = {x: i for i, x in enumerate(fids)}
    wi = {w: i for i, w in enumerate(weeks)}
    free = np.zeros((len(fids), len(weeks)), dtype=np.int64)
    c = inputs.capacity.filter(pl.col("week_start").is_in(weeks))
    if c.height:
        free[[fi[x] for x in c["factory_id"]], [wi[w] for w in c["week_start"]]] = c["free_pieces"].to_numpy()
    price = np.full((len(fids), max(len(garments), 1)), DEFAULT_UNIT_PRICE)
    pr = inputs.prices.filter(pl.col("factory_id").is_in(fids))
    if pr.height:
        price[[fi[x] for x in pr["factory_id"]], [gi[x] for x in pr["garment"]]] = pr["unit_price"].to_numpy()
    penalty = max(p.unmet_penalty_cny, 10 * float(price.max()) if price.size else 0.0)
    inst = pm.Instance(
        demand=g["demand"].to_numpy(),
        deadline=_days(g["deadline"].to_list()),
        garment=np.array([gi[x] for x in g["garment"]], dtype=np.int64),
        glon=g["lon"].fill_null(0.0).to_numpy(),
        glat=g["lat"].fill_null(0.0).to_numpy(),
        lead=f["bulk_lead_days"].to_numpy(),
        moq=f["moq_pieces"].to_numpy(),
        flon=f["lon"].to_numpy(),
        flat=f["lat"].to_numpy(),
        price=price,
        week_start=_days(weeks),
        free=free,
        transport=p.transport_cny_per_piece_km,
        penalty=penalty,
        max_km=p.max_km,
    )
    if g["lon"].null_count():  # unknown place: distance 0 (noted in inputs.notes)
        unknown = g["lon"].is_null().to_numpy()
        inst.glon[unknown], inst.glat[unknown] = np.nan, np.nan
    return inst, {"garments": garments, "factory_ids": fids, "weeks": weeks}


# -- the plan -------------------------------------------------------------------------------


@dataclass
class Plan:
    """A production plan: lines, weekly schedule, work orders by size, unmet pieces, costs."""

    method: str
    status: str  # optimal | time_limit | heuristic
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
    inst: pm.Instance,
    pairs: pm.Pairs,
    maps: dict,
    sol: pm.Solution,
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
    sp, sw, sq = pm.schedule(inst, pairs, amount)
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
    split[order] = pm.split_sizes(line_group[order], line_qty[order], mat)
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


def solve(
    inputs: PlanInputs,
    method: str = "optimal",
    time_limit: float | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Plan the pooled demand: ``optimal`` (HiGHS) or ``greedy`` (the baseline).

    Parameters
    ----------
    inputs : PlanInputs
        From ``load_inputs`` or ``inputs_from_frames``.
    method : {"optimal", "greedy"}
        ``optimal`` is never worse than ``greedy``: when the time limit stops the solver,
        the better of its best plan and the greedy plan is returned, marked not proven.
    time_limit : float, optional
        Seconds; default ``inputs.params.time_limit_s``.
    progress : callable(fraction, message), optional

    Returns
    -------
    Plan

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
    pairs = pm.build_pairs(inst)
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    base = pm.greedy(inst, pairs)
    if method == "greedy":
        sol = base
    else:
        limit = inputs.params.time_limit_s if time_limit is None else time_limit
        sol = pm.optimise(
            inst, pairs, time_limit=limit, rel_gap=inputs.params.mip_rel_gap, progress=say, seed=base
        )
        if sol.objective > base.objective + 1e-6:  # only possible when not proven
            base.status, base.lower_bound, base.stats = (
                "time_limit",
                sol.lower_bound,
                {**sol.stats, "fallback": "greedy"},
            )
            sol = base
    solve_s = time.perf_counter() - t1
    say(0.95, "splitting sizes into work orders")
    plan = _assemble(inputs, inst, pairs, maps, sol, method, build_s, solve_s)
    say(1.0, "done")
    return plan


# -- checks ---------------------------------------------------------------------------------


def check_plan(plan: Plan, inputs: PlanInputs) -> list[str]:
    """Every way the plan breaks capacity, deadlines, MOQ, sizes or the demand; [] if none."""
    problems: list[str] = []
    s = plan.schedule
    if s.height and (s["pieces"] <= 0).any():
        problems.append("schedule has lines with no pieces")
    # capacity per factory and week
    used = s.group_by("factory_id", "week_start").agg(pl.col("pieces").sum())
    over = used.join(inputs.capacity, on=["factory_id", "week_start"], how="left").filter(
        pl.col("free_pieces").is_null() | (pl.col("pieces") > pl.col("free_pieces"))
    )
    for r in over.head(20).iter_rows(named=True):
        problems.append(
            f"capacity: factory {r['factory_id']} week {r['week_start']} plans {r['pieces']} "
            f"pieces, free {r['free_pieces']}"
        )
    # deadlines: week end + lead time on or before the deadline
    lead = inputs.factories.select("factory_id", "bulk_lead_days")
    late = s.join(lead, on="factory_id", how="left").filter(
        pl.col("bulk_lead_days").is_null()
        | (pl.col("week_start") + pl.duration(days=7 + pl.col("bulk_lead_days")) > pl.col("deadline"))
        | (pl.col("week_start") < inputs.start)
    )
    for r in late.head(20).iter_rows(named=True):
        problems.append(
            f"deadline: {r['school_id']} {r['garment']} from {r['factory_id']} week "
            f"{r['week_start']} arrives after {r['deadline']}"
        )
    # MOQ per line (school x garment x factory, all weeks)
    per_line = s.group_by("school_id", "garment", "deadline", "factory_id").agg(pl.col("pieces").sum())
    small = per_line.join(
        inputs.factories.select("factory_id", "moq_pieces"), on="factory_id", how="left"
    ).filter(pl.col("pieces") < pl.col("moq_pieces").fill_null(1))
    for r in small.head(20).iter_rows(named=True):
        problems.append(
            f"MOQ: {r['school_id']} {r['garment']} at {r['factory_id']}: {r['pieces']} pieces "
            f"< MOQ {r['moq_pieces']}"
        )
    # sizes: work orders + unmet = demand, per school x garment x deadline x size
    want = inputs.sizes.group_by("school_id", "garment", "deadline", "size").agg(pl.col("qty").sum())
    got = pl.concat(
        [
            plan.work_orders.select("school_id", "garment", "deadline", "size", "pieces"),
            plan.unmet.select("school_id", "garment", "deadline", "size", "pieces"),
        ]
    )
    got = got.group_by("school_id", "garment", "deadline", "size").agg(pl.col("pieces").sum())
    diff = want.join(got, on=["school_id", "garment", "deadline", "size"], how="full", coalesce=True).filter(
        pl.col("qty").fill_null(0) != pl.col("pieces").fill_null(0)
    )
    for r in diff.head(20).iter_rows(named=True):
        problems.append(
            f"sizes: {r['school_id']} {r['garment']} {r['size']}: ordered {r['qty'] or 0}, "
            f"planned + unmet {r['pieces'] or 0}"
        )
    if plan.work_orders.height and (plan.work_orders["pieces"] <= 0).any():
        problems.append("work orders with no pieces")
    # the schedule and the work orders tell the same story
    if int(s["pieces"].sum() or 0) != int(plan.work_orders["pieces"].sum() or 0):
        problems.append("work orders do not add up to the schedule")
    if int(s["pieces"].sum() or 0) + plan.unmet_pieces != int(inputs.groups["demand"].sum() or 0):
        problems.append("planned + unmet pieces differ from the demand")
    return problems


# -- views of a plan ------------------------------------------------------------------------


def work_orders_for_factory(plan, factory_id: str) -> pl.DataFrame:
    """One factory's work orders and nothing of any other factory's: school, garment, size,
    production week, pieces, the school's deadline and the delivery date.

    ``plan`` is a Plan or a published plan (``load_plan``); "My factory" calls this.
    """
    return (
        plan.work_orders.filter(pl.col("factory_id") == factory_id)
        .drop("factory_id")
        .sort("week_start", "school_id", "garment", "size")
    )


def work_orders_for_school(plan: Plan, school_id: str) -> pl.DataFrame:
    """One school's work orders: which factory makes which sizes in which week."""
    return plan.work_orders.filter(pl.col("school_id") == school_id)


def utilisation_after(plan: Plan, inputs: PlanInputs) -> pl.DataFrame:
    """Per factory and week: capacity, booked, planned, utilisation before and after the plan."""
    planned = plan.schedule.group_by("factory_id", "week_start").agg(planned_pieces=pl.col("pieces").sum())
    return (
        inputs.capacity.join(planned, on=["factory_id", "week_start"], how="left")
        .with_columns(pl.col("planned_pieces").fill_null(0))
        .with_columns(
            utilisation_before=pl.col("booked_pieces")
            / pl.when(pl.col("capacity_pieces") > 0).then(pl.col("capacity_pieces")),
            utilisation_after=(pl.col("booked_pieces") + pl.col("planned_pieces"))
            / pl.when(pl.col("capacity_pieces") > 0).then(pl.col("capacity_pieces")),
        )
        .sort("factory_id", "week_start")
    )


def summary(plan: Plan, inputs: PlanInputs) -> dict:
    """Headline figures of a plan (for side-by-side comparison of methods and scenarios)."""
    cap = inputs.capacity
    total_cap = int(cap["capacity_pieces"].sum() or 0)
    booked = int(cap["booked_pieces"].sum() or 0)
    planned = int(plan.schedule["pieces"].sum() or 0)
    return {
        "method": plan.method,
        "status": plan.status,
        "proven_optimal": plan.proven_optimal,
        "total_cost": plan.total_cost,
        "production_cost": plan.production_cost,
        "transport_cost": plan.transport_cost,
        "penalty_cost": plan.penalty_cost,
        "demand_pieces": plan.demand_pieces,
        "planned_pieces": planned,
        "unmet_pieces": plan.unmet_pieces,
        "cost_per_piece": (plan.production_cost + plan.transport_cost) / planned if planned else None,
        "utilisation_before": booked / total_cap if total_cap else None,
        "utilisation_after": (booked + planned) / total_cap if total_cap else None,
        "factories_used": plan.lines["factory_id"].n_unique() if plan.lines.height else 0,
        "lines": plan.lines.height,
        "solve_seconds": plan.solve_seconds,
    }


def deliveries_by_school(plan: Plan, inputs: PlanInputs) -> pl.DataFrame:
    """Per school: deadline, pieces ordered, planned, unmet, first and last delivery date, on time."""
    g = inputs.groups.group_by("school_id").agg(
        pl.col("school_name").first(),
        pl.col("deadline").min().alias("deadline"),
        pl.col("demand").sum().alias("demand_pieces"),
    )
    s = plan.schedule.group_by("school_id").agg(
        pl.col("pieces").sum().alias("planned_pieces"),
        pl.col("delivery_date").min().alias("first_delivery"),
        pl.col("delivery_date").max().alias("last_delivery"),
        (pl.col("delivery_date") <= pl.col("deadline")).all().alias("on_time"),
    )
    u = plan.unmet.group_by("school_id").agg(pl.col("pieces").sum().alias("unmet_pieces"))
    return (
        g.join(s, on="school_id", how="left")
        .join(u, on="school_id", how="left")
        .with_columns(pl.col("planned_pieces").fill_null(0), pl.col("unmet_pieces").fill_null(0))
        .sort("school_id")
    )


def explain_unmet(plan: Plan, inputs: PlanInputs) -> pl.DataFrame:
    """Why pieces are unmet, per school x garment: deadline, category, reason and the shortfall.

    ``reason`` is one of: ``deadline`` (no factory can deliver by the deadline after its
    lead time), ``no_capacity`` (no free capacity before the deadline), ``moq`` (every
    factory's MOQ is above the order), ``capacity`` (the pooled demand due by some date on
    or after this deadline exceeds the capacity that can deliver by that date; the worst
    such date is ``short_by_date``, short by ``shortfall_pieces``), ``taken`` (capacity is
    there, but cheaper demand holds it, or what is left is below the factories' MOQ).
    """
    cols = {
        "school_id": pl.String,
        "school_name": pl.String,
        "garment": pl.String,
        "deadline": pl.Date,
        "category": pl.String,
        "demand_pieces": pl.Int64,
        "unmet_pieces": pl.Int64,
        "reason": pl.String,
        "short_by_date": pl.Date,
        "capacity_by_deadline": pl.Int64,
        "demand_by_deadline": pl.Int64,
        "shortfall_pieces": pl.Int64,
    }
    short = plan.unmet.group_by(_GROUP_KEY).agg(pl.col("pieces").sum().alias("unmet_pieces"))
    if short.height == 0:
        return pl.DataFrame(schema=cols)
    inst, maps = to_instance(inputs)
    G, F, W = inst.shape
    keys = inputs.groups.select(_GROUP_KEY).with_row_index("g")
    rows = short.join(keys, on=_GROUP_KEY).sort("g")
    cum = np.cumsum(inst.free, axis=1) if W else np.zeros((F, 0), dtype=np.int64)
    # capacity that can deliver by each distinct deadline, and the demand due by then
    days = np.unique(inst.deadline)
    cut = np.searchsorted(inst.week_start, days[:, None] - 7 - inst.lead[None, :], side="right") - 1  # (D, F)
    cap_by = np.where(cut >= 0, cum[np.arange(F)[None, :], np.maximum(cut, 0)], 0).sum(axis=1)
    dem_by = np.array([inst.demand[inst.deadline <= d].sum() for d in days])
    gap_by = dem_by - cap_by
    out = {
        k: []
        for k in ("reason", "short_by_date", "capacity_by_deadline", "demand_by_deadline", "shortfall_pieces")
    }
    for g in rows["g"].to_numpy():
        cutoff = np.searchsorted(inst.week_start, inst.deadline[g] - 7 - inst.lead, side="right") - 1
        reach = cutoff >= 0
        if inst.max_km is not None:
            km = pm.haversine_km(inst.glon[g], inst.glat[g], inst.flon, inst.flat)
            reach &= np.nan_to_num(km, nan=0.0) <= inst.max_km
        cap = np.where(reach, cum[np.arange(F), np.maximum(cutoff, 0)], 0)
        later = np.flatnonzero(days >= inst.deadline[g])
        worst = later[np.argmax(gap_by[later])]
        if not reach.any():
            reason = "deadline"
        elif cap.sum() == 0:
            reason = "no_capacity"
        elif (inst.moq[reach & (cap > 0)] > inst.demand[g]).all():
            reason = "moq"
        elif gap_by[worst] > 0:
            reason = "capacity"
        else:
            reason = "taken"
        out["reason"].append(reason)
        out["short_by_date"].append(np.datetime64(int(days[worst]), "D").astype(dt.date))
        out["capacity_by_deadline"].append(int(cap_by[worst]))
        out["demand_by_deadline"].append(int(dem_by[worst]))
        out["shortfall_pieces"].append(max(0, int(gap_by[worst])))
    groups = inputs.groups.with_row_index("g").select("g", "school_name", "demand")
    return (
        rows.with_columns(**{k: pl.Series(v) for k, v in out.items()})
        .join(groups, on="g")
        .with_columns(category=pl.lit(CATEGORY), demand_pieces=pl.col("demand"))
        .select(list(cols))
        .cast(cols)
        .sort("deadline", "school_id", "garment")
    )


# -- output ---------------------------------------------------------------------------------


def to_json(plan: Plan) -> dict:
    """The plan as one JSON-ready object (keys of `python -m supply plan --json`)."""
    wo = plan.work_orders.select("school_id", "garment", "size", "factory_id", "week_start", "pieces")
    assignments = [{**r, "week_start": r["week_start"].isoformat()} for r in wo.iter_rows(named=True)]
    lines = [
        {
            **r,
            "deadline": r["deadline"].isoformat(),
            "unit_price": round(r["unit_price"], 4),
            "distance_km": round(r["distance_km"], 4),
            "unit_cost": round(r["unit_cost"], 4),
        }
        for r in plan.lines.iter_rows(named=True)
    ]
    unmet = [{**r, "deadline": r["deadline"].isoformat()} for r in plan.unmet.iter_rows(named=True)]
    return {
        "total_cost": round(plan.total_cost, 2),
        "unmet_pieces": plan.unmet_pieces,
        "assignments": assignments,
        "method": plan.method,
        "solve_seconds": round(plan.solve_seconds, 4),
        "status": plan.status,
        "proven_optimal": plan.proven_optimal,
        "lower_bound": None if plan.lower_bound is None else round(plan.lower_bound, 2),
        "production_cost": round(plan.production_cost, 2),
        "transport_cost": round(plan.transport_cost, 2),
        "penalty_cost": round(plan.penalty_cost, 2),
        "penalty_cny_per_piece": plan.stats.get("penalty_cny_per_piece"),
        "transport_cny_per_piece_km": plan.stats.get("transport_cny_per_piece_km"),
        "demand_pieces": plan.demand_pieces,
        "build_seconds": round(plan.build_seconds, 4),
        "snapshot_id": plan.snapshot_id,
        "lines": lines,
        "unmet": unmet,
    }


def _plan_path(store, snapshot_id: str) -> Path:
    return Path(store.data_dir) / PLANS_DIR / f"{snapshot_id}.parquet"


def publish_plan(store, snapshot_id: str, plan: Plan) -> Path:
    """Save the plan's work orders as the published plan of a snapshot (atomic replace)."""
    path = _plan_path(store, snapshot_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    meta = {k: v for k, v in to_json(plan).items() if k not in ("assignments", "lines", "unmet")}
    plan.work_orders.write_parquet(tmp)
    path.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
    return path


@dataclass
class PublishedPlan:
    """A plan as published: its work orders and headline figures (no inputs needed)."""

    work_orders: pl.DataFrame
    meta: dict


def load_plan(store, snapshot_id: str) -> PublishedPlan | None:
    """The published plan of a snapshot, or None when none was published."""
    path = _plan_path(store, snapshot_id)
    if not path.is_file():
        return None
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    return PublishedPlan(pl.read_parquet(path), meta)


def with_params(inputs: PlanInputs, **changes) -> PlanInputs:
    """A copy of the inputs with some PlanParams changed."""
    return replace(inputs, params=replace(inputs.params, **changes))
