"""Inputs of the season simulation: initial demand per school x garment x size cell.

From class-level demand (``inputs_from_cells``), from schools' students and grades where a
role cannot see class lists (``inputs_from_schools``), or from a snapshot through the
scoped views (``load_inputs``). Bad input raises ValueError naming the row and column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.special import ndtr

from supply.data import schema
from supply.data.config import PACKAGE_REFERENCE

# Assumption for the school-based estimate only (roles without class lists): pieces of each
# garment a student buys per season. Class-level demand, where visible, replaces it.
PIECES_PER_STUDENT = {"summer_uniform": 2, "autumn_uniform": 2, "winter_uniform": 1, "sportswear": 1}
FIRST_GRADE_AGE = 6  # a grade-g pupil is g + 6 years old (clipped to the 7-18 height table)

# -- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimInputs:
    """Initial demand per cell (school x garment x size), sorted by school then garment."""

    school: np.ndarray  # index into school_ids, per cell
    garment: np.ndarray  # index into garments, per cell
    size: np.ndarray  # index into sizes, per cell
    qty: np.ndarray  # pieces of initial demand per cell (> 0)
    school_ids: tuple[str, ...]
    garments: tuple[str, ...]
    sizes: tuple[str, ...]
    unit_cost: float | None = None  # CNY per piece to value stock; None = pieces only
    source: str = "demand"  # demand (class lists) | schools (estimated) | user

    @property
    def n_cells(self) -> int:
        """Number of school x garment x size cells."""
        return int(self.qty.size)

    @property
    def n_schools(self) -> int:
        """Number of schools with demand."""
        return len(self.school_ids)

    @property
    def total_pieces(self) -> float:
        """Initial demand in pieces."""
        return float(self.qty.sum())


_CELL_COLUMNS = ("school_id", "garment", "size", "qty")


def inputs_from_cells(
    cells: pl.DataFrame, unit_cost: float | None = None, source: str = "demand"
) -> SimInputs:
    """SimInputs from a frame with school_id, garment, size, qty (and optionally adcode).

    Rows of the same cell are added up and zero rows dropped. Schools are ordered by
    adcode (when given) then id, so pools of neighbouring schools are formed first.
    Raises ValueError naming the row and column of bad input.
    """
    missing = [c for c in _CELL_COLUMNS if c not in cells.columns]
    if missing:
        raise ValueError(
            f"demand cells need column(s) {', '.join(missing)}; "
            f"give one row per school, garment and size with its qty"
        )
    for col in _CELL_COLUMNS:
        nulls = cells[col].is_null()
        if nulls.any():
            row = int(nulls.arg_max())
            raise ValueError(f"row {row + 1}: column {col!r} is empty; fill it in or drop the row")
    qty = cells["qty"].cast(pl.Float64, strict=False)
    bad = qty.is_null() | ~qty.is_finite() | (qty < 0) | (qty != qty.floor())
    if bad.any():
        row = int(bad.arg_max())
        raise ValueError(
            f"row {row + 1}: column 'qty' is {cells['qty'][row]!r}; it must be a whole number of pieces >= 0"
        )
    if unit_cost is not None and (not math.isfinite(unit_cost) or unit_cost <= 0):
        raise ValueError(f"unit_cost must be a number of CNY > 0, got {unit_cost!r}")
    key = ["adcode"] if "adcode" in cells.columns else []
    frame = (
        cells.with_columns(qty=qty, **({} if key else {"adcode": pl.lit("")}))
        .with_columns(
            pl.col("adcode").cast(pl.String).fill_null(""),
            *(pl.col(c).cast(pl.String) for c in ("school_id", "garment", "size")),
        )
        .group_by("adcode", "school_id", "garment", "size")
        .agg(pl.col("qty").sum())
        .filter(pl.col("qty") > 0)
    )
    order = (
        frame.group_by("school_id")
        .agg(pl.col("adcode").min())
        .sort("adcode", "school_id")["school_id"]
        .to_list()
    )
    rank = {s: i for i, s in enumerate(order)}
    garments = tuple(sorted(frame["garment"].unique().to_list(), key=_garment_order))
    sizes = tuple(sorted(frame["size"].unique().to_list(), key=_size_order))
    g_rank = {g: i for i, g in enumerate(garments)}
    z_rank = {z: i for i, z in enumerate(sizes)}
    frame = frame.with_columns(
        s=pl.col("school_id").replace_strict(rank, return_dtype=pl.Int32),
        g=pl.col("garment").replace_strict(g_rank, return_dtype=pl.Int32) if garments else pl.lit(0),
        z=pl.col("size").replace_strict(z_rank, return_dtype=pl.Int32) if sizes else pl.lit(0),
    ).sort("s", "g", "z")
    return SimInputs(
        school=frame["s"].to_numpy().astype(np.int64),
        garment=frame["g"].to_numpy().astype(np.int64),
        size=frame["z"].to_numpy().astype(np.int64),
        qty=frame["qty"].to_numpy().astype(float),
        school_ids=tuple(order),
        garments=garments,
        sizes=sizes,
        unit_cost=unit_cost,
        source=source,
    )


def _garment_order(g: str) -> tuple:
    return (schema.GARMENTS.index(g), g) if g in schema.GARMENTS else (len(schema.GARMENTS), g)


def _size_order(z: str) -> tuple:
    return (schema.SIZES.index(z), z) if z in schema.SIZES else (len(schema.SIZES), z)


def size_shares(age: int, heights: pl.DataFrame | None = None) -> np.ndarray:
    """Share of pupils of an age in each of schema.SIZES (boys and girls equally).

    A size h/c fits heights in (h - 5, h] cm (the smallest size at least as tall); the
    first and last sizes take the tails. Heights are normal with the WS/T 612-2018 median
    and implied SD for the age (supply/reference/heights_by_age_wst612_2018.csv).
    """
    heights = heights if heights is not None else _heights()
    age = int(min(max(age, heights["age_years"].min()), heights["age_years"].max()))
    edges = np.array(schema.SIZE_HEIGHTS[:-1], dtype=float)  # upper edge of every size but the last
    out = np.zeros(len(schema.SIZES))
    for row in heights.filter(pl.col("age_years") == age).iter_rows(named=True):
        cdf = ndtr((edges - row["median_cm"]) / row["implied_sd_cm"])
        out += np.diff(np.r_[0.0, cdf, 1.0]) / 2.0
    return out


def _heights() -> pl.DataFrame:
    return pl.read_csv(PACKAGE_REFERENCE / "heights_by_age_wst612_2018.csv")


def inputs_from_schools(
    schools: pl.DataFrame, unit_cost: float | None = None, pieces_per_student: dict[str, float] | None = None
) -> SimInputs:
    """Expected initial demand from schools' students and grades, for roles without class lists.

    Students are spread evenly over the school's grades; each grade's size mix comes from
    ``size_shares`` (national height reference), and every student buys
    ``pieces_per_student`` pieces of each garment (an assumption; see PIECES_PER_STUDENT).
    """
    need = ("school_id", "students", "grade_min", "grade_max")
    missing = [c for c in need if c not in schools.columns]
    if missing:
        raise ValueError(f"schools need column(s) {', '.join(missing)}")
    per = pieces_per_student or PIECES_PER_STUDENT
    heights = _heights()
    shares = {a: size_shares(a, heights) for a in range(1, 25)}
    rows: dict[str, list] = {"adcode": [], "school_id": [], "garment": [], "size": [], "qty": []}
    for i, s in enumerate(schools.iter_rows(named=True)):
        if any(s[c] is None for c in need):
            raise ValueError(f"row {i + 1}: school {s['school_id']!r} lacks students or grades")
        grades = range(int(s["grade_min"]), int(s["grade_max"]) + 1)
        mix = sum(shares[g + FIRST_GRADE_AGE] for g in grades) / max(len(grades), 1)
        for garment, k in per.items():
            q = np.round(mix * float(s["students"]) * k)
            for size, n in zip(schema.SIZES, q):
                if n > 0:
                    rows["adcode"].append(s.get("adcode") or "")
                    rows["school_id"].append(s["school_id"])
                    rows["garment"].append(garment)
                    rows["size"].append(size)
                    rows["qty"].append(float(n))
    return inputs_from_cells(
        pl.DataFrame(
            rows,
            schema={
                "adcode": pl.String,
                "school_id": pl.String,
                "garment": pl.String,
                "size": pl.String,
                "qty": pl.Float64,
            },
        ),
        unit_cost,
        source="schools",
    )


# -- loading from a snapshot -----------------------------------------------------------------


def load_inputs(run, cluster_id: str | None) -> tuple[SimInputs | None, dict]:
    """Inputs and a profile (MOQ range, unit cost and their sources) for a cluster.

    ``run(name, **params)`` runs a query for the current viewer (``Database.run``, or
    the page's cached runner). Class-level demand is used where the viewer sees it; else
    the schools' students and grades (``inputs_from_schools``); else None.
    """
    prof_frame = run("inventory_sim_profile", cluster_id=cluster_id)
    prof = prof_frame.row(0, named=True) if prof_frame.height else {}
    unit_cost, cost_source = None, "none"
    if prof.get("stock_unit_cost"):
        unit_cost, cost_source = float(prof["stock_unit_cost"]), "stock"
    elif prof.get("pooled_unit_price"):
        unit_cost, cost_source = float(prof["pooled_unit_price"]), "price"
    cells = run("inventory_sim_inputs", cluster_id=cluster_id)
    inputs = None
    if cells.height:
        inputs = inputs_from_cells(cells, unit_cost, source="demand")
    else:
        schools = run("inventory_sim_schools", cluster_id=cluster_id)
        if schools.height:
            inputs = inputs_from_schools(schools, unit_cost)
    profile = {
        **prof,
        "unit_cost": unit_cost,
        "unit_cost_source": cost_source,
        "source": inputs.source if inputs else "none",
    }
    return inputs, profile
