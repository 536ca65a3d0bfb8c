"""The localised capacity frame: the same table on the page and in the CSV/XLSX downloads.

``localise`` picks columns, turns coded values (categories, suppression reasons) into labels
and headers into the chosen language, from ``COLUMN_KEYS``; ``with_county_names`` adds the
county name from the boundary data next to its adcode.
"""

from __future__ import annotations

import polars as pl

from supply.i18n import label, t
from supply.maps import geo

COLUMN_KEYS = {
    "rank": "capacity.col.rank",
    "factory_id": "capacity.col.factory_id",
    "name": "capacity.col.name",
    "county": "capacity.col.county",
    "adcode": "capacity.col.adcode",
    "town": "capacity.col.town",
    "week_start": "col.week_start",
    "category": "col.category",
    "categories": "capacity.col.categories",
    "association_member": "capacity.col.member",
    "pooled_planning": "capacity.col.pooled",
    "employees": "capacity.col.employees",
    "factories": "capacity.col.factories",
    "capacity_pieces": "col.capacity_pieces",
    "booked_pieces": "col.booked_pieces",
    "idle_pieces": "col.idle_pieces",
    "utilisation": "col.utilisation",
    "pooled_capacity_pieces": "capacity.col.pooled_capacity_pieces",
    "suppressed_factories": "capacity.col.suppressed_factories",
    "suppressed_cells": "capacity.col.suppressed_cells",
    "suppression": "capacity.col.suppression",
    "moq_pieces": "capacity.col.moq",
    "sample_days": "capacity.col.sample_days",
    "bulk_lead_days": "capacity.col.lead_days",
    "certifications": "capacity.col.certifications",
    "horizon_utilisation": "capacity.col.horizon_utilisation",
    "horizon_capacity_pieces": "capacity.col.horizon_capacity",
    "usable_idle_pieces": "capacity.col.idle_usable",
    "idle_weeks": "capacity.col.idle_weeks",
    "first_week": "capacity.col.first_week",
    "last_week": "capacity.col.last_week",
    "distance_km": "capacity.col.distance_km",
    "can_take_all": "capacity.col.can_take_all",
    "cover_pts": "capacity.col.cover_pts",
    "lead_pts": "capacity.col.lead_pts",
    "distance_pts": "capacity.col.distance_pts",
    "score": "capacity.col.score",
    "pieces": "capacity.col.pieces",
}


def with_county_names(frame: pl.DataFrame) -> pl.DataFrame:
    """Add a 'county' column (name from the boundary data) after 'adcode'."""
    names = geo.county_names()
    county = pl.Series("county", [names.get(a, a) for a in frame["adcode"].to_list()], dtype=pl.String)
    return frame.insert_column(frame.columns.index("adcode") + 1, county)


def localise(frame: pl.DataFrame, lang: str, columns: list[str] | None = None) -> pl.DataFrame:
    """The chosen columns with coded values as labels and headers in ``lang``."""
    frame = frame.select(columns) if columns else frame
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if name == "category":
            col = col.map_elements(lambda c: label("category", c, lang), return_dtype=pl.String)
        elif name == "categories":
            col = col.map_elements(
                lambda cs: "、".join(label("category", c, lang) for c in cs), return_dtype=pl.String
            )
        elif name == "certifications":
            col = col.list.join(", ")
        elif name == "suppression":
            col = col.map_elements(lambda s: t(f"capacity.suppression.{s}", lang), return_dtype=pl.String)
        exprs.append(col.alias(t(COLUMN_KEYS[name], lang) if name in COLUMN_KEYS else name))
    return frame.select(exprs)
