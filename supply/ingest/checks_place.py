"""Where a factory or school is: coordinates checked and converted, county, cluster, categories.

Part of the row-level checks (``supply.ingest.checks.check_batch`` calls these for the
factories and schools tables).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from supply.maps import geo

if TYPE_CHECKING:
    from supply.ingest.checks import Base, Batch

# China's rough extent: a point outside is either swapped or abroad.
LON_RANGE, LAT_RANGE = (73.0, 135.5), (3.0, 54.0)


def coordinates(batch: Batch, crs: str) -> None:
    """Swapped or foreign coordinates; conversion to WGS-84; county from the point."""
    f = batch.frame
    lon, lat = f["lon"].to_numpy().astype(float), f["lat"].to_numpy().astype(float)
    have = np.isfinite(lon) & np.isfinite(lat)
    in_lon = (lon >= LON_RANGE[0]) & (lon <= LON_RANGE[1])
    in_lat = (lat >= LAT_RANGE[0]) & (lat <= LAT_RANGE[1])
    box = have & in_lon & in_lat
    swapped = (
        have
        & ~box
        & (lat >= LON_RANGE[0])
        & (lat <= LON_RANGE[1])
        & (lon >= LAT_RANGE[0])
        & (lon <= LAT_RANGE[1])
    )
    pair = f["lon"].cast(pl.String).fill_null("") + ", " + f["lat"].cast(pl.String).fill_null("")
    batch.add(swapped, "lon", "swapped", f"{batch.header('lon')} ⇄ {batch.header('lat')}", value=pair)
    batch.add(have & ~box & ~swapped, "lon", "outside_china", None, value=pair)
    wlon, wlat = np.full(lon.shape, np.nan), np.full(lat.shape, np.nan)
    if box.any():
        wlon[box], wlat[box] = geo.to_wgs84(lon[box], lat[box], crs)
    county = geo.county_of(wlon, wlat)
    nowhere = box & np.array([c is None for c in county], dtype=bool)
    batch.add(nowhere, "lon", "no_county", None, value=pair)
    ok = box & ~nowhere
    adcode = f["adcode"]
    known = set(geo.county_names())
    batch.add(adcode.is_not_null() & ~adcode.is_in(list(known)), "adcode", "unknown_adcode")
    derived = pl.Series("adcode", county, dtype=pl.String)
    batch.note("adcode_from_point", int((adcode.is_null().to_numpy() & ok).sum()))
    batch.frame = f.with_columns(
        lon=pl.Series(np.round(np.where(ok, wlon, np.nan), 6)).fill_nan(None),
        lat=pl.Series(np.round(np.where(ok, wlat, np.nan), 6)).fill_nan(None),
        adcode=pl.coalesce(adcode, derived),
        coord_source=pl.lit(crs),
    )


def cluster_and_category(batch: Batch, base: Base, defaults: dict) -> None:
    """Cluster and categories of factories: given, kept, from the county, or the user's choice."""
    f = batch.frame
    by_county = base.county_cluster()
    known = base.clusters["cluster_id"].to_list()
    given = f["cluster_id"]
    batch.add(given.is_not_null() & ~given.is_in(known), "cluster_id", "unknown_cluster")
    from_county = f["adcode"].replace_strict(by_county, default=None, return_dtype=pl.String)
    need = given.is_null()
    batch.note("cluster_from_county", int((need & from_county.is_not_null()).sum()))
    cluster = pl.select(pl.coalesce(given, from_county)).to_series().alias("cluster_id")
    chosen = defaults.get("cluster_id")
    if chosen:
        batch.note("cluster_from_choice", int(cluster.is_null().sum()))
        cluster = cluster.fill_null(chosen)
    batch.frame = f = f.with_columns(cluster_id=cluster)
    batch.add(cluster.is_null() & f["lon"].is_not_null(), "cluster_id", "no_cluster", value=f["adcode"])
    main = dict(zip(base.clusters["cluster_id"], base.clusters["main_category"]))
    cats = f["categories"]
    empty = cats.is_null() | (cats.list.len() == 0)
    from_cluster = cluster.replace_strict(main, default=None, return_dtype=pl.String)
    batch.note("category_from_county", int((empty & from_cluster.is_not_null()).sum()))
    derived = pl.Series([[c] if c else None for c in from_cluster], dtype=pl.List(pl.String))
    cats = pl.Series(
        "categories",
        [c if (c is not None and len(c)) else d for c, d in zip(cats, derived)],
        dtype=pl.List(pl.String),
    )
    if defaults.get("categories"):
        chosen_cats = list(defaults["categories"])
        batch.note("category_from_choice", int(cats.is_null().sum()))
        cats = pl.Series(
            "categories", [c if c is not None else chosen_cats for c in cats], dtype=pl.List(pl.String)
        )
    batch.frame = f = f.with_columns(categories=cats)
    batch.add(
        cats.is_null() & cluster.is_not_null() & ~f["_parse_failed"],
        "categories",
        "no_category",
        value=f["cluster_id"],
    )
