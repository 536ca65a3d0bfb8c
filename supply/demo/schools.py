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
from supply.demo.clusters import id_strings
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
    return np.array(schema.SIZES, dtype=object)[(step - schema.SIZE_HEIGHTS[0]) // 5]


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
    """Class-level uniform demand: each student's height drawn from WS/T 612-2018, then sized.

    Draws do not depend on ``missing_share``: a snapshot with a lower share holds the same
    classes (same heights, same dates) plus the ones handed in since."""
    rng = _rng(seed, 7)
    ref = heights_table()
    sch = schools.select("school_id", "students", "grade_min", "grade_max", "classes_per_grade")
    grades = (sch["grade_max"] - sch["grade_min"] + 1).to_numpy().astype(np.int64)
    cpg = sch["classes_per_grade"].to_numpy().astype(np.int64)
    deadline = np.datetime64(dt.date(as_of.year, 9, 1)) - rng.integers(7, 22, sch.height).astype(
        "timedelta64[D]"
    )
    # One row per class, in (school, grade, class) order.
    per_school = grades * cpg
    c_school = np.repeat(np.arange(sch.height), per_school)
    within = np.arange(len(c_school)) - np.repeat(np.cumsum(per_school) - per_school, per_school)
    c_grade = sch["grade_min"].to_numpy().astype(np.int64)[c_school] + within // cpg[c_school]
    c_k = within % cpg[c_school] + 1
    c_size = (sch["students"].to_numpy().astype(np.int64) // per_school)[c_school]
    collected = rng.random(len(c_school)) >= missing_share
    when = np.datetime64(as_of) - rng.integers(1, 30, len(c_school)).astype("timedelta64[D]")
    # Students: sex and height by age (grade + 6, at most 18) from the reference table.
    s_class = np.repeat(np.arange(len(c_school)), c_size)
    age = np.minimum(18, c_grade[s_class] + 6)
    male = rng.random(len(s_class)) < 0.5
    mu_table, sd_table = np.zeros((2, 19)), np.ones((2, 19))  # [male, age]
    for r in ref.iter_rows(named=True):
        mu_table[int(r["sex"] == "M"), r["age_years"]] = r["median_cm"]
        sd_table[int(r["sex"] == "M"), r["age_years"]] = r["implied_sd_cm"]
    mu, sd = mu_table[male.astype(np.int64), age], sd_table[male.astype(np.int64), age]
    step = np.clip(np.ceil(rng.normal(mu, sd) / 5.0) * 5, schema.SIZE_HEIGHTS[0], schema.SIZE_HEIGHTS[-1])
    size_idx = (step.astype(np.int64) - schema.SIZE_HEIGHTS[0]) // 5
    keep = collected[s_class]
    cells, counts = np.unique(s_class[keep] * len(schema.SIZES) + size_idx[keep], return_counts=True)
    cls, size = cells // len(schema.SIZES), cells % len(schema.SIZES)
    # One row per class x garment x size, in (class, garment, size) order.
    garments = list(GARMENT_QTY_PER_STUDENT)
    n_g = len(garments)
    per_class = np.bincount(cls, minlength=len(c_school))
    starts = np.cumsum(per_class) - per_class
    first = n_g * starts[cls] + np.arange(len(cls)) - starts[cls]  # garment 0 of each cell
    pos = first[:, None] + np.arange(n_g)[None, :] * per_class[cls][:, None]
    out_cell = np.empty(len(cls) * n_g, dtype=np.int64)
    out_garment = np.empty(len(cls) * n_g, dtype=np.int64)
    out_cell[pos.ravel()] = np.repeat(np.arange(len(cls)), n_g)
    out_garment[pos.ravel()] = np.tile(np.arange(n_g), len(cls))
    qty_per = np.array([GARMENT_QTY_PER_STUDENT[g] for g in garments])
    row_class = cls[out_cell]
    names = pl.Series([class_name(g, k) for g, k in zip(c_grade.tolist(), c_k.tolist())], dtype=pl.String)
    frame = pl.DataFrame(
        {
            "request_id": id_strings("R", np.arange(1, len(out_cell) + 1), 7),
            "school_id": sch["school_id"].gather(c_school[row_class]),
            "grade": c_grade[row_class],
            "class_name": names.gather(row_class),
            "garment": pl.Series(garments).gather(out_garment),
            "size": pl.Series(schema.SIZES).gather(size[out_cell]),
            "qty": counts[out_cell] * qty_per[out_garment],
            "deadline": deadline[c_school[row_class]],
            "collected_at": when[row_class],
        }
    )
    return schema.conform("demand", frame)
