"""Finished-goods stock per apparel or shoe factory: one to three SKUs, several sizes each.

Rows come out sorted by (factory_id, sku, size). A later snapshot holds the same SKUs with
3% less stock per week (the same draws, scaled), as of its own date.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from supply.data import schema
from supply.demo.clusters import (
    CAT_CODES,
    CAT_INDEX,
    PRODUCTIVITY,
    SHOE_SIZES,
    UNIT_PRICE,
    id_strings,
    per_category,
    rng,
)
from supply.demo.factories import FactoryArrays

STOCKED = np.array([CAT_INDEX[c] for c in ("childrens_wear", "school_uniform", "textiles", "shoes")])
APPAREL_STOCK_SIZES = schema.SIZES[::2]  # 8 sizes, in sort order
SHOE_STOCK_SIZES = SHOE_SIZES[::3]  # 6 sizes, in sort order
_LABELS = pl.Series(list(APPAREL_STOCK_SIZES) + list(SHOE_STOCK_SIZES))
_PREFIX = pl.Series([c[:2].upper() + "-" for c in CAT_CODES.tolist()])
PROD = per_category(PRODUCTIVITY)
PRICE = per_category(UNIT_PRICE)


def inventory_block(
    seed: int, block: int, arrays: FactoryArrays, lo: int, hi: int, snapshot_days: list[dt.date]
) -> list[pl.DataFrame]:
    """Stock rows of factories [lo, hi) for each snapshot."""
    r = rng(seed, 10, block)
    first, last = arrays.first_cat[lo:hi].astype(np.int64), arrays.last_cat[lo:hi].astype(np.int64)
    cat = np.where(np.isin(first, STOCKED), first, last)
    stocked = np.isin(cat, STOCKED)
    g = np.arange(lo, hi)[stocked]
    cat = cat[stocked]
    shoes = cat == CAT_INDEX["shoes"]
    n_sizes = np.where(shoes, len(SHOE_STOCK_SIZES), len(APPAREL_STOCK_SIZES))
    n_skus = r.integers(1, 4, len(g))
    level = (
        arrays.employees[g][:, None]
        * PROD[cat][:, None]
        * r.uniform(0.05, 0.4, (len(g), 3))
        / n_sizes[:, None]
    )
    # One row per factory x sku x size.
    sku_f = np.repeat(np.arange(len(g)), n_skus)
    sku_k = np.arange(len(sku_f)) - np.repeat(np.cumsum(n_skus) - n_skus, n_skus)
    row_sku = np.repeat(np.arange(len(sku_f)), n_sizes[sku_f])
    row_f = sku_f[row_sku]
    row_size = np.arange(len(row_sku)) - np.repeat(np.cumsum(n_sizes[sku_f]) - n_sizes[sku_f], n_sizes[sku_f])
    label = np.where(shoes[row_f], len(APPAREL_STOCK_SIZES) + row_size, row_size)
    n = len(row_sku)
    draw = r.lognormal(0, 0.5, n)
    cost = np.round(PRICE[cat[row_f]] * 0.6 * r.uniform(0.85, 1.15, n), 2)
    base = pl.DataFrame(
        {
            "factory_id": id_strings("F", g[row_f] + 1, 7),
            "sku": _PREFIX.gather(cat[row_f])
            + id_strings("", (g[row_f] + 1) % 100000, 5)
            + id_strings("", sku_k[row_sku], 1),
            "size": _LABELS.gather(label),
        }
    )
    out = []
    for k, day in enumerate(snapshot_days):
        on_hand = np.maximum(0, np.round(level[row_f, sku_k[row_sku]] * (1.0 - 0.03 * k) * draw))
        out.append(
            base.with_columns(
                as_of=pl.lit(day),
                on_hand_pieces=pl.Series(on_hand.astype(np.int64)),
                unit_cost=pl.Series(cost),
            )
        )
    return out
