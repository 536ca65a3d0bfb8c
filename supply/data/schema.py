"""Data model, schema version 1 (DESIGN.md section 4).

Every table is one Parquet file per snapshot. Keys are strings, quantities are pieces,
money is CNY, dates are ISO dates, coordinates are WGS-84 longitude/latitude.
"""

from __future__ import annotations

import polars as pl

SCHEMA_VERSION = 1

# Column name -> Polars dtype, in file order. "At least" these columns (DESIGN section 4);
# a few extra columns that the pages need are marked.
TABLES: dict[str, dict[str, pl.DataType]] = {
    "clusters": {
        "cluster_id": pl.String,
        "name_zh": pl.String,
        "name_en": pl.String,
        "adcodes": pl.List(pl.String),
        "main_category": pl.String,
        "association_name": pl.String,
        "source": pl.String,  # extra: where the cluster's identity comes from
    },
    "factories": {
        "factory_id": pl.String,
        "name": pl.String,
        "cluster_id": pl.String,
        "adcode": pl.String,
        "town": pl.String,
        "address": pl.String,
        "lon": pl.Float64,
        "lat": pl.Float64,
        "coord_source": pl.String,
        "categories": pl.List(pl.String),
        "employees": pl.Int32,
        "established_year": pl.Int16,
        "association_member": pl.Boolean,
        "pooled_planning": pl.Boolean,  # extra: takes part in pooled planning
        "certifications": pl.List(pl.String),
        "moq_pieces": pl.Int32,
        "sample_days": pl.Int16,
        "bulk_lead_days": pl.Int16,
    },
    "capacity": {
        "factory_id": pl.String,
        "week_start": pl.Date,
        "category": pl.String,
        "capacity_pieces": pl.Int64,
        "booked_pieces": pl.Int64,
    },
    "orders": {
        "order_id": pl.String,
        "factory_id": pl.String,
        "buyer_id": pl.String,
        "buyer_type": pl.String,
        "channel": pl.String,
        "category": pl.String,
        "sku": pl.String,
        "size": pl.String,
        "qty": pl.Int64,
        "unit_price": pl.Float64,
        "order_date": pl.Date,
        "due_date": pl.Date,
        "status": pl.String,
    },
    "schools": {
        "school_id": pl.String,
        "name": pl.String,
        "adcode": pl.String,
        "lon": pl.Float64,
        "lat": pl.Float64,
        "students": pl.Int32,
        "stage": pl.String,  # extra: primary / junior / senior
        "grade_min": pl.Int8,  # extra: first grade taught (1..12)
        "grade_max": pl.Int8,  # extra: last grade taught
        "classes_per_grade": pl.Int8,  # extra: lets the collection view find missing classes
    },
    "demand": {
        "request_id": pl.String,
        "school_id": pl.String,
        "grade": pl.Int8,
        "class_name": pl.String,
        "garment": pl.String,
        "size": pl.String,
        "qty": pl.Int32,
        "deadline": pl.Date,
        "collected_at": pl.Date,
    },
    "inventory": {
        "factory_id": pl.String,
        "sku": pl.String,
        "size": pl.String,
        "as_of": pl.Date,
        "on_hand_pieces": pl.Int64,
        "unit_cost": pl.Float64,
    },
}

KEYS: dict[str, tuple[str, ...]] = {
    "clusters": ("cluster_id",),
    "factories": ("factory_id",),
    "capacity": ("factory_id", "week_start", "category"),
    "orders": ("order_id",),
    "schools": ("school_id",),
    "demand": ("request_id",),
    "inventory": ("factory_id", "sku", "size", "as_of"),
}

# Fixed, bilingual category list (labels live in supply/i18n). Codes are stable ids.
CATEGORIES: tuple[str, ...] = (
    "childrens_wear",
    "school_uniform",
    "shoes",
    "packaging",
    "small_commodities",
    "crystal",
    "press_on_nails",
    "textiles",
)

GARMENTS: tuple[str, ...] = ("summer_uniform", "autumn_uniform", "winter_uniform", "sportswear")
CHANNELS: tuple[str, ...] = ("pooled", "direct")
ORDER_STATUSES: tuple[str, ...] = ("open", "in_production", "shipped", "cancelled")
BUYER_TYPES: tuple[str, ...] = ("school", "retailer", "ecommerce", "brand", "wholesaler")
COORD_SOURCES: tuple[str, ...] = ("wgs84", "gcj02", "bd09")

