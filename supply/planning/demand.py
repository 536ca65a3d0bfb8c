"""School-uniform demand intake (DESIGN.md §5.4): template, heights to sizes, collection, pooling.

* ``template_frame`` is the ``demand`` table with bilingual headers (``学校编号（school_id）``),
  which the ingest mapping recognises, optionally prefilled with a school's classes.
* ``demand_from_heights`` turns students' heights into template rows: each height gets
  the smallest GB/T 1335 size (height/chest, ``schema.SIZES``) at least as tall, the same
  rule as the demo (``supply.demo.generate.size_for_height``), so a growing child is not sized down.
* ``collection_status`` and ``missing_classes`` compare what was handed in with the
  classes a school has (grades x ``classes_per_grade``); class names follow the
  template's 三年级(2)班 / 初二(1)班 / 高一(3)班 pattern.
* ``pooling_stats`` counts production lots: one per school x garment x size when each
  school orders alone, one per garment x size (x deadline week) when demand is pooled.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import polars as pl

from supply.data import schema

# Template column -> (Chinese header, English name). Order = schema order of the demand table.
TEMPLATE_HEADERS: dict[str, str] = {
    "request_id": "需求编号",
    "school_id": "学校编号",
    "grade": "年级",
    "class_name": "班级",
    "garment": "款式",
    "size": "尺码",
    "qty": "数量",
    "deadline": "截止日期",
    "collected_at": "采集日期",
}
# Pieces per student and garment in a full set (the demo's assumption, supply/demo/generate.py).
PIECES_PER_STUDENT = {"summer_uniform": 2, "autumn_uniform": 2, "winter_uniform": 1, "sportswear": 1}


def header(column: str) -> str:
    """The bilingual template header of a demand column, e.g. '学校编号（school_id）'."""
    return f"{TEMPLATE_HEADERS[column]}（{column}）"


def class_name(grade: int, k: int) -> str:
    """A class as Chinese schools write it (the template's and the demo's), e.g. (8, 1) -> '初二(1)班'."""
    grade, cn = int(grade), "一二三四五六"
    label = (
        f"{cn[grade - 1]}年级"
        if grade <= 6
        else f"初{cn[grade - 7]}"
        if grade <= 9
        else f"高{cn[grade - 10]}"
    )
    return f"{label}({int(k)})班"


def template_frame(
    schools: pl.DataFrame | None = None,
    deadline: dt.date | None = None,
    garments: tuple[str, ...] = schema.GARMENTS,
) -> pl.DataFrame:
    """The demand template: bilingual headers; one row per class x garment of ``schools``
    (school_id, grade_min, grade_max, classes_per_grade) with size and quantity left blank."""
    cols = {c: [] for c in TEMPLATE_HEADERS}
    for s in schools.iter_rows(named=True) if schools is not None else []:
        for grade in range(int(s["grade_min"]), int(s["grade_max"]) + 1):
            for k in range(1, int(s["classes_per_grade"]) + 1):
                for garment in garments:
                    cols["request_id"].append(f"{s['school_id']}-{grade}-{k}-{garment}-1")
                    cols["school_id"].append(s["school_id"])
                    cols["grade"].append(grade)
                    cols["class_name"].append(class_name(grade, k))
                    cols["garment"].append(garment)
                    cols["size"].append(None)
                    cols["qty"].append(None)
                    cols["deadline"].append(deadline)
                    cols["collected_at"].append(None)
    frame = pl.DataFrame(
        cols,
        schema={
            "request_id": pl.String,
            "school_id": pl.String,
            "grade": pl.Int64,
            "class_name": pl.String,
            "garment": pl.String,
            "size": pl.String,
            "qty": pl.Int64,
            "deadline": pl.Date,
            "collected_at": pl.Date,
        },
    )
    return frame.rename({c: header(c) for c in TEMPLATE_HEADERS})


def size_for_height(height_cm) -> np.ndarray:
    """GB/T 1335 size label for each height: the smallest size at least as tall (clipped to the range)."""
    h = np.asarray(height_cm, dtype=float)
    if np.isnan(h).any():
        raise ValueError("every height must be a number (cm)")
    step = np.clip(np.ceil(h / 5.0) * 5, schema.SIZE_HEIGHTS[0], schema.SIZE_HEIGHTS[-1]).astype(int)
    labels = {hh: f"{hh}/{schema.chest_for_height(hh)}" for hh in schema.SIZE_HEIGHTS}
    return np.array([labels[v] for v in step], dtype=object)


class HeightsError(ValueError):
    """A heights table cannot be used; the message names the row, the column and the fix."""


HEIGHT_COLUMNS = ("school_id", "grade", "class_name", "height_cm")


def demand_from_heights(
    heights: pl.DataFrame,
    deadline: dt.date,
    collected_at: dt.date | None = None,
    pieces_per_student: dict[str, int] | None = None,
) -> pl.DataFrame:
    """Demand rows (the ``demand`` schema) from one height per student.

    ``heights`` has school_id, grade, class_name and height_cm (one row per student).
    Each class gets one row per garment and size: students of that size times the
    garment's pieces per student. Heights outside 50-250 cm are refused, naming the row.
    """
    missing = [c for c in HEIGHT_COLUMNS if c not in heights.columns]
    if missing:
        raise HeightsError(f"the heights table lacks column(s) {missing}; it needs {list(HEIGHT_COLUMNS)}")
    per = pieces_per_student or PIECES_PER_STUDENT
    h = heights.with_row_index("row", offset=2).with_columns(
        height_cm=pl.col("height_cm").cast(pl.Float64, strict=False)
    )
    bad = h.filter(pl.col("height_cm").is_null() | (pl.col("height_cm") < 50) | (pl.col("height_cm") > 250))
    if bad.height:
        r = bad.row(0, named=True)
        raise HeightsError(
            f"row {r['row']}, column height_cm: {r['height_cm']!r} is not a height between 50 and "
            f"250 cm; enter the student's height in centimetres ({bad.height} row(s) like this)"
        )
    blank = h.filter(
        pl.col("school_id").is_null() | pl.col("class_name").is_null() | pl.col("grade").is_null()
    )
    if blank.height:
        r = blank.row(0, named=True)
        raise HeightsError(f"row {r['row']}: school_id, grade and class_name must all be filled in")
    sized = h.with_columns(size=pl.Series(size_for_height(h["height_cm"].to_numpy()), dtype=pl.String))
    counts = sized.group_by("school_id", "grade", "class_name", "size").agg(pl.len().alias("students"))
    rows = counts.join(pl.DataFrame({"garment": list(per), "per": list(per.values())}), how="cross")
    rows = rows.with_columns(
        qty=pl.col("students") * pl.col("per"),
        deadline=pl.lit(deadline),
        collected_at=pl.lit(collected_at or dt.date.today()),
    )
    order = {s: i for i, s in enumerate(schema.SIZES)}
    rows = rows.with_columns(_o=pl.col("size").replace_strict(order, default=99)).sort(
        "school_id", "grade", "class_name", "garment", "_o"
    )
    ids = [
        _request_id(*r)
        for r in rows.select("school_id", "grade", "class_name", "garment", "size").iter_rows()
    ]
    return schema.conform("demand", rows.with_columns(request_id=pl.Series(ids, dtype=pl.String)))


def _request_id(school_id, grade, class_name_, garment, size) -> str:
    """A stable id for a class x garment x size row, so re-uploading updates instead of duplicating."""
    key = f"{school_id}|{grade}|{class_name_}|{garment}|{size}"
    return f"H-{school_id}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"


def to_template(demand: pl.DataFrame) -> pl.DataFrame:
    """Demand rows with the template's bilingual headers (for download and re-upload)."""
    return demand.select(list(TEMPLATE_HEADERS)).rename({c: header(c) for c in TEMPLATE_HEADERS})


