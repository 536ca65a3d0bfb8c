"""What-if scenarios for pooled planning: change the inputs, plan again, compare side by side.

A ``Scenario`` is a named list of changes to ``PlanInputs``: remove factories, scale free
capacity (all factories or some), move deadlines (all schools or some) by days, add a
factory by hand. ``apply`` returns new inputs; the original inputs are never changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import polars as pl

from supply.planning.plan import Plan, PlanInputs, summary


@dataclass(frozen=True)
class AddedFactory:
    """A factory entered by hand: where it is, what it can make per week, its terms."""

    factory_id: str
    name: str
    lon: float
    lat: float
    weekly_pieces: int
    moq_pieces: int = 100
    bulk_lead_days: int = 7
    unit_price: float = 75.0


@dataclass(frozen=True)
class Scenario:
    """A named set of changes to the planning inputs."""

    name: str
    remove_factories: tuple[str, ...] = ()
    capacity_scale: float = 1.0
    scale_factories: tuple[str, ...] = ()  # empty: the scale applies to every factory
    deadline_shift_days: int = 0
    shift_schools: tuple[str, ...] = ()  # empty: every school's deadline moves
    added: tuple[AddedFactory, ...] = field(default_factory=tuple)

    def describe(self) -> dict:
        """The changes as plain values (for tables and JSON)."""
        return {
            "name": self.name,
            "remove_factories": list(self.remove_factories),
            "capacity_scale": self.capacity_scale,
            "scale_factories": list(self.scale_factories),
            "deadline_shift_days": self.deadline_shift_days,
            "shift_schools": list(self.shift_schools),
            "added": [a.factory_id for a in self.added],
        }


def apply(inputs: PlanInputs, scenario: Scenario) -> PlanInputs:
    """The inputs with the scenario's changes made (a new object)."""
    if scenario.capacity_scale < 0:
        raise ValueError("capacity scale must not be negative")
    fac, cap, prices = inputs.factories, inputs.capacity, inputs.prices
    groups, sizes = inputs.groups, inputs.sizes
    if scenario.remove_factories:
        drop = list(scenario.remove_factories)
        fac = fac.filter(~pl.col("factory_id").is_in(drop))
        cap = cap.filter(~pl.col("factory_id").is_in(drop))
        prices = prices.filter(~pl.col("factory_id").is_in(drop))
    if scenario.capacity_scale != 1.0:
        who = (
            pl.col("factory_id").is_in(list(scenario.scale_factories))
            if scenario.scale_factories
            else pl.lit(True)
        )
        scaled = (pl.col("capacity_pieces") * scenario.capacity_scale).round().cast(pl.Int64)
        cap = cap.with_columns(capacity_pieces=pl.when(who).then(scaled).otherwise(pl.col("capacity_pieces")))
        cap = cap.with_columns(
            free_pieces=pl.max_horizontal(pl.col("capacity_pieces") - pl.col("booked_pieces"), 0)
        )
    if scenario.deadline_shift_days:
        who = (
            pl.col("school_id").is_in(list(scenario.shift_schools))
            if scenario.shift_schools
            else pl.lit(True)
        )
        moved = pl.col("deadline") + pl.duration(days=scenario.deadline_shift_days)
        groups = groups.with_columns(deadline=pl.when(who).then(moved).otherwise(pl.col("deadline")))
        sizes = sizes.with_columns(deadline=pl.when(who).then(moved).otherwise(pl.col("deadline")))
        groups = (
            groups.group_by("school_id", "garment", "deadline")
            .agg(pl.col("demand").sum(), pl.exclude("demand").first())
            .select(inputs.groups.columns)
            .sort("school_id", "garment", "deadline")
        )
    for a in scenario.added:
        if a.weekly_pieces < 0 or a.moq_pieces < 1 or a.bulk_lead_days < 0:
            raise ValueError(f"added factory {a.factory_id}: weekly pieces >= 0, MOQ >= 1 and lead days >= 0")
        row = {c: None for c in fac.columns} | {
            "factory_id": a.factory_id,
            "name": a.name,
            "lon": a.lon,
            "lat": a.lat,
            "moq_pieces": a.moq_pieces,
            "bulk_lead_days": a.bulk_lead_days,
        }
        fac = pl.concat(
            [fac.filter(pl.col("factory_id") != a.factory_id), pl.DataFrame([row], schema=fac.schema)]
        ).sort("factory_id")
        weeks = inputs.weeks
        cap = pl.concat(
            [
                cap.filter(pl.col("factory_id") != a.factory_id),
                pl.DataFrame(
                    {
                        "factory_id": [a.factory_id] * len(weeks),
                        "week_start": weeks,
                        "capacity_pieces": [a.weekly_pieces] * len(weeks),
                        "booked_pieces": [0] * len(weeks),
                        "free_pieces": [a.weekly_pieces] * len(weeks),
                    },
                    schema=cap.schema,
                ),
            ]
        ).sort("factory_id", "week_start")
        garments = groups["garment"].unique().sort().to_list()
        prices = pl.concat(
            [
                prices.filter(pl.col("factory_id") != a.factory_id),
                pl.DataFrame(
                    {
                        "factory_id": [a.factory_id] * len(garments),
                        "garment": garments,
                        "unit_price": [float(a.unit_price)] * len(garments),
                        "price_source": ["entered"] * len(garments),
                    },
                    schema=prices.schema,
                ),
            ]
        )
    return replace(
        inputs,
        factories=fac,
        capacity=cap,
        prices=prices,
        groups=groups,
        sizes=sizes,
        notes=[*inputs.notes, f"scenario {scenario.name}"],
    )


def compare(results: dict[str, tuple[Plan, PlanInputs]]) -> pl.DataFrame:
    """One row per scenario: cost, unmet pieces, utilisation before and after, factories used."""
    rows = []
    for name, (plan, inputs) in results.items():
        s = summary(plan, inputs)
        rows.append(
            {
                "scenario": name,
                **{
                    k: s[k]
                    for k in (
                        "total_cost",
                        "production_cost",
                        "transport_cost",
                        "unmet_pieces",
                        "planned_pieces",
                        "utilisation_before",
                        "utilisation_after",
                        "factories_used",
                        "proven_optimal",
                    )
                },
            }
        )
    return pl.DataFrame(rows)


def shifted(day: dt.date, days: int) -> dt.date:
    """A date moved by a number of days."""
    return day + dt.timedelta(days=days)
