"""Planning inputs: the tables a plan needs (from the views or given), cleaned, and as arrays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl

from supply.planning.instance import Instance

CATEGORY = "school_uniform"
TRANSPORT_CNY_PER_PIECE_KM = 0.02  # assumption (not a sourced figure): see the module docstring
UNMET_PENALTY_CNY = 1_000.0  # assumption: far above any uniform's unit cost
DEFAULT_UNIT_PRICE = (
    75.0  # CNY; the demo's synthetic school-uniform price (supply/demo/generate.py UNIT_PRICE)
)


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


def _days(values) -> np.ndarray:
    return np.array(values, dtype="datetime64[D]").astype(np.int64)


def to_instance(inputs: PlanInputs) -> tuple[Instance, dict]:
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
    inst = Instance(
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


def with_params(inputs: PlanInputs, **changes) -> PlanInputs:
    """A copy of the inputs with some PlanParams changed."""
    return replace(inputs, params=replace(inputs.params, **changes))
