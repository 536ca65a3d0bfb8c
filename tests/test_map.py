"""Cluster map and county analytics: LQ and HHI on hand-made data, the map queries on the tiny
demo (scope, suppression, density cells), the pure deck builder, bad coordinates, and the
map page under AppTest in both languages."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil

import numpy as np
import polars as pl
import pytest

from supply.data.export import to_csv_bytes
from supply.data.store import Store
from supply.engine.db import Viewer, connect
from supply.maps import analytics, geo
from supply.maps import deck as maps
from tests.test_app_smoke import assert_no_exception, open_app

WEEK_FROM = dt.date(2026, 6, 29)  # the newest tiny snapshot's week
WEEK_TO = WEEK_FROM + dt.timedelta(weeks=4)
ANY = dict(cluster_id=None, category=None, emp_min=None, emp_max=None, member=None, exclude_ids=[])
MAP_PAGE = "app_pages/cluster_map.py"


def assert_frame_close(left: pl.DataFrame, right: pl.DataFrame, on: str, cols: list[str], rel: float = 1e-9):
    """Same keys, and each column equal within ``rel`` (nulls must match nulls)."""
    joined = left.join(right, on=on, how="full", suffix="_r", coalesce=True)
    assert joined.height == left.height == right.height, f"keys differ: {joined}"
    for c in cols:
        for a, b in zip(joined[c].to_list(), joined[f"{c}_r"].to_list()):
            assert (a is None) == (b is None), f"{c}: {a} vs {b}"
            if a is not None:
                assert a == pytest.approx(b, rel=rel), f"{c}: {a} vs {b}"


@pytest.fixture(scope="module")
def dbs(tiny_snapshot):
    """Planner, association (Zhili) and admin connections over the newest tiny snapshot."""
    out = {
        "planner": connect(tiny_snapshot, Viewer("planner")),
        "association": connect(tiny_snapshot, Viewer("association", cluster_id="zhili")),
        "admin": connect(tiny_snapshot, Viewer("admin")),
    }
    yield out
    for db in out.values():
        db.close()


@pytest.fixture(scope="module")
def edge_data(tiny_data, tmp_path_factory):
    """A copy of the tiny data plus a newer snapshot with edge cases: four factories with bad
    coordinates, and two Jinjiang factories whose capacity is crystal (a cell of 2 factories,
    which planners must see suppressed)."""
    path = tmp_path_factory.mktemp("edge-data")
    shutil.copytree(tiny_data, path, dirs_exist_ok=True)
    store = Store(path)
    base = store.latest()
    factories = store.read(base.snapshot_id, "factories")
    fixes = {
        "F0000001": (float("nan"), 30.8),  # missing
        "F0000002": (200.0, 30.0),  # not a longitude
        "F0000003": (0.0, 0.0),  # outside China
        "F0000004": (120.075, 29.306),
    }  # in Yiwu, recorded in Wuxing
    lon = [
        fixes.get(f, (x, y))[0]
        for f, x, y in zip(factories["factory_id"], factories["lon"], factories["lat"])
    ]
    lat = [
        fixes.get(f, (x, y))[1]
        for f, x, y in zip(factories["factory_id"], factories["lon"], factories["lat"])
    ]
    jinjiang = factories.filter(pl.col("cluster_id") == "jinjiang")["factory_id"].head(2).to_list()
    capacity = store.read(base.snapshot_id, "capacity").with_columns(
        category=pl.when(pl.col("factory_id").is_in(jinjiang))
        .then(pl.lit("crystal"))
        .otherwise(pl.col("category"))
    )
    store.derive(
        base,
        {"factories": factories.with_columns(lon=pl.Series(lon), lat=pl.Series(lat)), "capacity": capacity},
        as_of=dt.date(2026, 7, 6),
        snapshot_id="edge-2026-07-06",
        source={"kind": "test"},
    )
    return path


@pytest.fixture(scope="module")
def edge_planner(edge_data):
    """A planner's connection over the edge-case snapshot."""
    db = connect(Store(edge_data).get("edge-2026-07-06"), Viewer("planner"))
    yield db
    db.close()


# -- location quotient and concentration on hand-made data ---------------------------------


