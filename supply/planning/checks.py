"""Checks of a plan against its inputs, and why demand is unmet."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from supply.planning.assemble import Plan
from supply.planning.inputs import _GROUP_KEY, CATEGORY, PlanInputs, to_instance
from supply.planning.instance import haversine_km


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
            km = haversine_km(inst.glon[g], inst.glat[g], inst.flon, inst.flat)
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
