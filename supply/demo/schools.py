"""Synthetic schools in Huzhou and their class-level uniform demand (heights -> sizes).

Students' heights are drawn by age and sex from the WS/T 612-2018 reference table of
children's heights (a copy ships in supply/reference/), then sized with the GB/T 1335-style
height/chest sizes that GB/T 31888-2015 asks school uniforms to follow. School names,
classes and every count are invented; classes are named as Chinese schools write them
(三年级(2)班, 初二(1)班, 高一(3)班).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from supply.data import schema
from supply.data.config import PACKAGE_REFERENCE
from supply.demo.clusters import rng as _rng
from supply.maps import geo
from supply.planning.demand import class_name

HUZHOU_COUNTIES = ("330502", "330503", "330521", "330522", "330523")
GARMENT_QTY_PER_STUDENT = {"summer_uniform": 2, "autumn_uniform": 2, "winter_uniform": 1, "sportswear": 1}


def heights_table() -> pl.DataFrame:
    """WS/T 612-2018 heights by sex and age (the reference table copied into supply/reference/)."""
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
                        rows["class_name"].append(class_name(grade, k))
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