def test_location_quotient_on_a_hand_made_example():
    # County A makes 20 of x and 20 of y; county B makes 60 of y. All data: x 20, y 80, total 100.
    frame = pl.DataFrame(
        {"adcode": ["A", "A", "B"], "category": ["x", "y", "y"], "capacity_pieces": [20.0, 20.0, 60.0]}
    )
    lq = {(r["adcode"], r["category"]): r for r in analytics.location_quotients(frame).iter_rows(named=True)}
    assert lq[("A", "x")]["lq"] == pytest.approx((20 / 40) / (20 / 100))  # 2.5
    assert lq[("A", "y")]["lq"] == pytest.approx((20 / 40) / (80 / 100))  # 0.625
    assert lq[("B", "x")]["lq"] == 0.0  # B makes no x: a true zero, not missing
    assert lq[("B", "y")]["lq"] == pytest.approx((60 / 60) / (80 / 100))  # 1.25
    # Strong cluster: LQ >= 1 and in the top quartile of the category's LQs.
    assert lq[("A", "x")]["lq_q75"] == pytest.approx(0.75 * 2.5)
    assert [k for k, r in lq.items() if r["strong"]] == [("A", "x"), ("B", "y")]


def test_a_suppressed_county_is_withheld_and_left_out_of_the_reference():
    base = pl.DataFrame(
        {
            "adcode": ["A", "A", "B"],
            "category": ["x", "y", "y"],
            "capacity_pieces": [20.0, 20.0, 60.0],
            "suppressed": [False] * 3,
        }
    )
    with_c = pl.concat(
        [
            base,
            pl.DataFrame(
                {
                    "adcode": ["C", "C"],
                    "category": ["x", "y"],
                    "capacity_pieces": [None, 500.0],
                    "suppressed": [True, False],
                }
            ),
        ]
    )
    out = analytics.location_quotients(with_c)
    c = out.filter(pl.col("adcode") == "C")
    assert c["lq"].to_list() == [None, None] and c["value"].to_list() == [None, None]
    assert c["suppressed"].all() and not c["strong"].any()
    assert_frame_close(
        out.filter(pl.col("adcode") != "C").with_columns(k=pl.col("adcode") + pl.col("category")),
        analytics.location_quotients(base).with_columns(k=pl.col("adcode") + pl.col("category")),
        on="k",
        cols=["lq"],
    )


def test_hhi_of_shares():
    assert analytics.hhi([50, 50]) == pytest.approx(5000)
    assert analytics.hhi([1, 1, 1, 1]) == pytest.approx(2500)
    assert analytics.hhi([7]) == pytest.approx(10000)
    assert analytics.hhi([]) is None and analytics.hhi([0, 0]) is None


def test_concentration_query_matches_python(dbs, tiny_store, tiny_snapshot):
    cap = tiny_store.read(tiny_snapshot.snapshot_id, "capacity").filter(
        (pl.col("week_start") >= WEEK_FROM) & (pl.col("week_start") < WEEK_TO)
    )
    fac = tiny_store.read(tiny_snapshot.snapshot_id, "factories")
    per_factory = (
        cap.group_by("factory_id")
        .agg(pl.col("capacity_pieces").sum())
        .join(fac.select("factory_id", "cluster_id"), on="factory_id")
    )
    expected = pl.DataFrame(
        [
            {
                "cluster_id": cid,
                "hhi_capacity": analytics.hhi(g["capacity_pieces"].to_list()),
                "hhi_employees": analytics.hhi(
                    fac.filter(pl.col("cluster_id") == cid)["employees"].to_list()
                ),
            }
            for (cid,), g in per_factory.group_by("cluster_id")
        ]
    )
    admin = dbs["admin"].run("cluster_concentration", cluster_id=None, week_from=WEEK_FROM, week_to=WEEK_TO)
    assert_frame_close(
        admin.select("cluster_id", "hhi_capacity", "hhi_employees"),
        expected,
        "cluster_id",
        ["hhi_capacity", "hhi_employees"],
    )
    planner = dbs["planner"].run(
        "cluster_concentration", cluster_id=None, week_from=WEEK_FROM, week_to=WEEK_TO
    )
    assert planner["hhi_capacity"].null_count() == planner.height  # no per-factory capacity for planners
    # one cluster read alone gives the same row as every cluster; the top share is max / total
    zhili = dbs["admin"].run(
        "cluster_concentration", cluster_id="zhili", week_from=WEEK_FROM, week_to=WEEK_TO
    )
    assert zhili.height == 1 and zhili.to_dicts() == admin.filter(pl.col("cluster_id") == "zhili").to_dicts()
    sizes = per_factory.filter((pl.col("cluster_id") == "zhili") & (pl.col("capacity_pieces") > 0))[
        "capacity_pieces"
    ]
    assert zhili["top_share_capacity"].item() == pytest.approx(sizes.max() / sizes.sum())
    assert_frame_close(
        planner.select("cluster_id", "hhi_employees"),
        expected.drop("hhi_capacity"),
        "cluster_id",
        ["hhi_employees"],
    )


