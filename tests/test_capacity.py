"""Capacity report: the order finder, horizon and input checks, the page's queries on a
hand-made snapshot with known answers (lead times, suppression, scope), figures, the
printable report, and the page itself (AppTest, zh and en)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from supply.capacity import reports as cap
from supply.capacity.charts import utilisation_heatmap_figure, weekly_by_category_figure
from supply.capacity.printable import CapacityReportInput, capacity_report, heat_colour, stacked_bars_svg
from supply.data import schema
from supply.data.store import Store
from supply.engine.db import Viewer, connect

sys.path.insert(0, str(Path(__file__).parent))
from test_app_smoke import ENTRY, assert_no_exception, open_app  # noqa: E402

W0 = dt.date(2026, 6, 29)
WEEKS = [W0 + dt.timedelta(weeks=i) for i in range(4)]
PAGE = "app_pages/capacity.py"


# -- fixtures ------------------------------------------------------------------------------


def idle_frame(rows: list[tuple]) -> pl.DataFrame:
    """A finder input frame from (factory_id, idle, moq, lead_days, lon, lat) tuples."""
    return pl.DataFrame(
        {
            "factory_id": [r[0] for r in rows],
            "name": [f"厂{r[0]}" for r in rows],
            "adcode": ["330502"] * len(rows),
            "town": ["织里镇"] * len(rows),
            "lon": [r[4] for r in rows],
            "lat": [r[5] for r in rows],
            "moq_pieces": [r[2] for r in rows],
            "bulk_lead_days": [r[3] for r in rows],
            "idle_pieces": [r[1] for r in rows],
            "idle_weeks": [1] * len(rows),
            "first_week": [W0] * len(rows),
            "last_week": [W0] * len(rows),
        }
    )


@pytest.fixture()
def four_factories() -> pl.DataFrame:
    """A: 5,000 idle, MOQ 100, 7 days; B: 12,000, MOQ 500, 20 days; C: MOQ above its idle; D: 800, MOQ 50, 0 days."""
    return idle_frame(
        [
            ("A", 5000, 100, 7, 120.0, 30.0),
            ("B", 12000, 500, 20, 120.0, 33.0),
            ("C", 3000, 5000, 1, 120.0, 30.0),
            ("D", 800, 50, 0, 120.1, 30.0),
        ]
    )


def _factory(i: int, adcode: str, pooled: bool, lead: int, cats: list[str], member: bool = True) -> dict:
    return {
        "factory_id": f"F{i}",
        "name": f"测试工厂{i}",
        "cluster_id": "tc",
        "adcode": adcode,
        "town": "t",
        "address": "a",
        "lon": 120.1 + i / 100,
        "lat": 30.85,
        "coord_source": "wgs84",
        "categories": cats,
        "employees": 10 * i,
        "established_year": 2000,
        "association_member": member,
        "pooled_planning": pooled,
        "certifications": ["ISO9001"],
        "moq_pieces": 100,
        "sample_days": 3,
        "bulk_lead_days": lead,
    }


@pytest.fixture(scope="module")
def hand_store(tmp_path_factory) -> Store:
    """Eight factories of cluster 'tc', four weeks, capacity 1,000 x i and booked 100 x i a week.

    330502 children's wear: F1-F3 not pooled + F4-F6 pooled (both sub-cells >= 3: shown);
    330502 school uniforms: F1-F3 not pooled + F4 pooled (partly suppressed, 1 factory hidden);
    330503 children's wear: F7, F8 (suppressed). F8 is not an association member.
    Bulk lead days: F1 0, F2 5, F3 14, F4 21, others 7.
    """
    cw, su = "childrens_wear", "school_uniform"
    leads = {1: 0, 2: 5, 3: 14, 4: 21}
    factories = [
        _factory(i, "330502", i >= 4, leads.get(i, 7), [cw, su] if i <= 4 else [cw]) for i in range(1, 7)
    ]
    factories += [_factory(7, "330503", False, 7, [cw]), _factory(8, "330503", False, 7, [cw], member=False)]
    capacity = [
        {
            "factory_id": f["factory_id"],
            "week_start": w,
            "category": c,
            "capacity_pieces": 1000 * int(f["factory_id"][1:]),
            "booked_pieces": 100 * int(f["factory_id"][1:]),
        }
        for f in factories
        for w in WEEKS
        for c in f["categories"]
    ]
    clusters = [
        {
            "cluster_id": "tc",
            "name_zh": "测试产业带",
            "name_en": "Test cluster",
            "adcodes": ["330502", "330503"],
            "main_category": cw,
            "association_name": "测试协会",
            "source": "tests",
        }
    ]
    store = Store(tmp_path_factory.mktemp("hand-data"))
    store.write(
        "hand-2026-06-29",
        {
            "clusters": schema.conform("clusters", pl.DataFrame(clusters)),
            "factories": schema.conform("factories", pl.DataFrame(factories)),
            "capacity": schema.conform("capacity", pl.DataFrame(capacity)),
        },
        as_of=W0,
    )
    return store


def run(store: Store, viewer: Viewer, name: str, **params) -> pl.DataFrame:
    """Run one query for a viewer over the hand-made snapshot."""
    db = connect(store.latest(), viewer)
    try:
        return db.run(name, **params)
    finally:
        db.close()


WINDOW = {"cluster_id": "tc", "week_from": W0, "week_to": W0 + dt.timedelta(weeks=4)}


# -- the finder on hand-made frames -----------------------------------------------------------


def test_finder_single_factory_with_known_scores(four_factories):
    result = cap.find_factories(four_factories, cap.Order("childrens_wear", 4000, WEEKS[2]))
    cand = result.candidates
    assert cand["factory_id"].to_list() == ["A", "B", "D"]  # C: MOQ 5,000 above its idle
    assert cand["score"].to_list() == [
        75.3,
        66.7,
        32.0,
    ]  # 60 + 20 x (1 - 7/30), 60 + 20 x (1 - 20/30), 12 + 20
    assert cand["can_take_all"].to_list() == [True, True, False]
    assert not result.split and result.shortfall == 0
    assert result.plan.select("factory_id", "pieces").rows() == [("A", 4000)]


def test_finder_splits_an_order_larger_than_any_factory(four_factories):
    result = cap.find_factories(four_factories, cap.Order("childrens_wear", 15000, WEEKS[2]))
    assert result.split
    assert result.plan.select("factory_id", "pieces").rows() == [("B", 12000), ("A", 3000)]
    assert result.shortfall == 0 and result.placed == 15000


def test_finder_reports_a_shortfall(four_factories):
    result = cap.find_factories(four_factories, cap.Order("childrens_wear", 20000, WEEKS[2]))
    assert result.split
    assert result.plan.select("factory_id", "pieces").rows() == [("B", 12000), ("A", 5000), ("D", 800)]
    assert result.shortfall == 2200


def test_finder_skips_a_share_below_the_moq():
    frame = idle_frame([("X", 1000, 100, 0, 120.0, 30.0), ("Y", 1000, 600, 0, 120.0, 30.0)])
    result = cap.find_factories(frame, cap.Order("childrens_wear", 1500, WEEKS[2]))
    assert result.plan.select("factory_id", "pieces").rows() == [("X", 1000)]  # Y's 500 < its MOQ 600
    assert result.shortfall == 500


def test_finder_excludes_factories_whose_moq_exceeds_the_order(four_factories):
    result = cap.find_factories(four_factories, cap.Order("childrens_wear", 80, WEEKS[2]))
    assert result.candidates["factory_id"].to_list() == ["D"]
    assert result.plan.select("factory_id", "pieces").rows() == [("D", 80)]


def test_finder_distance_scores_and_limit(four_factories):
    near = cap.find_factories(
        four_factories, cap.Order("childrens_wear", 4000, WEEKS[2], lon=120.0, lat=30.0)
    )
    by_id = {r["factory_id"]: r for r in near.candidates.iter_rows(named=True)}
    assert by_id["A"]["distance_km"] == 0.0 and by_id["A"]["distance_pts"] == 20.0
    assert by_id["B"]["distance_km"] == pytest.approx(333.6, abs=0.5) and by_id["B"]["distance_pts"] == 0.0
    limited = cap.find_factories(
        four_factories, cap.Order("childrens_wear", 4000, WEEKS[2], lon=120.0, lat=30.0, max_km=100)
    )
    assert "B" not in limited.candidates["factory_id"].to_list()


def test_finder_with_no_candidates():
    result = cap.find_factories(idle_frame([]), cap.Order("childrens_wear", 10, WEEKS[2]))
    assert result.candidates.height == 0 and result.plan.height == 0 and result.shortfall == 10


# -- input checks ---------------------------------------------------------------------------


@pytest.mark.parametrize("qty", [0, -5])
def test_zero_or_negative_quantity_is_refused_with_the_reason(qty):
    with pytest.raises(cap.CapacityInputError) as err:
        cap.check_order("childrens_wear", qty, WEEKS[1], WEEKS)
    assert f"more than 0 pieces (you gave {qty})" in err.value.message("en")
    assert "必须大于 0 件" in err.value.message("zh")


def test_fractional_quantity_and_unknown_category_are_refused():
    with pytest.raises(cap.CapacityInputError, match="whole number"):
        cap.check_order("childrens_wear", 2.5, WEEKS[1], WEEKS)
    with pytest.raises(cap.CapacityInputError, match="Unknown category 'hats'"):
        cap.check_order("hats", 10, WEEKS[1], WEEKS)


def test_deadline_outside_the_snapshot_names_the_weeks():
    with pytest.raises(cap.CapacityInputError) as err:
        cap.check_order("childrens_wear", 10, dt.date(2027, 3, 1), WEEKS)
    assert "4 weeks from 2026-06-29 to 2026-07-20" in str(err.value)


def test_horizon_inside_the_snapshot():
    assert cap.check_horizon(WEEKS, dt.date(2026, 7, 1), 2) == (dt.date(2026, 6, 29), dt.date(2026, 7, 13))


@pytest.mark.parametrize("start, n", [(WEEKS[2], 3), (dt.date(2026, 1, 5), 1)])
def test_horizon_outside_the_snapshot_names_the_weeks(start, n):
    with pytest.raises(cap.CapacityInputError) as err:
        cap.check_horizon(WEEKS, start, n)
    assert "the 4 weeks from 2026-06-29 to 2026-07-20" in err.value.message("en")
    assert "2026-06-29 至 2026-07-20 共 4 周" in err.value.message("zh")


def test_horizon_of_no_weeks_is_refused():
    with pytest.raises(cap.CapacityInputError, match="at least 1"):
        cap.check_horizon(WEEKS, W0, 0)
    with pytest.raises(cap.CapacityInputError, match="no capacity data"):
        cap.check_horizon([], W0, 1)


def test_sort_keys_come_from_the_allow_list():
    assert cap.check_sort("capacity") == "capacity"
    with pytest.raises(cap.CapacityInputError):
        cap.check_sort("capacity desc; drop table capacity")


def test_locations_parse_or_explain():
    assert cap.parse_lonlat("120.1, 30.86") == (120.1, 30.86)
    assert cap.parse_lonlat("120.1，30.86") == (120.1, 30.86)  # a Chinese comma
    lon, lat = cap.parse_lonlat("120.1, 30.86", "gcj02")
    assert 120.09 < lon < 120.1 and 30.86 < lat < 30.87
    with pytest.raises(cap.CapacityInputError, match="longitude, latitude"):
        cap.parse_lonlat("Zhili")
    with pytest.raises(cap.CapacityInputError, match="swapped"):
        cap.parse_lonlat("30.86, 200")
    with pytest.raises(cap.CapacityInputError, match="330599"):
        cap.county_point("330599")
    lon, lat = cap.county_point("330502")
    assert 119.9 < lon < 120.4 and 30.6 < lat < 31.0


# -- the page's queries on the hand-made snapshot -----------------------------------------------


def test_finder_query_applies_lead_times(hand_store):
    idle = run(
        hand_store,
        Viewer("admin"),
        "idle_capacity_by_factory",
        cluster_id="tc",
        category="childrens_wear",
        week_from=W0,
        deadline_week=WEEKS[2],
    )
    got = {
        r["factory_id"]: (r["idle_pieces"], r["idle_weeks"], r["last_week"])
        for r in idle.iter_rows(named=True)
    }
    # lead 0: weeks 0-2; lead 5 and 7: weeks 0-1; lead 14: week 0; lead 21: none.
    assert got == {
        "F1": (2700, 3, WEEKS[2]),
        "F2": (3600, 2, WEEKS[1]),
        "F3": (2700, 1, WEEKS[0]),
        "F5": (9000, 2, WEEKS[1]),
        "F6": (10800, 2, WEEKS[1]),
        "F7": (12600, 2, WEEKS[1]),
        "F8": (14400, 2, WEEKS[1]),
    }


def test_association_sees_member_factories_only(hand_store):
    members = run(
        hand_store, Viewer("association", cluster_id="tc"), "members_table", **WINDOW, category=None
    )
    assert sorted(members["factory_id"].to_list()) == [f"F{i}" for i in range(1, 8)]
    f1 = members.filter(pl.col("factory_id") == "F1").row(0, named=True)
    assert (f1["capacity_pieces"], f1["booked_pieces"], f1["utilisation"]) == (8000, 800, 0.1)
    idle = run(
        hand_store,
        Viewer("association", cluster_id="tc"),
        "idle_capacity_by_factory",
        cluster_id="tc",
        category="childrens_wear",
        week_from=W0,
        deadline_week=WEEKS[2],
    )
    assert "F8" not in idle["factory_id"].to_list()


def test_planner_cells_of_fewer_than_3_factories_are_suppressed_and_marked(hand_store):
    county = run(hand_store, Viewer("planner"), "capacity_by_county_category", **WINDOW)
    cells = {(r["adcode"], r["category"]): r for r in county.iter_rows(named=True)}
    shown = cells[("330502", "childrens_wear")]
    assert (shown["suppression"], shown["factories"], shown["capacity_pieces"]) == ("shown", 6, 84000)
    part = cells[("330502", "school_uniform")]
    assert (part["suppression"], part["factories"], part["suppressed_factories"]) == (
        "partly_suppressed",
        4,
        1,
    )
    assert part["capacity_pieces"] == 24000  # F1-F3 only: 4 weeks x 1,000 x (1 + 2 + 3)
    hidden = cells[("330503", "childrens_wear")]
    assert hidden["suppression"] == "suppressed" and hidden["factories"] == 2
    assert (
        hidden["capacity_pieces"] is None
        and hidden["booked_pieces"] is None
        and hidden["utilisation"] is None
    )
    # An admin sees the same cells whole and unmarked.
    admin = run(hand_store, Viewer("admin"), "capacity_by_county_category", **WINDOW)
    assert set(admin["suppression"]) == {"shown"}
    assert admin.filter(pl.col("adcode") == "330503")["capacity_pieces"].to_list() == [4 * 15000]


def test_planner_weekly_totals_leave_suppressed_cells_out(hand_store):
    weekly = run(hand_store, Viewer("planner"), "capacity_by_category_week", **WINDOW)
    tot = cap.totals(weekly)
    assert tot["capacity_pieces"] == 84000 + 24000
    assert (
        tot["suppressed_cells"] == 4 * 2 and tot["suppressed_factories"] == 3
    )  # per week: F4 (uniforms), F7+F8
    assert run(hand_store, Viewer("planner"), "members_table", **WINDOW, category=None).height == 0
    assert (
        run(
            hand_store,
            Viewer("planner"),
            "utilisation_by_factory_week",
            **WINDOW,
            category=None,
            sort_by="capacity",
            top_n=5,
        ).height
        == 0
    )


def test_pooled_share_is_pooled_capacity_over_all(hand_store):
    weekly = run(hand_store, Viewer("admin"), "capacity_by_category_week", **WINDOW)
    # pooled: F4 (two categories), F5, F6 -> 4 + 4 + 5 + 6 = 19 of 21 + 10 + 15 = 46 (x 1,000 x 4 weeks)
    assert cap.pooled_share(weekly) == pytest.approx(19 / 46)


# capacity over 4 weeks: F4 (two categories) 32,000 = F8 32,000 > F7 28,000 > F6 24,000
@pytest.mark.parametrize(
    "sort_by, expected", [("capacity", ["F4", "F8", "F7"]), ("utilisation", ["F1", "F2", "F3"])]
)
def test_heatmap_ranks_and_limits(hand_store, sort_by, expected):
    heat = run(
        hand_store,
        Viewer("admin"),
        "utilisation_by_factory_week",
        **WINDOW,
        category=None,
        sort_by=sort_by,
        top_n=3,
    )
    order = heat.sort("rank", "week_start").unique("factory_id", maintain_order=True)["factory_id"].to_list()
    # ties fall back to factory_id; every factory books 10%, so utilisation ties throughout
    assert order == expected
    assert heat.height == 3 * 4 and set(heat["factories_total"]) == {8}


# -- figures, localisation and the printable report -------------------------------------------------


def test_figures_have_one_panel_per_category_and_a_cell_per_factory_week(hand_store):
    weekly = run(hand_store, Viewer("admin"), "capacity_by_category_week", **WINDOW)
    fig = weekly_by_category_figure(weekly, "zh")
    assert len(fig.data) == 3 * 2 and fig.layout.annotations[0].text == "童装"
    heat = run(
        hand_store,
        Viewer("admin"),
        "utilisation_by_factory_week",
        **WINDOW,
        category=None,
        sort_by="capacity",
        top_n=5,
    )
    hm = utilisation_heatmap_figure(heat, "en").data[0]
    assert len(hm.z) == 5 and len(hm.z[0]) == 4 and hm.z[0][0] == pytest.approx(0.1)


def test_localise_translates_headers_and_codes():
    frame = pl.DataFrame(
        {"category": ["school_uniform"], "suppression": ["suppressed"], "capacity_pieces": [1]}
    )
    assert cap.localise(frame, "zh").row(0, named=True) == {
        "品类": "校服",
        "隐藏状态": "已隐藏（<3 家工厂）",
        "产能（件）": 1,
    }
    assert cap.localise(frame, "en").columns == ["Category", "Suppression", "Capacity (pcs)"]


def test_printable_report_carries_its_context_and_escapes_text(hand_store):
    weekly = run(hand_store, Viewer("admin"), "capacity_by_category_week", **WINDOW)
    county = cap.with_county_names(
        run(hand_store, Viewer("planner"), "capacity_by_county_category", **WINDOW)
    )
    members = run(hand_store, Viewer("admin"), "members_table", **WINDOW, category=None).with_columns(
        name=pl.lit("<script>alert(1)</script>")
    )
    html = capacity_report(
        CapacityReportInput(
            lang="zh",
            association="测试协会 & Co",
            cluster="测试产业带",
            snapshot_id="hand-2026-06-29",
            as_of=W0,
            filters=[("品类", "全部品类")],
            kpis=[("产能", "1万")],
            weekly=weekly,
            county=county,
            members=members,
            generated_on=dt.date(2026, 7, 1),
            synthetic=True,
        )
    )
    for text in (
        "hand-2026-06-29",
        "测试协会 &amp; Co",
        "2026年7月1日",  # dates in prose the way the language writes them
        "2026-06-29",
        "品类: 全部品类",
        "已隐藏（&lt;3 家工厂）",
        "吴兴区",
        "合成的演示数据",
        "@page",
    ):
        assert text in html, text
    assert "<script" not in html and "&lt;script&gt;" in html
    assert html.count("<svg") == 2  # one chart per category


def test_report_svg_and_colours():
    svg = stacked_bars_svg(["06-29", "07-06"], [10, 20], [5, 0], [15, 20], title="a<b")
    assert svg.count("<rect") == 4 and "a&lt;b" in svg and "<polyline" in svg
    assert heat_colour(0.0)[0] == "#ffffcc" and heat_colour(1.0)[0] == "#bd0026"
    assert heat_colour(None)[0] == "#eeeeee"


# -- the page (AppTest) ---------------------------------------------------------------------------


def _texts(at: AppTest) -> str:
    parts = [
        e.value for kind in (at.error, at.warning, at.info, at.success, at.caption, at.markdown) for e in kind
    ]
    return "\n".join(str(p) for p in parts)


@pytest.fixture()
def downloads(monkeypatch) -> dict[str, bytes]:
    """File name -> bytes of every download the app offers during the test."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename:
            seen[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return seen


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_and_finder_as_an_association(app_env, downloads, lang):
    at = open_app(lang, role="association", page=PAGE)
    assert_no_exception(at, f"capacity ({lang})")
    assert at.title[0].value == ("产能报告" if lang == "zh" else "Capacity report")
    labels = [m.label for m in at.metric]
    assert ("拼单产能占比" if lang == "zh" else "Pooled share") in labels
    # the reported Zhili figure covers another scope: a caption of its own, not a metric in the row
    assert not [m for m in at.metric if m.label.startswith("织里" if lang == "zh" else "Zhili")]
    assert any(("约60%" if lang == "zh" else "≈60%") in c.value for c in at.caption)
    assert any(
        ("会员工厂" if lang == "zh" else "member factories") in c.value for c in at.caption
    )  # the scope
    assert len(at.tabs) == 6
    sid = "demo-2026-06-29"
    assert {
        f"capacity-weekly_zhili_{sid}.csv",
        f"capacity-weekly_zhili_{sid}.xlsx",
        f"capacity-report_zhili_{sid}.html",
    } <= set(downloads), sorted(downloads)
    report = downloads[f"capacity-report_zhili_{sid}.html"].decode("utf-8")
    assert (
        ("演示数据" if lang == "zh" else "demo data") in report
        and "<svg" in report
        and ("协会" if lang == "zh" else "Association") in report
    )
    assert downloads[f"capacity-weekly_zhili_{sid}.csv"].startswith(b"\xef\xbb\xbf")

    # a quantity of zero is refused with the reason
    at.number_input(key="finder_qty").set_value(0).run()
    errors = [e.value for e in at.error]
    assert any(("必须大于 0 件" if lang == "zh" else "more than 0 pieces") in e for e in errors), errors
    assert not at.exception

    # an order larger than any one factory is split, and the page says so (and what is short)
    at.number_input(key="finder_qty").set_value(100_000_000).run()
    assert not at.exception and not at.error
    said = _texts(at)
    assert ("订单已拆分给" if lang == "zh" else "The order is split across") in said
    assert ("缺口" if lang == "zh" else "pieces are short") in said

    # a small order goes to one factory
    at.number_input(key="finder_qty").set_value(200).run()
    assert not at.exception and not at.error
    assert any(("可以独立承接" if lang == "zh" else "can take all 200 pieces") in s.value for s in at.success)


def test_page_horizon_outside_the_snapshot_names_the_weeks(app_env):
    at = open_app("en", role="admin", page=PAGE)
    at.number_input(key="capacity_weeks").set_value(40).run()
    assert not at.exception
    assert any("The snapshot has the 26 weeks from 2026-06-29 to 2026-12-21" in e.value for e in at.error)


def test_page_heatmap_sorts_and_finder_takes_a_location(app_env):
    at = open_app("zh", role="admin", page=PAGE)
    at.radio(key="capacity_sort").set_value("capacity").run()
    at.slider(key="capacity_top_n").set_value(10).run()
    assert_no_exception(at, "heatmap by capacity")
    assert any("前 10 家工厂" in c.value for c in at.caption)
    at.radio(key="finder_location").set_value("lonlat").run()
    at.text_input(key="finder_lonlat").set_value("30.86, 200").run()
    assert any("经纬度写反" in e.value for e in at.error)
    at.text_input(key="finder_lonlat").set_value("120.10, 30.86").run()
    at.number_input(key="finder_max_km").set_value(50.0).run()
    assert_no_exception(at, "finder with a location")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_planner_page_marks_suppressed_cells(hand_store, monkeypatch, lang):
    monkeypatch.setenv("SUPPLY_DATA", str(hand_store.data_dir))
    monkeypatch.chdir(ENTRY.parent)
    at = open_app(lang, role="planner", page=PAGE)
    assert_no_exception(at, f"planner ({lang})")
    assert len(at.tabs) == 3  # no heatmap, members or finder
    assert not [w for w in at.get("number_input") if w.key == "finder_qty"]
    marks = "已隐藏（<3 家工厂）" if lang == "zh" else "suppressed (<3 factories)"
    tables = [d.value for d in at.dataframe]
    assert any(marks in set(map(str, t.to_numpy().ravel())) for t in tables)
    assert any(("少于 3 家工厂" if lang == "zh" else "fewer than 3") in w.value for w in at.warning)


@pytest.mark.browser
def test_report_prints_to_a4_landscape_pdf_and_png(hand_store, tmp_path):
    from PIL import Image

    from supply.capacity.printable import CHROMIUM, render_pdf, render_png

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    weekly = run(hand_store, Viewer("admin"), "capacity_by_category_week", **WINDOW)
    html = capacity_report(
        CapacityReportInput(
            lang="zh",
            association="测试协会",
            cluster="测试产业带",
            snapshot_id="hand-2026-06-29",
            as_of=W0,
            filters=[],
            kpis=[],
            weekly=weekly,
        )
    )
    pdf = render_pdf(html, tmp_path / "r.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and b"/MediaBox [0 0 841.91998 594.95996]" in pdf  # A4 landscape, points
    with Image.open(render_png(html, tmp_path / "r.png")) as image:
        assert image.width == 1123 and image.height > 794
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert any(rgb == (214, 39, 40) for _, rgb in colours)  # the booked bars are drawn