# -- collection --------------------------------------------------------------------------------


def missing_classes(schools: pl.DataFrame, by_class: pl.DataFrame) -> pl.DataFrame:
    """Classes a school has (grades x classes per grade) that have handed in nothing."""
    expected = []
    for s in schools.iter_rows(named=True):
        if s["grade_min"] is None or s["grade_max"] is None or not s["classes_per_grade"]:
            continue
        for grade in range(int(s["grade_min"]), int(s["grade_max"]) + 1):
            for k in range(1, int(s["classes_per_grade"]) + 1):
                expected.append((s["school_id"], s.get("name"), grade, class_name(grade, k)))
    exp = pl.DataFrame(
        expected,
        schema={"school_id": pl.String, "name": pl.String, "grade": pl.Int64, "class_name": pl.String},
        orient="row",
    )
    got = by_class.select(pl.col("school_id"), pl.col("grade").cast(pl.Int64), "class_name").unique()
    return exp.join(got, on=["school_id", "grade", "class_name"], how="anti").sort(
        "school_id", "grade", "class_name"
    )


def collection_status(by_school: pl.DataFrame) -> pl.DataFrame:
    """Per school: classes expected, collected, missing and the share collected."""
    return by_school.with_columns(
        classes_missing=pl.max_horizontal(pl.col("classes_expected") - pl.col("classes_collected"), 0),
        collected_share=pl.col("classes_collected")
        / pl.when(pl.col("classes_expected") > 0).then(pl.col("classes_expected")),
    ).sort("collected_share", "school_id", nulls_last=True)


