"""Weekly capacity and booked pieces per factory and category, with seasons and factory sizes.

Booked shares follow the seasons of the cluster: slack in June-July and from the New Year
to the Lantern Festival (Zhili fact #5). The busy months between them (autumn and winter
ranges made from August to November, spring ranges from March to May) and every figure of
the other trades are synthetic assumptions. Small workshops swing with the season more
than large firms, which hold steadier contracts and are booked more on average (synthetic,
but in the direction the Zhili reporting describes for small online orders, Zhili fact #12).
Each factory keeps its own level from week to week, so a heatmap shows firms and seasons,
not noise. Rows come out sorted by (factory_id, week_start, category).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from supply.demo.clusters import CAT_CODES, CAT_INDEX, CLUSTERS, PRODUCTIVITY, id_strings, per_category, rng
from supply.demo.factories import FactoryArrays

# Mean booked share by month for apparel (children's wear, textiles): low in June-July and
# around the Spring Festival (Zhili fact #5); the rest of the curve is a synthetic assumption.
APPAREL_SEASON = (0.62, 0.50, 0.74, 0.80, 0.72, 0.46, 0.44, 0.62, 0.78, 0.85, 0.83, 0.72)
# Other trades: a milder synthetic curve (summer dip, busy before the year-end holidays).
OTHER_SEASON = (0.64, 0.52, 0.68, 0.70, 0.68, 0.60, 0.58, 0.66, 0.72, 0.78, 0.80, 0.72)
# School-uniform capacity is booked only by work outside the pooled plan (the pooled
# class-level demand of the same snapshot is what the planner still has to place), so it
# stays moderately booked before the September term instead of full.
UNIFORM_SEASON = (0.45, 0.40, 0.45, 0.45, 0.45, 0.35, 0.40, 0.45, 0.45, 0.45, 0.45, 0.45)
# Spring Festival (农历正月初一) dates; the slack lasts until the Lantern Festival, 14 days later.
SPRING_FESTIVAL = {
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
}
FESTIVAL_FACTOR = 0.5  # booked share in the festival slack, relative to the month's level
PROD = per_category(PRODUCTIVITY)
# Per 8-bit category mask: how many categories, and their codes sorted by category name
# (the capacity table's sort order within a factory and week).
POPCOUNT = np.array([bin(m).count("1") for m in range(256)], dtype=np.int64)
SORTED_CODES = np.array(
    [
        sorted((c for c in range(len(CAT_CODES)) if m >> c & 1), key=lambda c: CAT_CODES[c])
        + [0] * (8 - bin(m).count("1"))
        for m in range(256)
    ],
    dtype=np.int64,
)


def _festival_slack(day: dt.date) -> bool:
    """True from the New Year's Day before the Spring Festival to the Lantern Festival (fact #5)."""
    festival = SPRING_FESTIVAL.get(day.year, dt.date(day.year, 2, 5))
    return dt.date(day.year, 1, 1) <= day <= festival + dt.timedelta(days=14)


def _monthly(curve: tuple[float, ...], day: dt.date) -> float:
    """A monthly curve read at ``day``, linear between mid-month knots."""
    pos = (day.month - 1) + (day.day - 15) / 30.0
    lo = int(np.floor(pos))
    frac = pos - lo
    return (1 - frac) * curve[lo % 12] + frac * curve[(lo + 1) % 12]


def season_matrix(weeks: list[dt.date]) -> np.ndarray:
    """Mean booked share per (category code, week), seasons and festival included."""
    out = np.empty((len(CAT_CODES), len(weeks)))
    for c, cat in enumerate(CAT_CODES):
        curve = {
            "school_uniform": UNIFORM_SEASON,
            "childrens_wear": APPAREL_SEASON,
            "textiles": APPAREL_SEASON,
        }
        for j, week in enumerate(weeks):
            level = _monthly(curve.get(cat, OTHER_SEASON), week + dt.timedelta(days=3))
            if cat != "school_uniform" and _festival_slack(week + dt.timedelta(days=3)):
                level *= FESTIVAL_FACTOR
            out[c, j] = level
    return out


