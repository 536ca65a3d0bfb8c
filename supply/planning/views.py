"""Views of a plan for pages and comparisons: utilisation after the plan, headline figures,
deliveries by school."""

from __future__ import annotations

import polars as pl

from supply.planning.assemble import Plan
from supply.planning.inputs import PlanInputs


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
        "lower_bound": plan.lower_bound,
        "gap": plan.gap,
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
