"""The pandas reference of bench_pages.py: each page's figures computed with pandas from the Parquet.

What a careful analyst would write without the engine: ``pd.read_parquet`` of the columns a
page needs (with pyarrow filters where a scope is one factory), joins and group-bys in pandas,
a planner's cells suppressed below 3 factories. Same scope, cluster and week window as the
page's queries; the figures are not compared here (tests compare the engine with Polars), only
the time. ``time_role`` returns {page: median seconds}.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path

import pandas as pd

from supply.data.store import Store
from supply.nav import pages_for

CLUSTER = "zhili"
CELL = ["cluster_id", "adcode", "pooled_planning", "category", "week_start"]


class Scope:
    """The tables of one snapshot as one role may see them, read on demand."""

    def __init__(self, snap, role: str, factory: str):
        self.snap, self.role, self.factory = snap, role, factory
        fac = pd.read_parquet(snap.table_path("factories"))
        self.factories = fac
        if role == "association":
            self.ids = fac.loc[(fac.cluster_id == CLUSTER) & fac.association_member, "factory_id"].tolist()
        elif role == "factory":
            self.ids = [factory]
        else:
            self.ids = None
        start = snap.as_of - dt.timedelta(days=snap.as_of.weekday())
        self.window = (pd.Timestamp(start), pd.Timestamp(start + dt.timedelta(weeks=12)))

    def read(self, table: str, columns: list[str]) -> pd.DataFrame:
        """One table's columns in scope (a factory owner's through a pyarrow filter)."""
        if table not in self.snap.tables:
            return pd.DataFrame(columns=columns)
        filters = (
            [("factory_id", "in", self.ids)] if self.ids is not None and "factory_id" in columns else None
        )
        frame = pd.read_parquet(self.snap.table_path(table), columns=columns, filters=filters)
        for c in frame.columns:
            if c in ("week_start", "due_date", "as_of", "order_date"):
                frame[c] = pd.to_datetime(frame[c])
        return frame

    def capacity(self) -> pd.DataFrame:
        """Capacity in the window joined to the factory attributes; a planner's as suppressed cells."""
        cap = self.read(
            "capacity", ["factory_id", "week_start", "category", "capacity_pieces", "booked_pieces"]
        )
        cap = cap[(cap.week_start >= self.window[0]) & (cap.week_start < self.window[1])]
        cap = cap.merge(
            self.factories[["factory_id", "cluster_id", "adcode", "pooled_planning"]], on="factory_id"
        )
        if self.role != "planner":
            return cap
        cells = cap.groupby(CELL, dropna=False).agg(
            capacity_pieces=("capacity_pieces", "sum"), booked_pieces=("booked_pieces", "sum"),
            n_factories=("factory_id", "nunique"),
        ).reset_index()  # fmt: skip
        small = cells.n_factories < 3
        cells.loc[small, ["capacity_pieces", "booked_pieces"]] = None
        return cells


def _overview(s: Scope):
    cap = s.capacity()
    cap = cap[cap.cluster_id == CLUSTER]
    weekly = cap.groupby(["week_start", "category"])[["capacity_pieces", "booked_pieces"]].sum()
    orders = s.read("orders", ["factory_id", "status", "qty"])
    orders = orders.merge(s.factories[["factory_id", "cluster_id"]], on="factory_id")
    open_ = orders[(orders.cluster_id == CLUSTER) & orders.status.isin(["open", "in_production"])]
    stock = s.read("inventory", ["factory_id", "as_of", "on_hand_pieces", "unit_cost"])
    latest = stock[stock.as_of == stock.as_of.max()]
    return weekly, len(open_), open_.qty.sum(), (latest.on_hand_pieces * latest.unit_cost).sum()


def _members(s: Scope):
    cap = s.capacity()
    if s.role == "planner":
        return cap
    per = cap[cap.cluster_id == CLUSTER].groupby("factory_id")[["capacity_pieces", "booked_pieces"]].sum()
    return per.join(s.factories.set_index("factory_id")).sort_values("capacity_pieces", ascending=False)