# -- pooling ------------------------------------------------------------------------------------


def pooling_stats(sizes: pl.DataFrame) -> dict:
    """Production lots per school vs pooled, from demand per school x garment x deadline x size.

    Returns pieces, ``lots_per_school`` (school x garment x size), ``lots_pooled``
    (garment x size), ``lots_pooled_by_week`` (garment x size x deadline week) and the
    mean pieces per lot in each case.
    """
    if sizes.height == 0:
        return {
            "pieces": 0,
            "schools": 0,
            "lots_per_school": 0,
            "lots_pooled": 0,
            "lots_pooled_by_week": 0,
            "mean_lot_per_school": None,
            "mean_lot_pooled": None,
            "mean_lot_pooled_by_week": None,
        }
    pieces = int(sizes["qty"].sum())
    per_school = sizes.select("school_id", "garment", "size").n_unique()
    pooled = sizes.select("garment", "size").n_unique()
    by_week = (
        sizes.with_columns(week=pl.col("deadline").dt.truncate("1w"))
        .select("garment", "size", "week")
        .n_unique()
    )
    return {
        "pieces": pieces,
        "schools": sizes["school_id"].n_unique(),
        "lots_per_school": per_school,
        "lots_pooled": pooled,
        "lots_pooled_by_week": by_week,
        "mean_lot_per_school": pieces / per_school,
        "mean_lot_pooled": pieces / pooled,
        "mean_lot_pooled_by_week": pieces / by_week,
    }


def school_garment_table(groups: pl.DataFrame) -> pl.DataFrame:
    """Pieces per school (rows) and garment (columns), with the total, from planning_demand_groups."""
    if groups.height == 0:
        return pl.DataFrame(schema={"school_id": pl.String, "school_name": pl.String, "total": pl.Int64})
    wide = (
        groups.group_by("school_id", "school_name", "garment")
        .agg(pl.col("demand").sum())
        .pivot(on="garment", index=["school_id", "school_name"], values="demand")
        .fill_null(0)
    )
    garments = [g for g in schema.GARMENTS if g in wide.columns]
    return (
        wide.select("school_id", "school_name", *garments)
        .with_columns(total=pl.sum_horizontal(garments))
        .sort("school_id")
    )