# School-uniform sizes, written height/chest after GB/T 1335 as GB/T 31888-2015 asks
# (shared/reference/README.md). The full GB/T 1335 table is not in our reference folder;
# heights step by 5 cm and the chest values reproduce DESIGN.md's own examples
# (120/60, 130/64 ... 180/96): +2 cm chest per 5 cm up to 150/72, +4 cm after that.
SIZE_HEIGHTS: tuple[int, ...] = tuple(range(110, 185, 5))


def chest_for_height(height_cm: int) -> int:
    """Chest girth (cm) written after the height in a uniform size, e.g. 130 -> 64."""
    if height_cm <= 150:
        return 60 + (height_cm - 120) * 2 // 5
    return 72 + (height_cm - 150) * 4 // 5


SIZES: tuple[str, ...] = tuple(f"{h}/{chest_for_height(h)}" for h in SIZE_HEIGHTS)


# Allowed value ranges (inclusive) of the numeric columns, checked on ingest and on every
# edit (``check_range``; the My factory calendar uses the same cap), so no upload can
# overflow a sum: 5 million pieces a week for one factory and category is a sixth of what
# all of Zhili's 14,000 children's-wear firms make in a week (about 1.5 billion pieces a
# year), and a cluster's total over years of weeks stays far inside Int64. Coordinates are checked separately (China's extent).
RANGES: dict[str, dict[str, tuple[int | float, int | float]]] = {
    "factories": {
        "employees": (0, 1_000_000),
        "established_year": (1900, 2100),
        "moq_pieces": (0, 10_000_000),
        "sample_days": (0, 365),
        "bulk_lead_days": (0, 365),
    },
    "capacity": {"capacity_pieces": (0, 5_000_000), "booked_pieces": (0, 5_000_000)},
    "orders": {"qty": (1, 10_000_000), "unit_price": (0, 1_000_000)},  # pieces; CNY a piece
    "schools": {
        "students": (0, 100_000),
        "grade_min": (1, 12),
        "grade_max": (1, 12),
        "classes_per_grade": (1, 100),
    },
    "demand": {"grade": (1, 12), "qty": (1, 10_000)},  # one class, one garment and size
    "inventory": {"on_hand_pieces": (0, 100_000_000), "unit_cost": (0, 1_000_000)},
}


def value_range(table: str, column: str) -> tuple[int | float, int | float] | None:
    """The allowed (low, high) of a numeric column, or None when it has no range."""
    return RANGES.get(table, {}).get(column)


def range_text(table: str, column: str) -> str:
    """The allowed range written for people, e.g. ``0–10,000,000``."""
    lo, hi = RANGES[table][column]
    return f"{lo:,}–{hi:,}"


def check_range(table: str, column: str, value) -> tuple[str, str] | None:
    """(reason, allowed range) when ``value`` is outside the column's range, else None.

    The reason is ``below_min``, ``above_max`` or ``not_finite`` (NaN, inf), the codes the
    ingest errors use (``ingest.reason.<code>`` in supply/i18n), e.g. for a calendar edit::

        check_range("capacity", "capacity_pieces", 2**63)  # ('above_max', '0–5,000,000')
    """
    bounds = value_range(table, column)
    if bounds is None or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return (
            "above_max" if isinstance(value, int) and value > 0 else "not_number",
            range_text(table, column),
        )
    if number != number or number in (float("inf"), float("-inf")):
        return "not_finite", range_text(table, column)
    if value < bounds[0]:
        return "below_min", range_text(table, column)
    if value > bounds[1]:
        return "above_max", range_text(table, column)
    return None


def range_masks(table: str, column: str, values: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(below, above) boolean masks of a column's values against its range (nulls: False)."""
    lo, hi = RANGES[table][column]
    return (values < lo).fill_null(False), (values > hi).fill_null(False)


def empty(table: str) -> pl.DataFrame:
    """An empty frame with the table's exact schema."""
    return pl.DataFrame(schema=TABLES[table])


def conform(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Select and cast a frame to exactly the table's schema, in schema order."""
    schema = TABLES[table]
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise ValueError(f"table {table!r} is missing column(s) {missing}")
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])
