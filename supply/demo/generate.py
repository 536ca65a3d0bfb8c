"""Deterministic demo snapshots: synthetic factories, capacity, orders, schools and demand.

Everything here is SYNTHETIC. The clusters and their counties are real, and a few
magnitudes are calibrated on public figures (cited inline, files in shared/reference/):

* Zhili: ~300,000 workers in 13,000+ firms and 14.5亿 pieces in 2020 (zhili_facts.md #6)
  give ~23 workers per firm and ~97 pieces per worker per week; the mean firm size and
  the children's-wear productivity below use those two numbers.
* Zhili sales of ~800亿元 on ~20亿 pieces (zhili_facts.md #1, #4) give ~40 CNY a piece,
  the centre of the children's-wear price.
* Small online orders of ~200 pieces against thousands for physical stores
  (zhili_facts.md #12) shape the order-size distribution.
* Slack seasons are June-July and New Year to the Lantern Festival (zhili_facts.md #5).
* Children's heights by age and sex: WS/T 612-2018 (heights_by_age_wst612_2018.csv).

Names, addresses, buyers, schools and every per-factory number are invented.
The same seed and scale give byte-identical Parquet tables.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl

from supply.data import schema
from supply.data.config import PACKAGE_REFERENCE
from supply.data.store import Snapshot, Store
from supply.maps import geo

DEFAULT_AS_OF = dt.date(2026, 6, 22)  # a Monday; the second snapshot is a week later
WEEKS = 26
BASE_FACTORIES = 3_000
BASE_ORDER_LINES = 200_000
FACTORY_CHUNK = 50_000
ORDER_CHUNK = 1_000_000


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
        "DESIGN.md §1; shared/reference/zhili_facts.md",
    ),
    ClusterSpec(
        "yiwu",
        "义乌小商品产业带",
        "Yiwu small commodities",
        ("330782",),
        "small_commodities",
        (("small_commodities", 0.95), ("packaging", 0.10)),
        0.16,
        "DESIGN.md §1",
    ),
    ClusterSpec(
        "jinjiang",
        "晋江鞋业产业带",
        "Jinjiang shoes",
        ("350582",),
        "shoes",
        (("shoes", 0.95), ("packaging", 0.06)),
        0.14,
        "DESIGN.md §1",
    ),
    ClusterSpec(
        "longgang",
        "龙港包装印刷产业带",
        "Longgang packaging & printing",
        ("330383",),
        "packaging",
        (("packaging", 1.0),),
        0.10,
        "DESIGN.md §1",
    ),
    ClusterSpec(
        "donghai",
        "东海水晶及穿戴甲产业带",
        "Donghai crystal & press-on nails",
        ("320722",),
        "crystal",
        (("crystal", 0.70), ("press_on_nails", 0.40)),
        0.08,
        "DESIGN.md §1",
    ),
    ClusterSpec(
        "changshu",
        "常熟纺织服装产业基地",
        "Changshu textiles & garments",
        ("320581",),
        "textiles",
        (("textiles", 0.90), ("childrens_wear", 0.15)),
        0.06,
        "shared/reference/named_clusters_partial.csv (中国纺织产业基地市, 2022)",
    ),
    ClusterSpec(
        "keqiao",
        "柯桥纺织产业基地",
        "Keqiao textiles",
        ("330603",),
        "textiles",
        (("textiles", 1.0),),
        0.06,
        "shared/reference/named_clusters_partial.csv (中国纺织产业基地市, 2022)",
    ),
)

# Pieces per worker per week. Children's wear is calibrated (zhili_facts.md #6, see the
# module docstring); the others are synthetic assumptions of the right order.
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
# Mean unit price in CNY. Children's wear ~40 CNY/piece (zhili_facts.md #1, #4); the rest synthetic.
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
# Median order size in pieces (200 for small online children's-wear orders, zhili_facts.md #12).
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
HUZHOU_COUNTIES = ("330502", "330503", "330521", "330522", "330523")
GARMENT_QTY_PER_STUDENT = {"summer_uniform": 2, "autumn_uniform": 2, "winter_uniform": 1, "sportswear": 1}
CERTS = ("ISO9001", "OEKO-TEX 100", "BSCI", "GB/T 31888")

_NAME_WORDS = tuple(
    "恒信 宏达 锦程 晨阳 华彩 新雅 启航 安康 瑞丰 金穗 星辰 永盛 嘉禾 美佳 远航 顺泰 "
    "和悦 盛世 佳源 天成 正合 优品 朝晖 凯越 博文 润泽 鼎新 同心 龙腾 如意".split()
)
_CATEGORY_WORD = {
    "childrens_wear": "童装",
    "school_uniform": "校服",
    "shoes": "鞋业",
    "packaging": "包装",
    "small_commodities": "日用品",
    "crystal": "水晶",
    "press_on_nails": "美甲",
    "textiles": "纺织",
}


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, *stream])


def _mondays(start: dt.date, n: int) -> list[dt.date]:
    start = start - dt.timedelta(days=start.weekday())
    return [start + dt.timedelta(weeks=i) for i in range(n)]


def _counts(total: int, shares: list[float]) -> list[int]:
    raw = [total * s / sum(shares) for s in shares]
    out = [int(math.floor(r)) for r in raw]
    for i in np.argsort([-(r - math.floor(r)) for r in raw])[: total - sum(out)]:
        out[i] += 1
    return out


# -- factories ---------------------------------------------------------------------------


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


def _factories_chunk(
    seed: int, spec: ClusterSpec, ci: int, chunk: int, start: int, n: int, first_id: int
) -> pl.DataFrame:
    rng = _rng(seed, 1, ci, chunk)
    adcode = spec.adcodes[0]
    lon, lat = geo.sample_points(adcode, n, _rng(seed, 2, ci, chunk), centres=8, spread=0.18)
    # Heavy tail: lognormal body with mean ~23 workers (zhili_facts.md #6), a Pareto tail.
    employees = np.exp(rng.normal(2.45, 1.0, n))
    tail = rng.random(n) < 0.01
    employees[tail] = 150 * (1 + rng.pareto(1.3, tail.sum()))
    employees = np.clip(np.round(employees), 3, 5000).astype(np.int32)
    cats: list[list[str]] = []
    for i in range(n):
        picked = [c for c, p in spec.mix if rng.random() < p]
        cats.append(picked or [spec.main_category])
    big = employees >= 100
    member = rng.random(n) < np.where(big, 0.85, 0.45)
    pooled = (
        member
        & np.array([any(c in ("school_uniform", "childrens_wear") for c in cs) for cs in cats])
        & (rng.random(n) < 0.7)
    )
    certs = [[c for c in CERTS if rng.random() < (0.5 if e >= 100 else 0.12)] for e in employees]
    words = rng.integers(0, len(_NAME_WORDS), n)
    ids = [f"F{first_id + i:07d}" for i in range(n)]
    place = geo.place_names(adcode)
    town = "织里镇" if spec.cluster_id == "zhili" else None
    return pl.DataFrame(
        {
            "factory_id": ids,
            "name": [
                f"{_NAME_WORDS[w]}{_CATEGORY_WORD[cs[0]]}厂-{fid[-4:]}"
                for w, cs, fid in zip(words, cats, ids)
            ],
            "cluster_id": spec.cluster_id,
            "adcode": adcode,
            "town": town,
            "address": [
                f"{place['province']}{place['city']}{place['county']}{town or ''}示例路{start + i + 1}号"
                for i in range(n)
            ],
            "lon": lon,
            "lat": lat,
            "coord_source": "wgs84",
            "categories": cats,
            "employees": employees,
            "established_year": np.clip(
                2024 - np.round(rng.gamma(2.0, 5.0, n) * np.where(big, 1.8, 1.0)), 1985, 2025
            ).astype(np.int16),
            "association_member": member,
            "pooled_planning": pooled,
            "certifications": certs,
            "moq_pieces": (
                np.where(big, rng.choice([500, 1000, 2000], n), rng.choice([50, 100, 200, 300], n))
            ).astype(np.int32),
            "sample_days": rng.integers(1, 8, n).astype(np.int16),
            "bulk_lead_days": np.where(big, rng.integers(10, 31, n), rng.integers(3, 15, n)).astype(np.int16),
        },
        schema_overrides={"town": pl.String},
    )


def factory_chunks(seed: int, n_factories: int) -> Iterator[pl.DataFrame]:
    """Factories, cluster by cluster, in chunks of at most FACTORY_CHUNK rows."""
    counts = _counts(n_factories, [c.share for c in CLUSTERS])
    first = 1
    for ci, (spec, count) in enumerate(zip(CLUSTERS, counts)):
        for chunk, start in enumerate(range(0, count, FACTORY_CHUNK)):
            n = min(FACTORY_CHUNK, count - start)
            yield schema.conform("factories", _factories_chunk(seed, spec, ci, chunk, start, n, first))
            first += n


# -- capacity ----------------------------------------------------------------------------


def _utilisation(week: dt.date, category: str) -> float:
    """Mean booked share for a week: low in the June-July slack season (zhili_facts.md #5).

    School-uniform capacity is booked only by work outside the pooled plan (the pooled
    class-level demand in the same snapshot is what the planner still has to place), so it
    stays moderately booked before the September term instead of full."""
    m = week.month
    if category == "school_uniform":
        return {6: 0.35, 7: 0.40, 8: 0.45}.get(m, 0.45)
    return {6: 0.45, 7: 0.45, 8: 0.6, 9: 0.7, 10: 0.75, 11: 0.8, 12: 0.75}.get(m, 0.6)


def capacity_chunk(
    seed: int, factories: pl.DataFrame, weeks: list[dt.date], horizon_decay: bool, extra_booking: float = 0.0
) -> pl.DataFrame:
    """Weekly capacity and booked pieces per factory and category for the given weeks."""
    exploded = factories.select("factory_id", "employees", "categories").explode("categories")
    n_cats = factories.select("factory_id", pl.col("categories").list.len().alias("n"))
    exploded = exploded.join(n_cats, on="factory_id")
    fids = exploded["factory_id"].to_list()
    key = int(fids[0][1:]) if fids else 0
    rng = _rng(seed, 3, key)
    cats = exploded["categories"].to_numpy()
    prod = np.array([PRODUCTIVITY[c] for c in cats], dtype=float)
    share = np.where(exploded["n"].to_numpy() > 1, rng.uniform(0.35, 0.65, len(cats)), 1.0)
    base = exploded["employees"].to_numpy() * prod * share
    rows = []
    w = len(weeks)
    for wi, week in enumerate(weeks):
        cap = np.round(base * rng.uniform(0.92, 1.05, len(base))).astype(np.int64)
        mean_u = np.array([_utilisation(week, c) for c in cats])
        # Bookings thin out further ahead: far weeks are less booked (orders arrive late).
        if horizon_decay:
            mean_u = mean_u * max(0.25, 1 - wi / (w * 1.15))
        u = np.clip(mean_u + extra_booking * (1 - mean_u) + rng.normal(0, 0.15, len(base)), 0, 1)
        rows.append(
            pl.DataFrame(
                {
                    "factory_id": exploded["factory_id"],
                    "week_start": week,
                    "category": exploded["categories"],
                    "capacity_pieces": cap,
                    "booked_pieces": np.minimum(cap, np.round(cap * u).astype(np.int64)),
                }
            )
        )
    return pl.concat(rows).sort("factory_id", "week_start", "category")


# -- schools and demand ------------------------------------------------------------------


def heights_table() -> pl.DataFrame:
    """WS/T 612-2018 heights by sex and age (shared/reference/heights_by_age_wst612_2018.csv)."""
    return pl.read_csv(PACKAGE_REFERENCE / "heights_by_age_wst612_2018.csv")


def size_for_height(height_cm) -> np.ndarray:
    """GB/T 1335-style size label for each height: the smallest size at least as tall."""
    h = np.asarray(height_cm, dtype=float)
    step = np.clip(np.ceil(h / 5.0) * 5, schema.SIZE_HEIGHTS[0], schema.SIZE_HEIGHTS[-1]).astype(int)
    labels = {hh: f"{hh}/{schema.chest_for_height(hh)}" for hh in schema.SIZE_HEIGHTS}
    return np.array([labels[v] for v in step], dtype=object)


def schools_frame(seed: int, n_schools: int = 120) -> pl.DataFrame:
    """Synthetic schools in Huzhou's five counties, with stage, grades and class counts."""
    rng = _rng(seed, 5)
    counties = rng.choice(HUZHOU_COUNTIES, n_schools, p=[0.3, 0.17, 0.17, 0.19, 0.17])
    stage = rng.choice(["primary", "junior", "senior"], n_schools, p=[0.5, 0.3, 0.2])
    grade_min = np.select([stage == "primary", stage == "junior"], [1, 7], 10)
    grade_max = np.select([stage == "primary", stage == "junior"], [6, 9], 12)
    cpg = rng.integers(2, 9, n_schools)
    names, lons, lats, counters = [], [], [], {}
    suffix = {"primary": "小学", "junior": "初级中学", "senior": "高级中学"}
    for i, (c, s) in enumerate(zip(counties, stage)):
        counters[(c, s)] = counters.get((c, s), 0) + 1
        county = geo.county_names()[c]
        names.append(f"{county}第{counters[(c, s)]}{suffix[s]}（示例）")
        x, y = geo.sample_points(c, 1, _rng(seed, 6, i), centres=1, spread=0.3)
        lons.append(x[0])
        lats.append(y[0])
    students = cpg * (grade_max - grade_min + 1) * rng.integers(38, 51, n_schools)
    return schema.conform(
        "schools",
        pl.DataFrame(
            {
                "school_id": [f"S{i + 1:04d}" for i in range(n_schools)],
                "name": names,
                "adcode": counties,
                "lon": lons,
                "lat": lats,
                "students": students,
                "stage": stage,
                "grade_min": grade_min,
                "grade_max": grade_max,
                "classes_per_grade": cpg,
            }
        ),
    )


def demand_frame(seed: int, schools: pl.DataFrame, as_of: dt.date, missing_share: float) -> pl.DataFrame:
    """Class-level uniform demand: each student's height drawn from WS/T 612-2018, then sized."""
    rng = _rng(seed, 7)
    heights = heights_table()
    stats = {
        (r["sex"], r["age_years"]): (r["median_cm"], r["implied_sd_cm"])
        for r in heights.iter_rows(named=True)
    }
    rows: dict[str, list] = {
        k: []
        for k in ("school_id", "grade", "class_name", "garment", "size", "qty", "deadline", "collected_at")
    }
    term = dt.date(as_of.year, 9, 1)
    for s in schools.iter_rows(named=True):
        deadline = term - dt.timedelta(days=int(rng.integers(7, 22)))
        per_class = s["students"] // ((s["grade_max"] - s["grade_min"] + 1) * s["classes_per_grade"])
        for grade in range(s["grade_min"], s["grade_max"] + 1):
            age = min(18, grade + 6)
            for k in range(1, s["classes_per_grade"] + 1):
                collected = rng.random() >= missing_share
                sexes = rng.random(per_class) < 0.5
                h = np.where(
                    sexes,
                    rng.normal(*stats[("M", age)], per_class),
                    rng.normal(*stats[("F", age)], per_class),
                )
                if not collected:
                    continue
                sizes, counts = np.unique(size_for_height(h), return_counts=True)
                when = as_of - dt.timedelta(days=int(rng.integers(1, 30)))
                for garment, per_student in GARMENT_QTY_PER_STUDENT.items():
                    for size, cnt in zip(sizes, counts):
                        rows["school_id"].append(s["school_id"])
                        rows["grade"].append(grade)
                        rows["class_name"].append(f"{grade}年级{k}班")
                        rows["garment"].append(garment)
                        rows["size"].append(size)
                        rows["qty"].append(int(cnt) * per_student)
                        rows["deadline"].append(deadline)
                        rows["collected_at"].append(when)
    frame = pl.DataFrame(rows, schema_overrides={"deadline": pl.Date, "collected_at": pl.Date})
    frame = frame.with_columns(
        request_id=pl.format("R{}", pl.int_range(1, frame.height + 1).cast(pl.String).str.zfill(7))
    )
    return schema.conform("demand", frame)


# -- orders ------------------------------------------------------------------------------


def order_chunks(
    seed: int,
    factories: pl.DataFrame,
    n_lines: int,
    as_of: dt.date,
    id_offset: int = 0,
    status_as_of: dt.date | None = None,
    window_days: int = 120,
) -> Iterator[pl.DataFrame]:
    """Direct order lines, spread over factories in proportion to their size.

    Orders are placed in the ``window_days`` before ``as_of``; their status is as seen on
    ``status_as_of`` (default ``as_of``), so a later snapshot shows the same orders further on."""
    if factories.height == 0 or n_lines <= 0:
        return
    fac = factories.select("factory_id", "employees", "categories", "bulk_lead_days")
    weights = fac["employees"].to_numpy().astype(float)
    weights /= weights.sum()
    cat_lists = fac["categories"].to_list()
    first_cat = np.array([c[0] for c in cat_lists], dtype=object)
    second_cat = np.array([c[-1] for c in cat_lists], dtype=object)
    fids = fac["factory_id"].to_numpy()
    lead = fac["bulk_lead_days"].to_numpy()
    buyer_types = np.array(schema.BUYER_TYPES[1:], dtype=object)
    for chunk, start in enumerate(range(0, n_lines, ORDER_CHUNK)):
        n = min(ORDER_CHUNK, n_lines - start)
        rng = _rng(seed, 8, chunk)
        f = rng.choice(len(fids), n, p=weights)
        cat = np.where(rng.random(n) < 0.7, first_cat[f], second_cat[f])
        med_qty = np.array([ORDER_QTY[c] for c in cat])
        price = np.array([UNIT_PRICE[c] for c in cat])
        qty = np.maximum(1, np.round(med_qty * np.exp(rng.normal(0, 0.9, n)))).astype(np.int64)
        order_date = np.datetime64(as_of) - rng.integers(0, window_days, n).astype("timedelta64[D]")
        seen = np.datetime64(status_as_of or as_of)
        due = order_date + (lead[f] + rng.integers(7, 60, n)).astype("timedelta64[D]")
        status = np.where(
            due < seen,
            np.where(rng.random(n) < 0.95, "shipped", "cancelled"),
            np.where(order_date < seen - np.timedelta64(14, "D"), "in_production", "open"),
        )
        is_apparel = np.isin(cat, APPAREL)
        is_shoe = cat == "shoes"
        size_idx = rng.integers(0, len(schema.SIZES), n)
        shoe_idx = rng.integers(0, len(SHOE_SIZES), n)
        size = np.where(
            is_apparel,
            np.array(schema.SIZES, dtype=object)[size_idx],
            np.where(is_shoe, np.array(SHOE_SIZES, dtype=object)[shoe_idx], "F"),
        )
        buyer = rng.integers(1, max(50, n_lines // 40), n)
        frame = pl.DataFrame(
            {
                "order_id": [f"O{i:09d}" for i in range(id_offset + start + 1, id_offset + start + n + 1)],
                "factory_id": fids[f],
                "buyer_id": [f"B{b:06d}" for b in buyer],
                "buyer_type": buyer_types[rng.integers(0, len(buyer_types), n)],
                "channel": "direct",
                "category": cat,
                "sku": [f"{c[:2].upper()}-{s:05d}" for c, s in zip(cat, rng.integers(1, 20000, n))],
                "size": size,
                "qty": qty,
                "unit_price": np.round(price * np.exp(rng.normal(0, 0.25, n)), 2),
                "order_date": order_date.astype("datetime64[D]"),
                "due_date": due.astype("datetime64[D]"),
                "status": status,
            }
        )
        yield schema.conform("orders", frame)


def pooled_orders(
    seed: int, demand: pl.DataFrame, factories: pl.DataFrame, as_of: dt.date, first_id: int
) -> pl.DataFrame:
    """School-uniform orders from pooled demand: one line per school x garment x size.

    About a third are already allocated to a pooled-planning factory; the rest wait for
    the plan (factory_id null)."""
    rng = _rng(seed, 9)
    lines = (
        demand.group_by("school_id", "garment", "size", "deadline")
        .agg(pl.col("qty").sum())
        .sort("school_id", "garment", "size")
    )
    makers = factories.filter(
        pl.col("pooled_planning") & pl.col("categories").list.contains("school_uniform")
    )
    n = lines.height
    maker_ids = makers["factory_id"].to_numpy() if makers.height else np.array([None])
    allocated = rng.random(n) < 0.35
    fid = np.where(allocated, maker_ids[rng.integers(0, len(maker_ids), n)], None)
    return schema.conform(
        "orders",
        lines.with_columns(
            order_id=pl.Series([f"P{first_id + i:08d}" for i in range(n)]),
            factory_id=pl.Series(fid.tolist(), dtype=pl.String),
            buyer_id=pl.col("school_id"),
            buyer_type=pl.lit("school"),
            channel=pl.lit("pooled"),
            category=pl.lit("school_uniform"),
            sku=pl.format("SU-{}-{}", pl.col("school_id"), pl.col("garment")),
            unit_price=pl.Series(np.round(UNIT_PRICE["school_uniform"] * rng.uniform(0.8, 1.2, n), 2)),
            order_date=pl.lit(as_of - dt.timedelta(days=3)),
            due_date=pl.col("deadline"),
            status=pl.Series(np.where(allocated, "in_production", "open")),
        ),
    )


# -- inventory ---------------------------------------------------------------------------


def inventory_chunk(seed: int, factories: pl.DataFrame, as_of: dt.date, factor: float) -> pl.DataFrame:
    """Finished-goods stock per apparel/shoe factory: a few SKUs, several sizes each."""
    fac = factories.filter(
        pl.col("categories").list.eval(pl.element().is_in(list(APPAREL) + ["shoes"])).list.any()
    )
    if fac.height == 0:
        return schema.empty("inventory")
    key = int(fac["factory_id"][0][1:])
    rng = _rng(seed, 10, key)
    rows: dict[str, list] = {"factory_id": [], "sku": [], "size": [], "on_hand_pieces": [], "unit_cost": []}
    for fid, cats, emp in zip(fac["factory_id"], fac["categories"], fac["employees"]):
        cat = next(c for c in cats if c in APPAREL or c == "shoes")
        sizes = SHOE_SIZES[::3] if cat == "shoes" else schema.SIZES[::2]
        for k in range(int(rng.integers(1, 4))):
            sku = f"{cat[:2].upper()}-{fid[-5:]}{k}"
            level = emp * PRODUCTIVITY[cat] * rng.uniform(0.05, 0.4) / len(sizes)
            for size in sizes:
                rows["factory_id"].append(fid)
                rows["sku"].append(sku)
                rows["size"].append(size)
                rows["on_hand_pieces"].append(int(max(0, round(level * factor * rng.lognormal(0, 0.5)))))
                rows["unit_cost"].append(round(UNIT_PRICE[cat] * 0.6 * rng.uniform(0.85, 1.15), 2))
    return schema.conform("inventory", pl.DataFrame(rows).with_columns(as_of=pl.lit(as_of)))


# -- the whole snapshot ------------------------------------------------------------------


def build(
    store: Store,
    *,
    scale: float = 1.0,
    seed: int = 42,
    as_of: dt.date = DEFAULT_AS_OF,
    snapshots: int = 2,
    progress=None,
) -> list[Snapshot]:
    """Generate ``snapshots`` demo snapshots one week apart into ``store``; return them.

    Parameters
    ----------
    store : Store
        Where to write.
    scale : float
        1.0 gives ~3,000 factories and ~200,000 order lines; 500 gives 1.5M factories
        and 100M order lines. Generation is chunked, so memory stays bounded.
    seed : int
        Same seed and scale -> byte-identical tables.
    """
    say = progress or (lambda msg: None)
    n_factories = max(len(CLUSTERS) * 10, round(BASE_FACTORIES * scale))
    n_lines = max(1000, round(BASE_ORDER_LINES * scale))
    written = []
    tmp_dir = store.data_dir / ".demo-work"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    factories_path = tmp_dir / f"factories-{seed}-{n_factories}.parquet"
    say(f"factories: {n_factories:,}")
    from supply.data.store import write_parquet_chunks

    write_parquet_chunks(factories_path, "factories", factory_chunks(seed, n_factories))
    factories_all = pl.scan_parquet(factories_path)
    schools = schools_frame(seed)
    prev: Snapshot | None = None
    for k in range(snapshots):
        day = as_of + dt.timedelta(weeks=k)
        sid = f"demo-{day.isoformat()}"
        weeks = _mondays(day, WEEKS)
        # The later snapshot has slightly more booked work: a week of new orders came in.
        extra = 0.06 * k

        def cap_chunks() -> Iterator[pl.DataFrame]:
            for start in range(0, n_factories, FACTORY_CHUNK):
                fac = factories_all.slice(start, FACTORY_CHUNK).collect()
                yield capacity_chunk(seed + k * 1000, fac, weeks, True, extra)

        def inv_chunks() -> Iterator[pl.DataFrame]:
            for start in range(0, n_factories, FACTORY_CHUNK):
                fac = factories_all.slice(start, FACTORY_CHUNK).collect()
                yield inventory_chunk(seed, fac, day, 1.0 - 0.03 * k)

        demand = demand_frame(seed, schools, day, missing_share=0.08 if k == 0 else 0.02)

        def order_all() -> Iterator[pl.DataFrame]:
            fac = factories_all.select("factory_id", "employees", "categories", "bulk_lead_days").collect()
            yield from order_chunks(seed, fac, n_lines, as_of, status_as_of=day)
            if k > 0:  # a week of new direct orders
                yield from order_chunks(
                    seed + 7, fac, max(1, n_lines // 50), day, id_offset=n_lines, window_days=7
                )
            yield pooled_orders(seed, demand, factories_all.collect(), day, 1)

        say(f"snapshot {sid}: capacity, orders, demand, inventory")
        snap = store.write(
            sid,
            {
                "clusters": clusters_frame(),
                "factories": factories_path,
                "capacity": cap_chunks(),
                "orders": order_all(),
                "schools": schools,
                "demand": demand,
                "inventory": inv_chunks(),
            },
            as_of=day,
            parent=prev.snapshot_id if prev else None,
            synthetic=True,
            source={"kind": "demo", "seed": seed, "scale": scale},
            created_at=f"{day.isoformat()}T00:00:00+00:00",
        )
        written.append(snap)
        prev = snap
    factories_path.unlink(missing_ok=True)
    return written