def test_add_change_and_sorting():
    now = pl.DataFrame({"adcode": ["A", "B", "C"], "factories": [5, 3, 9], "lq": [1.0, None, 2.0]})
    before = pl.DataFrame({"adcode": ["A", "B"], "factories": [4, 3], "lq": [0.5, 1.0]})
    out = analytics.add_change(now, before, "adcode", ["factories", "lq"])
    assert out["factories_change"].to_list() == [1, 0, None]
    assert out["lq_change"].to_list() == [0.5, None, None]
    assert analytics.add_change(now, None, "adcode", ["lq"])["lq_change"].null_count() == 3
    assert analytics.sort_table(out, "lq")["adcode"].to_list() == ["C", "A", "B"]  # nulls last
    with pytest.raises(ValueError, match="cannot sort by"):
        analytics.sort_table(out, "name; drop table factories")


# -- the map queries on the tiny demo ---------------------------------------------------------


def test_county_analytics_on_the_demo_match_the_definition(dbs):
    cap = dbs["planner"].run("county_capacity_by_category", week_from=WEEK_FROM, week_to=WEEK_TO)
    totals = dbs["planner"].run(
        "county_factory_totals", category=None, emp_min=None, emp_max=None, member=None
    )
    table = analytics.county_table(totals, cap, geo.places_frame(totals["adcode"]), None, "childrens_wear")
    assert table["factories"].sum() == 150 and table.height == 7
    # Recompute Zhili's LQ in children's wear straight from the definition.
    known = cap.filter(~pl.col("adcode").is_in(cap.filter(pl.col("suppressed"))["adcode"].implode()))
    county = known.filter(pl.col("adcode") == "330502")
    e_ic = county.filter(pl.col("category") == "childrens_wear")["capacity_pieces"].sum()
    e_c = known.filter(pl.col("category") == "childrens_wear")["capacity_pieces"].sum()
    expected = (e_ic / county["capacity_pieces"].sum()) / (e_c / known["capacity_pieces"].sum())
    zhili = table.filter(pl.col("adcode") == "330502").row(0, named=True)
    assert zhili["lq"] == pytest.approx(expected) and zhili["lq"] > 1
    assert zhili["county"] == "吴兴区" and zhili["cluster_ids"] == ["zhili"]


def test_suppressed_counties_show_as_suppressed_never_zero(edge_planner):
    cap = edge_planner.run("county_capacity_by_category", week_from=WEEK_FROM, week_to=WEEK_TO)
    assert cap.filter(pl.col("suppressed"))[["adcode", "category"]].rows() == [("350582", "crystal")]
    totals = edge_planner.run("county_factory_totals", category=None, emp_min=None, emp_max=None, member=None)
    table = analytics.county_table(totals, cap, geo.places_frame(totals["adcode"]), None, "textiles")
    hidden = table.filter(pl.col("suppressed"))
    assert hidden["adcode"].to_list() == ["350582"]  # the whole county: its total would give the cell away
    assert hidden["capacity_pieces"].null_count() == hidden.height
    assert hidden["utilisation"].null_count() == hidden.height and hidden["lq"].null_count() == hidden.height
    shown = analytics.display_county_table(table, "zh")
    assert set(shown.filter(pl.col("数据状态") != "")["数据状态"]) == {"已隐藏（少于 3 家）"}
    csv = to_csv_bytes(shown).decode("utf-8-sig").splitlines()
    header = csv[0].split(",")
    row = next(line.split(",") for line in csv[1:] if "已隐藏" in line)
    assert row[header.index("周产能（件）")] == ""  # empty, not 0


