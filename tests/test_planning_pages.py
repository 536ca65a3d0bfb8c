"""The planning-side pages, headless (AppTest): pooled planning as steps, school demand, inventory.

Each test works on its own copy of the tiny demo data, so a plan published or cached here is
never seen by another test (the plan cache is keyed by the data folder).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from test_app_smoke import assert_no_exception, open_app

from supply.data.store import Store
from supply.engine.db import Viewer, connect
from supply.planning import plan as planning

ROOT = Path(__file__).resolve().parent.parent
PLANNING = "app_pages/pooled_planning.py"
ID = re.compile(r"^[FS]\d{4,}$")  # demo factory and school ids


@pytest.fixture()
def own_data(tiny_data, tmp_path, monkeypatch):
    """A private copy of the tiny demo data for the app (SUPPLY_DATA), with its own plans."""
    path = tmp_path / "data"
    shutil.copytree(tiny_data, path)
    shutil.rmtree(path / "plans", ignore_errors=True)
    monkeypatch.setenv("SUPPLY_DATA", str(path))
    monkeypatch.chdir(ROOT)
    return path


def labels(at) -> list[str]:
    """Labels of every metric on the page."""
    return [m.label for m in at.metric]


def button(at, key: str):
    """The button with this key."""
    return next(b for b in at.button if b.key == key)


def heatmap_rows(at) -> list[str]:
    """The y labels (factories) of the planning heatmap."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return list(spec["data"][0]["y"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_planning_solves_only_on_request_and_then_shows_the_plan(own_data, lang):
    at = open_app(lang, role="association", page=PLANNING)
    assert_no_exception(at, f"arrival {lang}")
    total = "总成本（含罚金）" if lang == "zh" else "Total cost (incl. penalty)"
    assert total not in labels(at), "the page solved on arrival"
    assert any(
        ("还没有计算过方案" if lang == "zh" else "No plan has been computed") in i.value for i in at.info
    )
    names = [t.label for t in at.tabs]
    assert names[:4] == (
        ["① 需求", "② 方案", "③ 核对", "④ 发布"]
        if lang == "zh"
        else ["① Demand", "② Plan", "③ Check", "④ Publish"]
    )
    button(at, "planning_solve").click().run()
    assert_no_exception(at, f"solve {lang}")
    assert total in labels(at)
    compare = at.dataframe[1].value  # after the demand table: optimal and greedy side by side
    assert compare.shape[0] == 2
    methods = compare.iloc[:, 0].tolist()
    assert methods == (
        ["最优（HiGHS）", "贪心基准"] if lang == "zh" else ["Optimal (HiGHS)", "Greedy baseline"]
    )
    assert button(at, "planning_solve").label == (
        "按当前设置重新计算" if lang == "zh" else "Compute again with these settings"
    )
    rows = heatmap_rows(at)
    assert rows and not any(ID.match(r) for r in rows), f"heatmap rows are ids: {rows[:5]}"


def test_cached_plan_is_shown_on_the_next_visit(own_data):
    first = open_app("en", role="association", page=PLANNING)
    button(first, "planning_solve").click().run()
    cost = next(m.value for m in first.metric if m.label == "Total cost (incl. penalty)")
    again = open_app("en", role="association", page=PLANNING)  # a new session, same data and settings
    assert_no_exception(again, "second visit")
    assert next(m.value for m in again.metric if m.label == "Total cost (incl. penalty)") == cost
    assert any("Showing the plan computed at" in c.value for c in again.caption)
    assert button(again, "planning_solve").label == "Compute again with these settings"
    other = open_app("en", role="admin", page=PLANNING)  # another scope: not this plan
    assert "Total cost (incl. penalty)" not in labels(other)


