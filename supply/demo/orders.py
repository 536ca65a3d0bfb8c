"""Direct order lines with persistent buyers, and pooled school-uniform lines from class demand.

Direct lines are spread over factories in proportion to their size. Buyers are persistent:
each buyer trades with a few factories of one cluster (1-6, more often with large ones) and
orders from them again and again, most of all from its first; each buyer reorders a dozen
designs (sku). Lines come out sorted by (factory_id, due_date, order_id) block by block, the
layout's order; pooled lines not yet allocated (factory_id null) come last.

A later snapshot holds the same lines with their status as of its own date, plus the lines
placed in the weeks since the first snapshot.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
import polars as pl

from supply.data import schema
from supply.demo.clusters import (
    CAT_CODES,
    CAT_INDEX,
    CLUSTERS,
    ORDER_QTY,
    SHOE_SIZES,
    UNIT_PRICE,
    id_strings,
    per_category,
    rng,
)
from supply.demo.factories import FactoryArrays

WINDOW_DAYS = 120  # direct orders are placed in the 120 days before the first snapshot
LINES_PER_BUYER = 40
_EPOCH = dt.date(1970, 1, 1)
MED_QTY = per_category(ORDER_QTY)
PRICE = per_category(UNIT_PRICE)
PREFIX = pl.Series([c[:2].upper() + "-" for c in CAT_CODES.tolist()])
# Size labels: apparel sizes, then shoe sizes, then "F" (one size).
SIZE_LABELS = pl.Series(list(schema.SIZES) + list(SHOE_SIZES) + ["F"])
_APPAREL_CODES = np.array([CAT_INDEX[c] for c in ("childrens_wear", "school_uniform", "textiles")])
CATEGORY = pl.Series(CAT_CODES.tolist(), dtype=pl.String)
STATUS = pl.Series(schema.ORDER_STATUSES)  # open, in_production, shipped, cancelled
BUYER_TYPES = pl.Series(schema.BUYER_TYPES)  # index 0 = school (pooled lines only)


def days(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return (day - _EPOCH).days


@dataclass(frozen=True)
class OrderPlan:
    """How many lines each factory gets, and who its buyers are (computed once per build)."""

    counts: np.ndarray  # lines per factory in the first snapshot
    new_counts: list[np.ndarray]  # lines per factory placed in week j (j = 1..snapshots-1)
    offsets: np.ndarray  # factory i's buyer edges are edge_buyer[offsets[i]:offsets[i+1]]
    edge_buyer: np.ndarray  # global buyer number per edge
    buyer_type: np.ndarray  # buyer type code (index into schema.BUYER_TYPES) per buyer
    buyer_ids: pl.Series  # buyer id text per buyer number
    n_lines: int
    n_new: int

    def batches(self) -> list[np.ndarray]:
        """Lines per factory of each batch: 0 = before the first snapshot, j = in week j."""
        return [self.counts, *self.new_counts]

    def first_id(self, batch: int, factory: int) -> int:
        """The id number before the first line of ``batch`` at ``factory``."""
        before = int(self.batches()[batch][:factory].sum())
        return before + (self.n_lines + (batch - 1) * self.n_new if batch else 0)


def plan_orders(seed: int, arrays: FactoryArrays, n_lines: int, n_snapshots: int) -> OrderPlan:
    """Lines per factory (proportional to size) and the cluster-local buyer graph."""
    weights = arrays.employees / arrays.employees.sum()
    counts = rng(seed, 8).multinomial(n_lines, weights)
    n_new = max(1, n_lines // 50)
    new_counts = [rng(seed, 14, j).multinomial(n_new, weights) for j in range(1, n_snapshots)]
    edge_f, edge_b, types = [], [], []
    first_buyer = 0
    for ci in range(len(CLUSTERS)):
        members = np.flatnonzero(arrays.cluster == ci)
        if len(members) == 0:
            continue
        r = rng(seed, 12, ci)
        active = sum(c[members] for c in [counts, *new_counts])
        n_buyers = max(3, round(active.sum() / LINES_PER_BUYER))
        per_buyer = 1 + np.minimum(r.poisson(1.2, n_buyers), 5)
        p = (active + 0.01) / (active + 0.01).sum()
        f = members[r.choice(len(members), per_buyer.sum(), p=p)]
        b = np.repeat(np.arange(n_buyers), per_buyer) + first_buyer
        lonely = np.setdiff1d(members, f)  # every factory keeps at least one buyer
        f = np.concatenate([f, lonely])
        b = np.concatenate([b, first_buyer + r.integers(0, n_buyers, len(lonely))])
        edge_f.append(f)
        edge_b.append(b)
        types.append(r.choice([1, 2, 3, 4], n_buyers, p=[0.3, 0.35, 0.1, 0.25]).astype(np.int8))
        first_buyer += n_buyers
    f, b = np.concatenate(edge_f), np.concatenate(edge_b)
    order = np.lexsort((rng(seed, 15).random(len(f)), f))  # a random first buyer per factory
    offsets = np.zeros(arrays.n + 1, dtype=np.int64)
    np.add.at(offsets, f + 1, 1)
    return OrderPlan(
        counts=counts,
        new_counts=new_counts,
        offsets=np.cumsum(offsets),
        edge_buyer=b[order].astype(np.int64),
        buyer_type=np.concatenate(types),
        buyer_ids=id_strings("B", np.arange(1, first_buyer + 1), 7),
        n_lines=n_lines,
        n_new=n_new,
    )


@functools.cache
def _sku_table() -> pl.Series:
    """Every sku text, indexed by category code * 100,000 + design number."""
    designs = id_strings("", np.arange(100_000), 5)
    return pl.concat([PREFIX[c] + designs for c in range(len(PREFIX))])


def status_codes(odate: np.ndarray, due: np.ndarray, cancelled: np.ndarray, seen: int) -> np.ndarray:
    """Status as seen on day ``seen``: shipped (or cancelled) once due, in production after 14 days."""
    return np.where(due < seen, np.where(cancelled, 3, 2), np.where(odate < seen - 14, 1, 0))


def _dates(day_numbers: np.ndarray) -> pl.Series:
    return pl.Series(day_numbers.astype(np.int32)).cast(pl.Date)


def direct_block(
    seed: int,
    block: int,
    plan: OrderPlan,
    arrays: FactoryArrays,
    lo: int,
    hi: int,
    snapshot_days: list[dt.date],
) -> pl.DataFrame:
    """Direct lines of factories [lo, hi) of every snapshot, sorted by (factory, due date, id).

    Only the order and due dates are drawn before sorting; every other column is drawn per
    line after it, in the final order, so nothing but two date columns is permuted. Extra
    columns: ``_batch`` (0 = placed before the first snapshot, j = in week j), ``_g``
    (factory number - 1) and ``_status{k}`` (status code as of snapshot k)."""
    r = rng(seed, 8, block)
    parts_g, parts_odate, parts_batch = [], [], []
    for j, counts in enumerate(plan.batches()):
        g = np.repeat(np.arange(hi - lo), counts[lo:hi])
        window = WINDOW_DAYS if j == 0 else 7
        parts_odate.append(days(snapshot_days[j]) - r.integers(0, window, len(g)))
        parts_g.append(g)
        parts_batch.append(np.full(len(g), j, dtype=np.int8))
    g, odate, batch = np.concatenate(parts_g), np.concatenate(parts_odate), np.concatenate(parts_batch)
    n = len(g)
    due = odate + arrays.lead[lo + g] + r.integers(7, 60, n)
    span = int(due.max() - due.min() + 1) if n else 1
    order = np.argsort(g.astype(np.int64) * span + (due - (due.min() if n else 0)), kind="stable")
    g, odate, due, batch = g[order] + lo, odate[order], due[order], batch[order]
    ids = np.empty(n, dtype=np.int64)
    for j in range(len(plan.batches())):
        mine = batch == j
        ids[mine] = plan.first_id(j, lo) + 1 + np.arange(int(mine.sum()))
    deg = plan.offsets[g + 1] - plan.offsets[g]
    buyer = plan.edge_buyer[
        plan.offsets[g] + np.minimum((deg * r.random(n) ** 2.5).astype(np.int64), deg - 1)
    ]
    cat = np.where(r.random(n) < 0.7, arrays.first_cat[g], arrays.last_cat[g]).astype(np.int64)
    cancelled = r.random(n) >= 0.95
    size = np.where(
        np.isin(cat, _APPAREL_CODES),
        r.integers(0, len(schema.SIZES), n),
        np.where(
            cat == CAT_INDEX["shoes"],
            len(schema.SIZES) + r.integers(0, len(SHOE_SIZES), n),
            len(SIZE_LABELS) - 1,
        ),
    )
    design = (buyer * 7919 + r.integers(0, 12, n)) % 100_000  # a buyer reorders a dozen designs
    frame = pl.DataFrame(
        {
            "order_id": id_strings("O", ids, 9),
            "factory_id": id_strings("F", np.arange(lo + 1, hi + 1), 7).gather(g - lo),
            "buyer_id": plan.buyer_ids.gather(buyer),
            "buyer_type": BUYER_TYPES.gather(plan.buyer_type[buyer]),
            "channel": pl.repeat("direct", n, eager=True, dtype=pl.String),
            "category": CATEGORY.gather(cat),
            "sku": _sku_table().gather(cat * 100_000 + design),
            "size": SIZE_LABELS.gather(size),
            "qty": np.maximum(1, np.round(MED_QTY[cat] * np.exp(r.normal(0, 0.9, n)))).astype(np.int64),
            "unit_price": np.round(PRICE[cat] * np.exp(r.normal(0, 0.25, n)), 2),
            "order_date": _dates(odate),
            "due_date": _dates(due),
            "_batch": batch,
            "_g": g,
        }
    )
    statuses = {
        f"_status{k}": status_codes(odate, due, cancelled, days(day)).astype(np.int8)
        for k, day in enumerate(snapshot_days)
    }
    return frame.with_columns(**{k: pl.Series(v) for k, v in statuses.items()})


def pooled_lines(seed: int, demand: pl.DataFrame, arrays: FactoryArrays, as_of: dt.date) -> pl.DataFrame:
    """School-uniform lines from pooled demand: one per school x garment x size (plus ``_g``).

    About a third are allocated to a pooled-planning factory already; the rest wait for the
    plan (factory_id null)."""
    r = rng(seed, 9)
    lines = (
        demand.group_by("school_id", "garment", "size", "deadline")
        .agg(pl.col("qty").sum())
        .sort("school_id", "garment", "size")
    )
    n = lines.height
    makers = np.flatnonzero(arrays.uniform_pool)
    allocated = r.random(n) < 0.35
    pick = r.integers(0, max(1, len(makers)), n)
    g = np.where(allocated, makers[pick], -1) if len(makers) else np.full(n, -1)
    fid = pl.DataFrame({"id": id_strings("F", g + 1, 7), "ok": g >= 0}).select(
        pl.when(pl.col("ok")).then(pl.col("id"))
    )
    frame = lines.with_columns(
        order_id=id_strings("P", np.arange(1, n + 1), 8),
        factory_id=fid.to_series(),
        buyer_id=pl.col("school_id"),
        buyer_type=pl.lit("school"),
        channel=pl.lit("pooled"),
        category=pl.lit("school_uniform"),
        sku=pl.format("SU-{}-{}", pl.col("school_id"), pl.col("garment")),
        unit_price=pl.Series(np.round(UNIT_PRICE["school_uniform"] * r.uniform(0.8, 1.2, n), 2)),
        order_date=pl.lit(as_of - dt.timedelta(days=3)),
        due_date=pl.col("deadline"),
        status=pl.Series(np.where(g >= 0, "in_production", "open")),
    )
    frame = schema.conform("orders", frame).with_columns(_g=pl.Series(np.where(g >= 0, g, arrays.n)))
    return frame.sort("_g", "due_date", "order_id")