def test_points_show_capacity_only_where_the_viewer_may_see_it(dbs):
    kw = dict(week_from=WEEK_FROM, week_to=WEEK_TO, **ANY)
    planner = dbs["planner"].run("map_factory_points", **kw)
    admin = dbs["admin"].run("map_factory_points", **kw)
    assoc = dbs["association"].run("map_factory_points", **kw)
    assert planner.height == admin.height == assoc.height == 150  # locations are public
    assert planner["weekly_capacity"].null_count() == 150
    assert admin["weekly_capacity"].null_count() == 0
    seen = assoc.filter(pl.col("weekly_capacity").is_not_null())
    assert seen.height > 0 and seen["association_member"].all() and (seen["cluster_id"] == "zhili").all()
    assert maps.size_basis("planner", planner) == "employees"
    assert maps.size_basis("admin", admin) == "capacity"
    assert maps.size_basis("association", assoc) == "employees_partial"


def test_point_filters(dbs):
    kw = dict(week_from=WEEK_FROM, week_to=WEEK_TO)
    got = dbs["planner"].run(
        "map_factory_points",
        **kw,
        **{
            **ANY,
            "cluster_id": "zhili",
            "emp_min": 20,
            "emp_max": 99,
            "member": True,
            "category": "school_uniform",
            "exclude_ids": ["F0000001", "F0000002"],
        },
    )
    assert got.height > 0
    assert (got["cluster_id"] == "zhili").all() and got["association_member"].all()
    assert got["employees"].is_between(20, 99).all() and (got["category"] == "school_uniform").all()
    assert not set(got["factory_id"]) & {"F0000001", "F0000002"}
    extent = dbs["planner"].run(
        "map_filter_extent", **{**ANY, "cluster_id": "zhili", "exclude_ids": ["F0000001"]}
    )
    all_zhili = dbs["planner"].run("map_factory_points", **kw, **{**ANY, "cluster_id": "zhili"})
    assert extent["factories"][0] == all_zhili.height - 1


def test_density_cells_count_each_factory_once_in_its_nearest_hexagon(dbs):
    cell_km, lat0 = 2.0, 30.8
    cells = dbs["planner"].run(
        "map_density_cells", cell_km=cell_km, lat0=lat0, **{**ANY, "cluster_id": "zhili"}
    )
    points = dbs["planner"].run(
        "map_factory_points", week_from=WEEK_FROM, week_to=WEEK_TO, **{**ANY, "cluster_id": "zhili"}
    )
    assert cells["factories"].sum() == points.height
    kx = 111.320 * math.cos(math.radians(lat0))
    px, py = points["lon"].to_numpy() * kx, points["lat"].to_numpy() * 110.574
    cx, cy = cells["lon"].to_numpy() * kx, cells["lat"].to_numpy() * 110.574
    d = np.hypot(px[:, None] - cx[None, :], py[:, None] - cy[None, :])
    assert d.min(axis=1).max() <= cell_km * (1 + 1e-9)  # within the hexagon's circumradius
    nearest = np.bincount(d.argmin(axis=1), minlength=cells.height)
    assert nearest.tolist() == cells["factories"].to_list()
    rings = maps.hex_polygons(cells["lon"][:3], cells["lat"][:3], cell_km, lat0)
    for ring, lon, lat in zip(rings, cells["lon"][:3], cells["lat"][:3]):
        assert len(ring) == 7 and ring[0] == ring[-1]
        km = geo.haversine_km(lon, lat, [p[0] for p in ring], [p[1] for p in ring])
        assert np.allclose(km, cell_km, rtol=0.01)


# -- the pure deck builder -------------------------------------------------------------------


def _county_table(db):
    cap = db.run("county_capacity_by_category", week_from=WEEK_FROM, week_to=WEEK_TO)
    totals = db.run("county_factory_totals", category=None, emp_min=None, emp_max=None, member=None)
    return analytics.county_table(totals, cap, geo.places_frame(totals["adcode"]), None, "childrens_wear")


