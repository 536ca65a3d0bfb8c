"""Synthetic but plausible factory names: place + brand + trade + legal form.

Factory names are built the way small Chinese manufacturers are usually named: a real
place of the cluster (city, county or town), an invented two- or three-character brand,
the trade word of what the factory makes, and a legal form (厂 for workshops, 有限公司 for
companies), e.g. 织里锦程童装厂 or 锦程服饰（湖州）有限公司. The places are real; every brand,
and so every name, is invented. Names are unique within the demo, with no serial numbers:
duplicates are redrawn from a seeded stream, so the same seed gives the same names.
Class names (三年级(2)班, 初二(1)班) follow the demand template's rule, ``planning.demand.class_name``.
"""

from __future__ import annotations

import numpy as np
import polars as pl

# Real places of each cluster's county (city, county and well-known towns/streets in it).
PLACES: dict[str, tuple[str, ...]] = {
    "zhili": ("湖州", "织里", "吴兴", "湖州织里", "织里镇"),
    "yiwu": ("义乌", "稠城", "佛堂", "苏溪", "大陈"),
    "jinjiang": ("晋江", "泉州", "陈埭", "安海", "池店"),
    "longgang": ("龙港", "温州", "苍南", "龙港市"),
    "donghai": ("东海", "连云港", "东海县"),
    "changshu": ("常熟", "苏州", "虞山", "海虞"),
    "keqiao": ("柯桥", "绍兴", "钱清", "柯桥区"),
}
# Trade words by category (what the factory makes), as they appear in company names.
TRADE_WORDS: dict[str, tuple[str, ...]] = {
    "childrens_wear": ("童装", "服饰", "制衣", "服装", "童装服饰", "童装制衣"),
    "school_uniform": ("校服", "服饰", "制衣", "学生服", "校服制衣"),
    "shoes": ("鞋业", "鞋服", "体育用品", "鞋材", "制鞋"),
    "packaging": ("包装", "印务", "纸品", "印刷", "包装材料", "彩印"),
    "small_commodities": ("日用品", "工艺品", "饰品", "塑料制品", "文具", "玩具"),
    "crystal": ("水晶", "水晶制品", "珠宝饰品", "水晶工艺品"),
    "press_on_nails": ("美甲", "美甲用品", "美妆用品", "穿戴甲"),
    "textiles": ("纺织", "织造", "针纺", "布业", "印染", "面料"),
}
# Brand characters: first and second syllables of typical small-firm brand names.
_FIRST = tuple("恒宏锦晨华新启安瑞金星永嘉美远顺和盛佳天正优朝凯博润鼎同龙如欣卓诚益富泰丰乐贝童雅华明艺")
_SECOND = tuple("信达程阳彩雅航康丰穗辰盛禾佳泰悦世源成合品晖越文泽新心腾意宇祥兴利鑫业灿琪诺贝宝")
_THIRD = tuple("坊宝贝家园汇轩阁苑")  # a third syllable, used only when two-syllable brands run short
_FIRST = tuple(dict.fromkeys(_FIRST))
_SECOND = tuple(dict.fromkeys(_SECOND))
_MAX_REDRAWS = 50


def brand_count(three: bool) -> int:
    """How many brands there are with two syllables (or with two or three)."""
    two = len(_FIRST) * len(_SECOND)
    return two * (1 + len(_THIRD)) if three else two


def _brands(index: np.ndarray) -> pl.Series:
    """Brand text for brand numbers (below brand_count(False): two syllables, above: three)."""
    two = len(_FIRST) * len(_SECOND)
    base = index % two
    third = index // two  # 0 = none, k = _THIRD[k - 1]
    first = pl.Series(_FIRST).gather(base // len(_SECOND))
    second = pl.Series(_SECOND).gather(base % len(_SECOND))
    tail = pl.Series(("",) + _THIRD).gather(third)
    return (first + second + tail).alias("brand")


def factory_names(
    rng: np.random.Generator, cluster_id: str, categories: list[str], employees: np.ndarray
) -> pl.Series:
    """Unique names for one cluster's factories (``categories``: each factory's main category).

    Large firms (100+ workers) are mostly companies (有限公司), small ones mostly workshops (厂).
    """
    n = len(categories)
    places = PLACES[cluster_id]
    cats = pl.Series(categories, dtype=pl.String)
    words_by_cat = {c: TRADE_WORDS[c] for c in set(categories)}
    use_three = n * 4 > brand_count(False) * len(places)
    n_brands = brand_count(use_three)
    big = np.asarray(employees) >= 100
    names = pl.Series("name", [None] * n, dtype=pl.String)
    todo = np.arange(n)
    for _ in range(_MAX_REDRAWS):
        k = len(todo)
        brand = _brands(rng.integers(0, n_brands, k))
        place = pl.Series(places).gather(rng.integers(0, len(places), k))
        word_pick = rng.random(k)
        cat_k = cats.gather(todo)
        word = pl.Series([None] * k, dtype=pl.String)
        for c, words in words_by_cat.items():
            mask = (cat_k == c).to_numpy()
            idx = np.minimum((word_pick[mask] * len(words)).astype(np.int64), len(words) - 1)
            word = word.scatter(np.flatnonzero(mask), pl.Series(words).gather(idx))
        company = rng.random(k) < np.where(big[todo], 0.85, 0.2)
        bracket = rng.random(k) < 0.3
        workshop_form = np.where(rng.random(k) < 0.75, 0, 1)
        form = np.where(company, np.where(bracket, 3, 2), workshop_form)
        frame = pl.DataFrame({"brand": brand, "place": place, "word": word, "form": form})
        made = frame.select(
            pl.when(pl.col("form") == 3)
            .then(pl.concat_str("brand", "word", pl.lit("（"), "place", pl.lit("）有限公司")))
            .otherwise(
                pl.concat_str(
                    "place",
                    "brand",
                    "word",
                    pl.col("form").replace_strict({0: "厂", 1: "加工厂", 2: "有限公司"}, default=""),
                )
            )
            .alias("name")
        ).to_series()
        names = names.scatter(todo, made)
        dup = names.is_duplicated() & ~names.is_first_distinct()
        todo = np.flatnonzero(dup.to_numpy())
        if len(todo) == 0:
            return names
    raise RuntimeError(f"could not draw {n} unique factory names for {cluster_id}")
