"""Capacity reports for associations (DESIGN.md section 5.3): horizon checks and the
"who can take this order?" finder.

The finder works on the per-factory frame of ``queries/idle_capacity_by_factory.sql``,
which already holds, for one category, each factory's idle pieces in the weeks it can
still use (week w is usable when w + the factory's bulk lead time <= the deadline week;
DESIGN.md section 7). Here, in plain Python that the page explains word for word:

1. eligible: the factory's MOQ is at most both the order and its usable idle pieces, and
   (when a location and a maximum distance are given) it is close enough;
2. score (0-100) = 60 x min(idle / quantity, 1) + 20 x (1 - min(lead days / 30, 1))
   + 20 x (1 - min(distance km / 300, 1)); the distance term is 0 without a location;
3. plan: the best-ranked factory that can take the whole order alone; when none can, the
   order is split greedily down the ranking (each share at most the factory's idle pieces
   and at least its MOQ), and whatever is left is reported as a shortfall.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import polars as pl

# The localised display/export frame lives in tables.py; these names stay importable from here.
from supply.capacity.tables import COLUMN_KEYS, localise, with_county_names  # noqa: F401
from supply.data import schema
from supply.i18n import t
from supply.maps import geo

SORT_KEYS = ("utilisation", "capacity")
DEFAULT_WEEKS = 12
W_COVER, W_LEAD, W_DIST = 60.0, 20.0, 20.0
LEAD_REF_DAYS = 30.0
DIST_REF_KM = 300.0

FINDER_COLUMNS = {
    "factory_id": pl.String,
    "name": pl.String,
    "adcode": pl.String,
    "town": pl.String,
    "lon": pl.Float64,
    "lat": pl.Float64,
    "moq_pieces": pl.Int64,
    "bulk_lead_days": pl.Int64,
    "idle_pieces": pl.Int64,
    "idle_weeks": pl.Int64,
    "first_week": pl.Date,
    "last_week": pl.Date,
}


class CapacityInputError(ValueError):
    """Input the capacity page cannot use; ``message(lang)`` says why and what to do."""

    def __init__(self, key: str, **kw):
        self.key = key
        self.kw = kw
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        """The reason, in the chosen language."""
        return t(self.key, lang, **self.kw)


def monday(day: dt.date) -> dt.date:
    """The Monday of the week holding ``day``."""
    return day - dt.timedelta(days=day.weekday())


def _weeks_text(weeks: list[dt.date]) -> dict:
    return {"first": weeks[0].isoformat(), "last": weeks[-1].isoformat(), "n": len(weeks)}


def check_horizon(weeks: list[dt.date], start: dt.date, n_weeks: int) -> tuple[dt.date, dt.date]:
    """The half-open window [week_from, week_to) for ``n_weeks`` weeks from ``start``.

    Raises CapacityInputError naming the weeks the snapshot has when the window does not
    lie inside them (or when there are none).
    """
    weeks = sorted(weeks)
    if not weeks:
        raise CapacityInputError("capacity.err.no_weeks")
    if not isinstance(n_weeks, (int, np.integer)) or n_weeks < 1:
        raise CapacityInputError("capacity.err.horizon_len", asked=n_weeks, **_weeks_text(weeks))
    start = monday(start)
    wanted = [start + dt.timedelta(weeks=i) for i in range(int(n_weeks))]
    have = set(weeks)
    missing = [w for w in wanted if w not in have]
    if missing:
        raise CapacityInputError(
            "capacity.err.horizon",
            start=start.isoformat(),
            end=wanted[-1].isoformat(),
            asked=int(n_weeks),
            **_weeks_text(weeks),
        )
    return start, wanted[-1] + dt.timedelta(weeks=1)


def default_start(weeks: list[dt.date], as_of: dt.date) -> dt.date:
    """The first snapshot week on or after the week of ``as_of`` (else the first week)."""
    weeks = sorted(weeks)
    later = [w for w in weeks if w >= monday(as_of)]
    return later[0] if later else weeks[0]


def check_sort(key: str) -> str:
    """A heatmap sort key from the allow-list SORT_KEYS."""
    if key not in SORT_KEYS:
        raise CapacityInputError("capacity.err.sort", value=key, keys=", ".join(SORT_KEYS))
    return key


@dataclass(frozen=True)
class Order:
    """What the finder is asked: pieces of one category due by the end of one week."""

    category: str
    qty: int
    deadline_week: dt.date
    lon: float | None = None
    lat: float | None = None
    max_km: float | None = None


def check_order(
    category: str,
    qty,
    deadline_week: dt.date,
    weeks: list[dt.date],
    lon: float | None = None,
    lat: float | None = None,
    max_km: float | None = None,
) -> Order:
    """A checked Order; CapacityInputError with the reason for a bad quantity, category,
    deadline (naming the weeks that exist) or location."""
    if category not in schema.CATEGORIES:
        raise CapacityInputError(
            "capacity.err.category", category=category, categories=", ".join(schema.CATEGORIES)
        )
    if qty is None or isinstance(qty, bool) or not float(qty).is_integer():
        raise CapacityInputError("capacity.err.qty_whole", qty=qty)
    if qty <= 0:
        raise CapacityInputError("capacity.err.qty", qty=int(qty))
    weeks = sorted(weeks)
    if not weeks:
        raise CapacityInputError("capacity.err.no_weeks")
    if monday(deadline_week) not in set(weeks):
        raise CapacityInputError(
            "capacity.err.deadline", week=deadline_week.isoformat(), **_weeks_text(weeks)
        )
    if (lon is None) != (lat is None):
        raise CapacityInputError("capacity.err.location", text=f"{lon}, {lat}")
    if max_km is not None and max_km <= 0:
        raise CapacityInputError("capacity.err.max_km", km=max_km)
    return Order(category, int(qty), monday(deadline_week), lon, lat, max_km)


_LONLAT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)\s*$")


def parse_lonlat(text: str, system: str = "wgs84") -> tuple[float, float]:
    """'lon, lat' (in the given coordinate system) -> WGS-84 (lon, lat); a clear error otherwise."""
    m = _LONLAT.match(text or "")
    if not m:
        raise CapacityInputError("capacity.err.location", text=text)
    lon, lat = float(m.group(1)), float(m.group(2))
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise CapacityInputError("capacity.err.location_range", lon=lon, lat=lat)
    wlon, wlat = geo.to_wgs84(np.array([lon]), np.array([lat]), system)
    return float(wlon[0]), float(wlat[0])


def county_point(adcode: str) -> tuple[float, float]:
    """A point inside a county (WGS-84) to measure distances from."""
    try:
        geom = geo.county_geometry(adcode)
    except KeyError:
        raise CapacityInputError("capacity.err.county", adcode=adcode) from None
    point = geom.representative_point()
    return float(point.x), float(point.y)


@dataclass(frozen=True)
class FinderResult:
    """Ranked candidate factories and the plan to place the order."""

    candidates: pl.DataFrame
    plan: pl.DataFrame
    split: bool
    shortfall: int
    qty: int

    @property
    def placed(self) -> int:
        """Pieces the plan places."""
        return self.qty - self.shortfall


def rank_candidates(idle: pl.DataFrame, order: Order) -> pl.DataFrame:
    """Eligible factories with their score terms, best first (see the module docstring)."""
    frame = idle.select([pl.col(c).cast(d) for c, d in FINDER_COLUMNS.items()])
    if order.lon is not None:
        dist = geo.haversine_km(order.lon, order.lat, frame["lon"].to_numpy(), frame["lat"].to_numpy())
        frame = frame.with_columns(distance_km=pl.Series(np.round(dist, 1), dtype=pl.Float64))
        dist_pts = W_DIST * (1 - (pl.col("distance_km") / DIST_REF_KM).clip(upper_bound=1.0))
    else:
        frame = frame.with_columns(distance_km=pl.lit(None, dtype=pl.Float64))
        dist_pts = pl.lit(0.0)
    eligible = (pl.col("moq_pieces") <= order.qty) & (pl.col("moq_pieces") <= pl.col("idle_pieces"))
    if order.max_km is not None and order.lon is not None:
        eligible = eligible & (pl.col("distance_km") <= order.max_km)
    frame = (
        frame.filter(eligible)
        .with_columns(
            can_take_all=pl.col("idle_pieces") >= order.qty,
            cover_pts=W_COVER * (pl.col("idle_pieces") / order.qty).clip(upper_bound=1.0),
            lead_pts=W_LEAD * (1 - (pl.col("bulk_lead_days") / LEAD_REF_DAYS).clip(upper_bound=1.0)),
            distance_pts=dist_pts,
        )
        .with_columns(score=(pl.col("cover_pts") + pl.col("lead_pts") + pl.col("distance_pts")).round(1))
    )
    frame = frame.sort(["score", "idle_pieces", "factory_id"], descending=[True, True, False])
    return frame.with_row_index("rank", offset=1).with_columns(pl.col("rank").cast(pl.Int64))


def plan_order(ranked: pl.DataFrame, qty: int) -> tuple[pl.DataFrame, bool, int]:
    """(plan, split, shortfall): one factory when one can take it all, else a greedy split."""
    empty = pl.DataFrame(
        schema={
            "rank": pl.Int64,
            "factory_id": pl.String,
            "name": pl.String,
            "pieces": pl.Int64,
            "moq_pieces": pl.Int64,
            "idle_pieces": pl.Int64,
        }
    )
    whole = ranked.filter(pl.col("can_take_all"))
    if whole.height:
        best = whole.head(1)
        return (
            best.select(empty.columns[:3])
            .with_columns(
                pieces=pl.lit(qty, dtype=pl.Int64),
                moq_pieces=best["moq_pieces"],
                idle_pieces=best["idle_pieces"],
            )
            .select(empty.columns),
            False,
            0,
        )
    rows, remaining = [], qty
    for r in ranked.iter_rows(named=True):
        if remaining <= 0:
            break
        share = min(r["idle_pieces"], remaining)
        if share < r["moq_pieces"]:
            continue
        rows.append(
            {
                "rank": r["rank"],
                "factory_id": r["factory_id"],
                "name": r["name"],
                "pieces": share,
                "moq_pieces": r["moq_pieces"],
                "idle_pieces": r["idle_pieces"],
            }
        )
        remaining -= share
    plan = pl.DataFrame(rows, schema=empty.schema) if rows else empty
    return plan, True, remaining


def find_factories(idle: pl.DataFrame, order: Order) -> FinderResult:
    """Who can take this order: ranked candidates and a plan (split when no one can take it all).

    Parameters
    ----------
    idle : pl.DataFrame
        One row per factory, columns FINDER_COLUMNS (``idle_capacity_by_factory.sql``):
        idle pieces of the order's category in the weeks usable before the deadline.
    order : Order
        A checked order (``check_order``).

    Returns
    -------
    FinderResult
        ``candidates`` ranked by score with its terms, ``plan`` (factory, pieces),
        ``split`` (True when no single factory can take the order) and ``shortfall``.

    Examples
    --------
    >>> import datetime as dt
    >>> frame = pl.DataFrame({"factory_id": ["A"], "name": ["a"], "adcode": ["330502"],
    ...     "town": ["t"], "lon": [120.0], "lat": [30.0], "moq_pieces": [100],
    ...     "bulk_lead_days": [0], "idle_pieces": [500], "idle_weeks": [1],
    ...     "first_week": [dt.date(2026, 6, 29)], "last_week": [dt.date(2026, 6, 29)]})
    >>> find_factories(frame, Order("childrens_wear", 400, dt.date(2026, 6, 29))).plan["pieces"].to_list()
    [400]
    """
    ranked = rank_candidates(idle, order)
    plan, split, shortfall = plan_order(ranked, order.qty)
    return FinderResult(ranked, plan, split, shortfall, order.qty)


def pooled_share(weekly: pl.DataFrame) -> float | None:
    """Capacity of factories in pooled planning / all capacity in the frame (None if no capacity)."""
    total = weekly["capacity_pieces"].sum() if weekly.height else 0
    if not total:
        return None
    return float(weekly["pooled_capacity_pieces"].sum()) / float(total)


def totals(weekly: pl.DataFrame) -> dict:
    """Capacity, booked, idle, utilisation and suppressed cells summed over a weekly frame."""
    cap = int(weekly["capacity_pieces"].sum() or 0) if weekly.height else 0
    booked = int(weekly["booked_pieces"].sum() or 0) if weekly.height else 0
    return {
        "capacity_pieces": cap,
        "booked_pieces": booked,
        "idle_pieces": cap - booked,
        "utilisation": booked / cap if cap else None,
        "pooled_share": pooled_share(weekly),
        "suppressed_cells": int(weekly["suppressed_cells"].sum() or 0) if weekly.height else 0,
        "suppressed_factories": _max_weekly(weekly, "suppressed_factories"),
    }


def _max_weekly(weekly: pl.DataFrame, column: str) -> int:
    """The largest per-week sum of a column (factories hidden in any one week)."""
    if not weekly.height:
        return 0
    return int(weekly.group_by("week_start").agg(pl.col(column).sum())[column].max() or 0)