def test_deck_layers_legend_and_no_basemap(dbs):
    points = dbs["planner"].run(
        "map_factory_points", week_from=WEEK_FROM, week_to=WEEK_TO, **{**ANY, "cluster_id": "zhili"}
    )
    deck, legend = maps.build_map(
        lang="zh",
        points=points,
        counties=_county_table(dbs["planner"]),
        metric="lq",
        lq_category="childrens_wear",
        outlines={"zhili": ["330502"]},
        cluster_names={"zhili": "织里"},
        size_by="employees",
    )
    assert [layer.id for layer in deck.layers] == [
        "provinces",
        "counties",
        "choropleth",
        "cluster-outline",
        "factories",
    ]
    spec = json.loads(deck.to_json())
    assert spec["mapStyle"] == "__MAP_STYLE__" and "mapProvider" not in spec  # no tile server
    assert "cartocdn" not in deck.to_json()
    assert 8 < spec["initialViewState"]["zoom"] < 12
    assert abs(spec["initialViewState"]["longitude"] - 120.15) < 0.3
    assert [i.label for i in legend.categories] == ["童装", "校服"]
    assert "员工" in legend.size_note and legend.choropleth_title == "区位商 LQ（童装）"
    assert len(legend.choropleth) == len(maps.LQ_COLOURS)
    assert "区位商" in maps.legend_html(legend)
    with_tiles, _ = maps.build_map(lang="zh", points=points, basemap=True)
    assert json.loads(with_tiles.to_json())["mapProvider"] == "carto"


@pytest.mark.parametrize(
    "lang,words", [("zh", ("员工", "工厂", "家")), ("en", ("employees", "factories", "member"))]
)
def test_tooltips_are_written_in_the_chosen_language(dbs, lang, words):
    points = dbs["planner"].run(
        "map_factory_points", week_from=WEEK_FROM, week_to=WEEK_TO, **{**ANY, "cluster_id": "zhili"}
    )
    deck, _ = maps.build_map(
        lang=lang,
        points=points.head(20),
        counties=_county_table(dbs["planner"]),
        metric="factories",
        outlines={"zhili": ["330502"]},
    )
    by_id = {layer.id: layer for layer in deck.layers}
    factory = by_id["factories"].data[0]
    county = by_id["choropleth"].data["features"][0]["properties"]
    assert words[0] in factory["tip_3"] and words[1] in county["tip_2"]
    other = "employees" if lang == "zh" else "员工"
    assert other not in json.dumps(by_id["factories"].data, ensure_ascii=False)
    # every pickable object carries every field of the one template, which holds no words
    for layer in ("factories", "choropleth", "cluster-outline"):
        data = by_id[layer].data
        rows = [f["properties"] for f in data["features"]] if isinstance(data, dict) else data
        assert all({"tip_title", "tip_1", "tip_2", "tip_3"} <= set(r) for r in rows)
    assert deck._tooltip["html"] == maps.TOOLTIP_HTML


def test_density_layer_and_suppressed_counties_in_grey(edge_planner):
    table = _county_table(edge_planner)
    assert table["suppressed"].any()
    cells = edge_planner.run("map_density_cells", cell_km=3.0, lat0=30.8, **ANY)
    deck, legend = maps.build_map(
        lang="en",
        cells=cells,
        cell_km=3.0,
        lat0=30.8,
        counties=table,
        metric="capacity_pieces",
        outlines={"zhili": ["330502"]},
    )
    ids = [layer.id for layer in deck.layers]
    assert "density" in ids and "factories" not in ids
    assert legend.density and not legend.categories and legend.density_title == "Hexagon colour = factories"
    feats = {
        f["properties"]["adcode"]: f["properties"]
        for f in next(layer for layer in deck.layers if layer.id == "choropleth").data["features"]
    }
    for row in table.iter_rows(named=True):
        colour = feats[row["adcode"]]["colour"][:3]
        if row["suppressed"]:
            assert colour == list(maps.SUPPRESSED_COLOUR)
            assert "Suppressed" in feats[row["adcode"]]["tip_1"]
        else:
            assert colour != list(maps.SUPPRESSED_COLOUR)
    assert legend.choropleth[-1].label == "Suppressed (fewer than 3 factories)"


def test_cell_size_and_view_follow_the_extent():
    assert maps.cell_size_km(119.9, 120.5, 30.6, 31.0) < maps.cell_size_km(118.4, 121.1, 24.5, 34.8)
    near, far = maps.view_state(119.9, 120.5, 30.6, 31.0), maps.view_state(118.4, 121.1, 24.5, 34.8)
    assert near.zoom > far.zoom + 3


# -- bad coordinates ---------------------------------------------------------------------------