def _map(s: Scope):
    fac = s.factories[(s.factories.cluster_id == CLUSTER) & s.factories.lon.notna()]
    county = s.capacity().groupby(["adcode", "category"])[["capacity_pieces", "booked_pieces"]].sum()
    return fac.merge(
        _members(s).reset_index(), on="factory_id", how="left"
    ) if s.role != "planner" else fac, county


def _capacity(s: Scope):
    cap = s.capacity()
    cap = cap[cap.cluster_id == CLUSTER]
    county = cap.groupby(["adcode", "category"])[["capacity_pieces", "booked_pieces"]].sum()
    weekly = cap.groupby(["week_start", "category"])[["capacity_pieces", "booked_pieces"]].sum()
    return county, weekly, _members(s)


def _demand(s: Scope):
    demand = s.read("demand", ["school_id", "grade", "class_name", "qty", "collected_at"])
    schools = s.read("schools", ["school_id", "adcode", "students"])
    return (
        demand.groupby("school_id")
        .agg(pieces=("qty", "sum"), classes=("class_name", "nunique"))
        .join(schools.set_index("school_id"), how="right")
    )


def _planning(s: Scope):
    cap = s.capacity()
    free = cap[cap.category == "school_uniform"].assign(free=lambda d: d.capacity_pieces - d.booked_pieces)
    demand = s.read("demand", ["school_id", "garment", "deadline", "size", "qty"])
    return free.groupby(["factory_id", "week_start"]).free.sum(), demand.groupby(
        ["school_id", "garment", "deadline", "size"]
    ).qty.sum()


def _inventory(s: Scope):
    stock = s.read("inventory", ["factory_id", "as_of", "on_hand_pieces", "unit_cost"])
    stock = stock.merge(s.factories[["factory_id", "cluster_id"]], on="factory_id")
    stock = stock[stock.cluster_id == CLUSTER]
    by_date = (
        stock.assign(value=stock.on_hand_pieces * stock.unit_cost)
        .groupby("as_of")[["on_hand_pieces", "value"]]
        .sum()
    )
    return by_date, _demand(s)


def _my_factory(s: Scope):
    own = Scope(s.snap, "factory", s.factory) if s.role != "factory" else s
    cap = own.read("capacity", ["factory_id", "week_start", "category", "capacity_pieces", "booked_pieces"])
    orders = own.read(
        "orders", ["order_id", "factory_id", "buyer_id", "qty", "unit_price", "due_date", "status"]
    )
    stock = own.read("inventory", ["factory_id", "sku", "size", "as_of", "on_hand_pieces", "unit_cost"])
    return cap, orders.sort_values("due_date", ascending=False), stock[stock.as_of == stock.as_of.max()]


def _history(s: Scope, previous: Scope):
    counts = {t: len(s.read(t, [c])) for t, c in (("capacity", "factory_id"), ("orders", "factory_id"))}
    a, b = previous.capacity(), s.capacity()
    keys = CELL if s.role == "planner" else ["factory_id", "week_start", "category"]
    both = a.merge(b, on=keys, how="outer", suffixes=("_a", "_b"), indicator=True)
    changed = (both._merge == "both") & (both.capacity_pieces_a != both.capacity_pieces_b)
    by_county = both.groupby([k for k in ("adcode_a", "category") if k in both] or ["category"])[
        ["capacity_pieces_a", "capacity_pieces_b"]
    ].sum()
    return counts, int(changed.sum()), by_county


PAGES = {
    "overview": _overview, "map": _map, "capacity": _capacity, "demand": _demand, "planning": _planning,
    "inventory": _inventory, "my_factory": _my_factory,
}  # fmt: skip


def time_role(data: Path, role: str, factory: str, repeat: int) -> dict:
    """Median seconds of each page's pandas reference for one role (reading the files each time)."""
    snaps = Store(data).list()
    out = {}
    for spec in pages_for(role):
        if spec.key not in PAGES and spec.key != "history":
            continue
        runs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            scope = Scope(snaps[-1], role, factory)
            if spec.key == "history":
                _history(scope, Scope(snaps[-2], role, factory))
            else:
                PAGES[spec.key](scope)
            runs.append(time.perf_counter() - t0)
        out[spec.key] = round(statistics.median(runs), 4)
    return {"role": role, "pages": out}