def size_profile(employees: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(shift, amplitude) per factory: larger firms are booked more and swing less (synthetic)."""
    t = np.clip((np.log(np.maximum(employees, 1)) - np.log(5)) / (np.log(300) - np.log(5)), 0, 1)
    return -0.05 + 0.13 * t, 1.3 - 0.7 * t


def horizon_factor(n_weeks: int) -> np.ndarray:
    """Bookings thin out further ahead (orders arrive late): 1 for 4 weeks, then down to 0.5."""
    wi = np.arange(n_weeks)
    return 1 - 0.5 * np.clip((wi - 3) / max(1, n_weeks - 4), 0, 1)


def capacity_block(
    seed: int,
    block: int,
    arrays: FactoryArrays,
    lo: int,
    hi: int,
    first_monday: dt.date,
    n_weeks: int,
    n_snapshots: int,
) -> list[pl.DataFrame]:
    """Capacity rows of factories [lo, hi) for each snapshot (snapshot k starts k weeks later).

    Capacity of a week is the same in every snapshot; a later snapshot has more booked
    (a week of new orders came in: +6% of the free share per week)."""
    r = rng(seed, 3, block)
    masks = arrays.mask[lo:hi].astype(np.int64)
    ncat = POPCOUNT[masks]
    pair_f = np.repeat(np.arange(hi - lo), ncat)
    starts = np.cumsum(ncat) - ncat
    rank = np.arange(len(pair_f)) - starts[pair_f]
    pair_cat = SORTED_CODES[masks[pair_f], rank]
    n_pairs, total = len(pair_f), n_weeks + n_snapshots - 1
    emp = arrays.employees[lo:hi].astype(float)
    share = np.where(ncat[pair_f] > 1, r.uniform(0.35, 0.65, n_pairs), 1.0)
    base = emp[pair_f] * PROD[pair_cat] * share
    cap = np.round(base[:, None] * r.uniform(0.97, 1.03, (n_pairs, total))).astype(np.int64)
    weeks = [first_monday + dt.timedelta(weeks=j) for j in range(total)]
    season = season_matrix(weeks)[pair_cat]  # (pairs, weeks)
    mean_level = season.mean(axis=1, keepdims=True)
    shift, amp = size_profile(emp)
    cluster_offset = rng(seed, 4).normal(0, 0.05, len(CLUSTERS))[arrays.cluster[lo:hi]]
    own = r.normal(0, 0.07, hi - lo) + shift + cluster_offset  # a factory's persistent level
    is_uniform = pair_cat == CAT_INDEX["school_uniform"]
    level = np.where(
        is_uniform[:, None],
        season + own[pair_f, None] * 0.3,
        mean_level + amp[pair_f, None] * (season - mean_level) + own[pair_f, None],
    )
    noise = r.normal(0, 0.04, (n_pairs, total))
    factory_ids = id_strings("F", np.arange(lo + 1, hi + 1), 7)
    decay = horizon_factor(n_weeks)
    pos = (
        (n_weeks * starts[pair_f])[:, None] + np.arange(n_weeks)[None, :] * ncat[pair_f, None] + rank[:, None]
    )
    pos = pos.ravel()
    order = np.empty_like(pos)
    order[pos] = np.arange(len(pos))
    row_pair, row_week = order // n_weeks, order % n_weeks
    out = []
    for k in range(n_snapshots):
        cols = slice(k, k + n_weeks)
        mean_u = level[:, cols] * decay[None, :]
        u = np.clip(mean_u + 0.06 * k * (1 - mean_u) + noise[:, cols], 0, 1)
        cap_k = cap[:, cols]
        booked = np.minimum(cap_k, np.round(cap_k * u).astype(np.int64))
        week_days = np.array(weeks[k : k + n_weeks], dtype="datetime64[D]")
        out.append(
            pl.DataFrame(
                {
                    "factory_id": factory_ids.gather(pair_f[row_pair]),
                    "week_start": week_days[row_week],
                    "category": pl.Series(CAT_CODES.tolist(), dtype=pl.String).gather(pair_cat[row_pair]),
                    "capacity_pieces": cap_k.ravel()[order],
                    "booked_pieces": booked.ravel()[order],
                },
                schema_overrides={"week_start": pl.Date},
            )
        )
    return out