def test_bad_coordinates_are_listed_with_a_reason(edge_planner):
    problems = analytics.bad_coordinates(edge_planner.run("factory_coordinates"))
    reasons = dict(zip(problems["factory_id"], problems["reason"]))
    assert reasons == {
        "F0000001": "missing",
        "F0000002": "invalid",
        "F0000003": "outside_china",
        "F0000004": "other_county",
    }
    assert problems.filter(pl.col("factory_id") == "F0000004")["found_adcode"][0] == "330782"
    assert problems.filter(~pl.col("drawn"))["factory_id"].to_list() == ["F0000001", "F0000002", "F0000003"]
    # a missing coordinate is never drawn, even when nobody excludes it
    assert edge_planner.run("map_filter_extent", **ANY)["factories"][0] == 149


# -- the page --------------------------------------------------------------------------------


def _deck_specs(at) -> list[dict]:
    return [json.loads(e.proto.json) for e in at.get("deck_gl_json_chart")]


@pytest.mark.parametrize(
    "lang,county_col,title", [("zh", "县（区、市）", "产业带地图"), ("en", "County", "Cluster map")]
)
def test_map_page_shows_the_deck_and_the_county_table(app_env, lang, county_col, title):
    at = open_app(lang, role="planner", page=MAP_PAGE)
    assert_no_exception(at, f"map ({lang})")
    assert at.title[0].value == title
    specs = _deck_specs(at)
    assert len(specs) == 1
    assert {"provinces", "choropleth", "cluster-outline", "factories"} <= {
        layer["id"] for layer in specs[0]["layers"]
    }
    tables = [d.value for d in at.dataframe]
    county_tables = [t for t in tables if county_col in t.columns and len(t) == 7]
    assert county_tables, [list(t.columns) for t in tables]
    assert any("LQ" in latex.value for latex in at.latex)  # the formula is in the page help
    tips = json.dumps(specs[0], ensure_ascii=False)
    assert ("员工" in tips) == (lang == "zh") and ("employees" in tips) == (lang == "en")
    assert not any(
        "周产能" in x or "weekly capacity" in x
        for x in [
            r["tip_3"] for layer in specs[0]["layers"] if layer["id"] == "factories" for r in layer["data"]
        ]
    )


def test_map_page_widgets_switch_layers_and_sort(app_env):
    at = open_app("en", role="planner", page=MAP_PAGE)
    at.selectbox(key="map_cluster").set_value("*").run()
    at.selectbox(key="map_layer").set_value("density").run()
    at.selectbox(key="map_metric").set_value("capacity_pieces").run()
    assert_no_exception(at, "density")
    ids = {layer["id"] for layer in _deck_specs(at)[0]["layers"]}
    assert "density" in ids and "factories" not in ids
    at.selectbox(key="map_category").set_value("shoes").run()
    at.selectbox(key="map_sort").set_value("lq").run()
    at.toggle(key="map_desc").set_value(False).run()
    assert_no_exception(at, "sorted")
    table = next(d.value for d in at.dataframe if "County" in d.value.columns)
    lqs = [float(v) for v in table["LQ"].tolist() if v != "—"]  # missing LQ shows "—", never None/nan
    assert lqs == sorted(lqs) and len(lqs) > 0
    assert at.get("download_button")


def test_map_page_lists_bad_coordinates_and_suppressed_counties(edge_data, monkeypatch):
    from pathlib import Path

    monkeypatch.setenv("SUPPLY_DATA", str(edge_data))
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    at = open_app("en", role="planner", page=MAP_PAGE)
    assert_no_exception(at, "bad coordinates")
    labels = [e.label for e in at.expander]
    assert "Factories with bad coordinates: 3 not drawn, 1 outside their recorded county" in labels
    bad = next(d.value for d in at.dataframe if "Reason" in d.value.columns)
    assert list(bad["Factory ID"]) == ["F0000001", "F0000002", "F0000003", "F0000004"]
    assert bad["Reason"].tolist()[2] == "outside China (in no county's boundary)"
    assert "义乌市" in bad["Reason"].tolist()[3]
    counties = next(d.value for d in at.dataframe if "County" in d.value.columns)
    jinjiang = counties[counties["County"] == "晋江市"].iloc[0]
    assert jinjiang["Data"] == "suppressed (<3 factories)"
    assert jinjiang["Weekly capacity (pcs)"] == "—"  # withheld, shown as "—" (not 0, not None)
