"""Work orders of a plan: per factory or school, as JSON, published per snapshot and read back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from supply.planning.assemble import Plan

PLANS_DIR = "plans"  # DATA_DIR/plans/<snapshot_id>.parquet: the published plan of a snapshot


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
