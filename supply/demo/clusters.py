"""The demo's real clusters and its calibration constants (figures cited where they come from).

Everything generated from these is SYNTHETIC. The clusters and their counties are real, and
a few magnitudes are calibrated on public figures from the project's reference notes on
Zhili (numbered facts of the Zhili fact sheet, cited as "Zhili fact #n"):

* ~300,000 workers in 13,000+ firms and 14.5亿 pieces in 2020 (Zhili fact #6) give ~23
  workers per firm and ~97 pieces per worker per week: the mean firm size and the
  children's-wear productivity below.
* Sales of ~800亿元 on ~20亿 pieces (Zhili facts #1, #4) give ~40 CNY a piece, the centre of
  the children's-wear price.
* Small online orders of ~200 pieces against thousands for physical stores (Zhili fact #12)
  shape the order-size distribution.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from supply.data import schema

DEFAULT_AS_OF = dt.date(2026, 6, 22)  # a Monday; the second snapshot is a week later
WEEKS = 26
BASE_FACTORIES = 3_000
BASE_ORDER_LINES = 200_000


@dataclass(frozen=True)
class ClusterSpec:
    """One real cluster and how the demo populates it."""

    cluster_id: str
    name_zh: str
    name_en: str
    adcodes: tuple[str, ...]
    main_category: str
    mix: tuple[tuple[str, float], ...]  # (category, probability a factory makes it)
    share: float  # share of the demo's factories
    source: str


CLUSTERS: tuple[ClusterSpec, ...] = (
    ClusterSpec(
        "zhili",
        "织里童装及校服产业带",
        "Zhili children's wear & school uniforms",
        ("330502",),
        "childrens_wear",
        (("childrens_wear", 0.85), ("school_uniform", 0.30)),
        0.40,
        "公开报道（新华社等，见织里事实表）/ public reporting on Zhili (Xinhua and others)",
    ),
    ClusterSpec(
        "yiwu",
        "义乌小商品产业带",
        "Yiwu small commodities",
        ("330782",),
        "small_commodities",
        (("small_commodities", 0.95), ("packaging", 0.10)),
        0.16,
        "公开报道的知名产业带 / a well-known cluster in public reporting",
    ),
    ClusterSpec(
        "jinjiang",
        "晋江鞋业产业带",
        "Jinjiang shoes",
        ("350582",),
        "shoes",
        (("shoes", 0.95), ("packaging", 0.06)),
        0.14,
        "公开报道的知名产业带 / a well-known cluster in public reporting",
    ),
    ClusterSpec(
        "longgang",
        "龙港包装印刷产业带",
        "Longgang packaging & printing",
        ("330383",),
        "packaging",
        (("packaging", 1.0),),
        0.10,
        "公开报道的知名产业带 / a well-known cluster in public reporting",
    ),
    ClusterSpec(
        "donghai",
        "东海水晶及穿戴甲产业带",
        "Donghai crystal & press-on nails",
        ("320722",),
        "crystal",
        (("crystal", 0.70), ("press_on_nails", 0.40)),
        0.08,
        "公开报道的知名产业带 / a well-known cluster in public reporting",
    ),
    ClusterSpec(
        "changshu",
        "常熟纺织服装产业基地",
        "Changshu textiles & garments",
        ("320581",),
        "textiles",
        (("textiles", 0.90), ("childrens_wear", 0.15)),
        0.06,
        "中国纺织工业联合会 纺织产业集群试点名单 2022 复查：中国纺织产业基地市",
    ),
    ClusterSpec(
        "keqiao",
        "柯桥纺织产业基地",
        "Keqiao textiles",
        ("330603",),
        "textiles",
        (("textiles", 1.0),),
        0.06,
        "中国纺织工业联合会 纺织产业集群试点名单 2022 复查：中国纺织产业基地市",
    ),
)

# Pieces per worker per week. Children's wear is calibrated (Zhili fact #6, see the module
# docstring); the others are synthetic assumptions of the right order.
PRODUCTIVITY = {
    "childrens_wear": 97,
    "school_uniform": 80,
    "shoes": 40,
    "packaging": 1500,
    "small_commodities": 400,
    "crystal": 60,
    "press_on_nails": 300,
    "textiles": 150,
}
# Mean unit price in CNY. Children's wear ~40 CNY/piece (Zhili facts #1, #4); the rest synthetic.
UNIT_PRICE = {
    "childrens_wear": 40.0,
    "school_uniform": 75.0,
    "shoes": 60.0,
    "packaging": 1.2,
    "small_commodities": 6.0,
    "crystal": 35.0,
    "press_on_nails": 9.0,
    "textiles": 18.0,
}
# Median order size in pieces (200 for small online children's-wear orders, Zhili fact #12).
ORDER_QTY = {
    "childrens_wear": 400,
    "school_uniform": 600,
    "shoes": 300,
    "packaging": 5000,
    "small_commodities": 2000,
    "crystal": 200,
    "press_on_nails": 1000,
    "textiles": 800,
}
APPAREL = ("childrens_wear", "school_uniform", "textiles")
SHOE_SIZES = tuple(str(s) for s in range(28, 45))
CERTS = ("ISO9001", "OEKO-TEX 100", "BSCI", "GB/T 31888")
# Category codes as small integers (index into schema.CATEGORIES) for vectorised generation.
CAT_INDEX = {c: i for i, c in enumerate(schema.CATEGORIES)}
CAT_CODES = np.array(schema.CATEGORIES, dtype=object)


def per_category(table: dict[str, float], dtype=float) -> np.ndarray:
    """A per-category constant as an array indexed by category code."""
    return np.array([table[c] for c in schema.CATEGORIES], dtype=dtype)


def rng(seed: int, *stream: int) -> np.random.Generator:
    """An independent, reproducible random stream for (seed, *stream)."""
    return np.random.default_rng([seed, *stream])


def mondays(start: dt.date, n: int) -> list[dt.date]:
    """``n`` consecutive Mondays from the week of ``start``."""
    start = start - dt.timedelta(days=start.weekday())
    return [start + dt.timedelta(weeks=i) for i in range(n)]


def split_counts(total: int, shares: list[float]) -> list[int]:
    """``total`` split in proportion to ``shares`` by largest remainder (sums exactly)."""
    raw = [total * s / sum(shares) for s in shares]
    out = [int(math.floor(r)) for r in raw]
    for i in np.argsort([-(r - math.floor(r)) for r in raw], kind="stable")[: total - sum(out)]:
        out[i] += 1
    return out


def clusters_frame() -> pl.DataFrame:
    """The clusters table (real places; association names are placeholders)."""
    return schema.conform(
        "clusters",
        pl.DataFrame(
            {
                "cluster_id": [c.cluster_id for c in CLUSTERS],
                "name_zh": [c.name_zh for c in CLUSTERS],
                "name_en": [c.name_en for c in CLUSTERS],
                "adcodes": [list(c.adcodes) for c in CLUSTERS],
                "main_category": [c.main_category for c in CLUSTERS],
                "association_name": [f"{c.name_zh}协会（演示）" for c in CLUSTERS],
                "source": [c.source for c in CLUSTERS],
            }
        ),
    )


def id_strings(prefix: str, numbers: np.ndarray, width: int) -> pl.Series:
    """Zero-padded ids such as F0000001 for integer ``numbers`` (vectorised)."""
    numbers = np.asarray(numbers, dtype=np.int64)
    if len(numbers) and (numbers.min() < 0 or numbers.max() >= 10**width):
        digits = pl.Series(numbers).cast(pl.String).str.zfill(width)
        return (prefix + digits) if prefix else digits
    # 10**width + n written out, its leading 1 dropped: the zero-padded number, cheaply.
    padded = pl.lit(pl.Series(numbers + 10**width)).cast(pl.String).str.slice(1)
    return pl.select(pl.format(prefix + "{}", padded) if prefix else padded).to_series()
