"""The Inventory page, headless (AppTest): both languages, every role that opens it, sliders."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest
from test_app_smoke import ENTRY, TIMEOUT, assert_no_exception, open_app

PAGE = "app_pages/inventory.py"
KEYS = ("inv_moq", "inv_forecast_cv", "inv_schools_pooled", "inv_replacement_rate", "inv_correlation")


def page_text(at) -> str:
    """Every metric, caption, markdown, info and table header on the page, as one string."""
    parts = [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.value for e in (*at.caption, *at.markdown, *at.info, *at.subheader)]
    parts += [str(c) for d in at.dataframe for c in d.value.columns]
    return "\n".join(parts)


def assert_no_nan(at, where: str) -> None:
    """Nothing on the page reads NaN, inf or None."""
    text = page_text(at)
    assert not re.search(r"\b(nan|NaN|inf|None)\b", text), f"{where}: {text}"


def ratio_value(at) -> float:
    return float(at.metric[0].value.rstrip("%"))


@pytest.mark.parametrize(
    "lang, title, metric",
    [
        ("zh", "库存：拼单能减少多少库存", "平均库存：拼单 / 基线"),
        ("en", "Inventory: what pooling removes", "Average stock: pooled / baseline"),
    ],
)
def test_page_in_both_languages(app_env, lang, title, metric):
    at = open_app(lang, role="association", page=PAGE)
    assert_no_exception(at, f"inventory ({lang})")
    assert at.title[0].value == title
    labels = [m.label for m in at.metric]
    assert metric in labels
    assert 0 < ratio_value(at) < 100
    assert any("30%–40%" == m.value for m in at.metric)  # the Zhili reference, next to the ratio
    for key in KEYS:
        assert at.slider(key=key) is not None
    assert len(at.get("plotly_chart")) >= 3  # ratio, side by side, tornado (+ measured)
    assert_no_nan(at, lang)
    other = "Average stock" if lang == "zh" else "平均库存"
    assert other not in page_text(at), "labels leak from the other language"


def test_slider_change_reruns_the_model(app_env):
    at = open_app("en", role="admin", page=PAGE)
    before = ratio_value(at)
    at.slider(key="inv_forecast_cv").set_value(50).run()
    assert_no_exception(at, "after slider")
    assert ratio_value(at) < before  # a worse forecast makes the baseline hold more
    at.slider(key="inv_schools_pooled").set_value(1).run()
    assert_no_exception(at, "one school per pool")
    assert_no_nan(at, "one school per pool")


def test_planner_gets_school_based_estimate(app_env):
    at = open_app("en", role="planner", page=PAGE)
    assert_no_exception(at, "planner")
    assert any("cannot see class lists" in i.value for i in at.info)
    assert 0 < ratio_value(at) < 100
    assert_no_nan(at, "planner")


def test_cluster_without_schools_explains_and_does_not_crash(app_env):
    at = AppTest.from_file(str(ENTRY), default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.session_state["view_as_role"] = "admin"
    at.session_state["cluster"] = "yiwu"  # small commodities: no schools, no apparel stock
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert_no_exception(at, "yiwu")
    assert any("no schools" in i.value for i in at.info)
    assert any("no inventory data" in i.value for i in at.info)
    assert_no_nan(at, "yiwu")
