"""Coordinates and boundaries (supply/maps/geo.py): counties of known points, GCJ-02/BD-09, names,
outlines and drawable GeoJSON, and the demo factories landing in their own county."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from supply.maps import geo

# Town or city centres (WGS-84) and the county they lie in.
KNOWN = {
    "织里镇, 湖州吴兴区": (120.263, 30.842, "330502"),
    "义乌市区": (120.075, 29.306, "330782"),
    "晋江市区": (118.552, 24.781, "350582"),
    "龙港市": (120.553, 27.578, "330383"),
    "东海县": (118.771, 34.542, "320722"),
}
# A point as Amap/Tencent (GCJ-02) would give it, ~250 m inside 南浔区 (330503) when read
# as WGS-84, but whose true WGS-84 position is ~250 m inside 吴兴区 (330502). Found by
# sampling points inside 吴兴区, shifting them WGS-84 -> GCJ-02 and keeping one whose
# shifted position lands in a neighbouring county with a margin from both borders.
GCJ_NEAR_BORDER = (120.142309, 30.684185)


def test_known_points_fall_in_their_counties():
    lon = [p[0] for p in KNOWN.values()]
    lat = [p[1] for p in KNOWN.values()]
    assert list(geo.county_of(lon, lat)) == [p[2] for p in KNOWN.values()]


def test_gcj02_point_lands_in_the_wrong_county_unless_converted():
    lon, lat = GCJ_NEAR_BORDER
    assert geo.county_of([lon], [lat])[0] == "330503"  # read naively as WGS-84
    wlon, wlat = geo.to_wgs84([lon], [lat], "gcj02")
    assert geo.county_of(wlon, wlat)[0] == "330502"
    # the same point given in BD-09 (Baidu) converts back as well
    blon, blat = geo.gcj02_to_bd09(lon, lat)
    assert geo.county_of(*geo.to_wgs84([blon], [blat], "bd09"))[0] == "330502"


def test_conversions_round_trip_and_are_vectorised():
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(100, 122, 500), rng.uniform(22, 40, 500)
    glon, glat = geo.wgs84_to_gcj02(lon, lat)
    assert np.abs(glon - lon).max() > 1e-4  # GCJ-02 really shifts points in China
    back = geo.to_wgs84(glon, glat, "gcj02")
    assert np.abs(back[0] - lon).max() < 1e-7 and np.abs(back[1] - lat).max() < 1e-7
    blon, blat = geo.gcj02_to_bd09(glon, glat)
    back = geo.to_wgs84(blon, blat, "bd09")
    assert np.abs(back[0] - lon).max() < 1e-5 and np.abs(back[1] - lat).max() < 1e-5
    with pytest.raises(ValueError, match="wgs84"):
        geo.to_wgs84(lon, lat, "mercator")


def test_points_outside_china_or_missing_have_no_county():
    lon = [139.69, 2.35, 0.0, 127.0, np.nan, 120.26]
    lat = [35.69, 48.85, 0.0, 37.5, 30.8, np.nan]  # Tokyo, Paris, (0, 0), Seoul, missing x2
    assert list(geo.county_of(lon, lat)) == [None] * 6


def test_check_coordinates_names_each_problem():
    lon = [120.263, np.nan, 200.0, 139.69, 120.075]
    lat = [30.842, 30.8, 30.0, 35.69, 29.306]
    recorded = ["330502", "330502", "330502", "330502", "330502"]
    reason, county = geo.check_coordinates(lon, lat, recorded)
    assert list(reason) == [None, "missing", "invalid", "outside_china", "other_county"]
    assert county[0] == "330502" and county[4] == "330782"


def test_names_come_from_the_boundaries_and_the_adcode_prefix():
    assert geo.place_names("330502") == {"province": "浙江省", "city": "湖州市", "county": "吴兴区"}
    assert geo.place_names("429004")["city"] == "仙桃市"  # county-level city under its province
    assert geo.place_names("110105")["city"] == "北京市"  # district of a municipality
    assert geo.place_names("999999") == {"province": None, "city": None, "county": None}
    frame = geo.places_frame(["350582", "330782", "350582", None])
    assert frame["adcode"].to_list() == ["330782", "350582"]
    assert frame["county"].to_list() == ["义乌市", "晋江市"]


@pytest.mark.parametrize("level", ["district", "city", "province"])
def test_names_read_without_geometries_equal_the_parsed_features(level):
    """The quick reader of names (geo._names) gives every feature's code and name, in order."""
    codes, names, _, _ = geo._level(level)
    assert geo._names(level) == (codes, names)
    assert sum(len(c) == 6 for c in codes) > 30  # a few features carry no code


def test_cluster_outline_is_the_union_of_its_counties():
    a, b = geo.county_geometry("330502"), geo.county_geometry("330503")  # neighbours
    outline = geo.cluster_outline(["330502", "330503"])
    assert outline.area == pytest.approx(a.area + b.area, rel=1e-3)
    assert outline.length < a.length + b.length  # the shared border is gone
    assert shapely.get_num_geometries(outline) <= shapely.get_num_geometries(a) + shapely.get_num_geometries(
        b
    )
    with pytest.raises(ValueError):
        geo.cluster_outline([])
    fc = geo.outlines_geojson({"huzhou": ["330502", "330503"]}, properties={"huzhou": {"tip_title": "x"}})
    assert fc["features"][0]["properties"] == {"cluster_id": "huzhou", "tip_title": "x"}


def test_county_geojson_is_simplified_named_and_skips_unknown_codes():
    fine = geo.counties_geojson(["330502"], tolerance=0)
    coarse = geo.counties_geojson(["330502", "000000"], tolerance=0.01, properties={"330502": {"v": 1}})
    assert len(coarse["features"]) == 1
    props = coarse["features"][0]["properties"]
    assert props == {"adcode": "330502", "province": "浙江省", "city": "湖州市", "county": "吴兴区", "v": 1}
    drawn = shapely.from_geojson(json.dumps(coarse["features"][0]["geometry"]))
    full = shapely.from_geojson(json.dumps(fine["features"][0]["geometry"]))
    assert shapely.get_num_coordinates(drawn) < shapely.get_num_coordinates(full) / 2
    assert drawn.symmetric_difference(geo.county_geometry("330502")).area < 0.1 * drawn.area


def test_background_provinces_clip_to_the_view():
    everything = geo.provinces_geojson(0.03)
    near_zhili = geo.provinces_geojson(0.003, bbox=(119.5, 30.3, 120.9, 31.3))
    names = {f["properties"]["province"] for f in near_zhili["features"]}
    assert names == {"浙江省", "江苏省", "安徽省", "上海市"}
    assert len(near_zhili["features"]) < len(everything["features"])
    assert geo.neighbour_counties(["330502"]) == ["330502", "330503", "330521", "330522", "330523"]


def test_demo_factories_come_back_to_their_county(tiny_store, tiny_snapshot):
    factories = tiny_store.read(tiny_snapshot.snapshot_id, "factories")
    found = geo.county_of(factories["lon"].to_numpy(), factories["lat"].to_numpy())
    assert factories.height > 100
    assert list(found) == factories["adcode"].to_list()