def test_pickers_use_names_and_publish_reaches_the_next_session(own_data):
    at = open_app("zh", role="association", page=PLANNING)
    button(at, "planning_solve").click().run()
    pick = at.selectbox(key="planning_wo_factory")
    assert pick.options and not any(ID.match(o) for o in pick.options), pick.options[:5]
    school = at.selectbox(key="planning_wo_school")
    assert not any(ID.match(o) for o in school.options), school.options[:5]
    removable = at.multiselect(key="planning_remove")
    assert not any(ID.match(o) for o in removable.options)
    button(at, "planning_publish").click().run()
    assert_no_exception(at, "publish")
    snap = Store(own_data).latest()
    published = planning.load_plan(Store(own_data), snap.snapshot_id)
    assert published is not None and published.work_orders.height > 0
    fresh = open_app("zh", role="admin", page=PLANNING)  # no cached plan for the admin's scope
    text = " ".join(c.value for c in fresh.caption)
    assert f"{published.work_orders.height:,} 行工单" in text, text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scenario_changes_are_described_in_words(own_data, lang):
    at = open_app(lang, role="association", page=PLANNING)
    button(at, "planning_solve").click().run()
    db = connect(Store(own_data).latest(), Viewer("association", cluster_id="zhili"))
    factories = planning.load_inputs(db, cluster_id="zhili").factories.sort("factory_id")
    fid, first = factories["factory_id"][0], factories["name"][0]
    assert at.multiselect(key="planning_remove").options[0] == first
    at.multiselect(key="planning_remove").select(fid)
    at.text_input(key="planning_scenario_name").set_value("half")
    at.slider(key="planning_scale").set_value(0.5)
    submit = [b for b in at.button if b.label in ("运行情景", "Run scenario")][0]
    submit.click().run()
    assert_no_exception(at, f"scenario {lang}")
    table = at.dataframe[-1].value  # the scenario comparison is the page's last table
    assert table.shape[0] == 2 and "half" in table.iloc[:, 0].tolist()
    words = table.iloc[1, -1]
    if lang == "zh":
        assert "产能 ×0.5" in words and f"去掉 {first}" in words, words
    else:
        assert "capacity ×0.5" in words and f"without {first}" in words, words
    assert "remove_factories" not in words and not re.search(r"\bF\d{4,}\b", words)


def test_unmet_rows_keep_shortfall_figures_only_where_capacity_is_short():
    from ui.planning import unmet_rows

    day = dt.date(2026, 8, 20)
    why = pl.DataFrame(
        {
            "school_id": ["A", "B"],
            "reason": ["taken", "capacity"],
            "short_by_date": [day + dt.timedelta(days=30), day],
            "capacity_by_deadline": [900, 500],
            "demand_by_deadline": [800, 700],
            "shortfall_pieces": [0, 200],
        }
    )
    out = unmet_rows(why)
    taken, short = out.row(0, named=True), out.row(1, named=True)
    assert taken["short_by_date"] is None and taken["shortfall_pieces"] is None
    assert taken["capacity_by_deadline"] is None and taken["demand_by_deadline"] is None
    assert short["short_by_date"] == day and short["shortfall_pieces"] == 200


def test_unmet_explanations_never_pair_taken_with_a_shortfall(tiny_snapshot):
    """On the demo data, every row the page shows as 'capacity taken' has no shortfall figures."""
    from ui.planning import unmet_rows

    db = connect(tiny_snapshot, Viewer("admin"))
    inputs = planning.load_inputs(db, cluster_id="zhili")
    inputs = planning.with_params(inputs, time_limit_s=20)
    tight = planning.inputs_from_frames(
        inputs.groups,
        inputs.sizes,
        inputs.factories,
        inputs.capacity.with_columns(pl.col("booked_pieces") * 0 + pl.col("capacity_pieces") * 95 // 100),
        inputs.prices,
        inputs.start,
        inputs.params,
    )
    plan = planning.solve(tight, "greedy")
    why = unmet_rows(planning.explain_unmet(plan, tight))
    assert why.height > 0, "the tightened demo should leave demand unmet"
    for r in why.iter_rows(named=True):
        if r["reason"] != "capacity":
            assert r["shortfall_pieces"] is None and r["short_by_date"] is None
        else:
            assert r["shortfall_pieces"] > 0 and r["short_by_date"] >= r["deadline"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demand_page_picks_schools_by_name(app_env, lang):
    at = open_app(lang, role="association", page="app_pages/school_demand.py")
    assert_no_exception(at, f"demand {lang}")
    for key in ("demand_template_school", "demand_missing_school"):
        options = at.selectbox(key=key).options
        assert len(options) > 1 and not any(ID.match(o) for o in options), (key, options[:5])
    headers = [str(c) for d in at.dataframe for c in d.value.columns]
    assert "None" not in headers and ("学校" if lang == "zh" else "School") in headers
    assert any("filter_alt" in c.value for c in at.caption), "no scope line above the figures"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_inventory_side_by_side_is_one_table_without_gaps_shown_as_none(app_env, lang):
    at = open_app(lang, role="association", page="app_pages/inventory.py")
    assert_no_exception(at, f"inventory {lang}")
    table = next(d.value for d in at.dataframe if d.value.shape[0] == 8)  # one row per measure
    assert table.shape[1] == 3
    cells = " ".join(str(v) for v in table.to_numpy().ravel())
    assert not re.search(r"\b(None|nan|NaN|inf)\b", cells), cells
    assert ("满足率" if lang == "zh" else "Fill rate") in cells
