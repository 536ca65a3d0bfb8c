"""The demo "view as factory" picker offers a bounded list and searches the directory (issue 12)."""

from __future__ import annotations

import polars as pl
import pytest

from supply.data.store import Store
from tests.test_app_smoke import assert_no_exception, open_app
from ui.auth import VIEW_AS_CHOICES


def _directory() -> pl.DataFrame:
    store = Store()
    return store.read(store.latest().snapshot_id, "factories").select("factory_id", "name")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_view_as_factory_is_bounded_and_searches(app_env, lang):
    directory = _directory()
    at = open_app(lang, role="factory")
    assert_no_exception(at, "view as factory")
    picker = at.sidebar.selectbox(key="view_as_factory")
    assert 1 <= len(picker.options) <= VIEW_AS_CHOICES + 1
    assert len(picker.options) == min(directory.height, VIEW_AS_CHOICES)
    # search for one factory deep in the directory: it becomes the only choice
    target = directory.row(directory.height - 1, named=True)
    at.sidebar.text_input(key="view_as_factory_search").input(target["factory_id"]).run()
    assert_no_exception(at, "search")
    picker = at.sidebar.selectbox(key="view_as_factory")
    assert (target["name"] or target["factory_id"]) in picker.options  # options show names
    picker.set_value(target["factory_id"]).run()
    assert at.session_state["view_as_factory"] == target["factory_id"]
    # a search that matches nothing says so, and keeps the chosen factory
    at.sidebar.text_input(key="view_as_factory_search").input("no-such-factory-zz").run()
    none = "没有名称或编号包含" if lang == "zh" else "No factory's name or id contains"
    assert any(none in c.value for c in at.sidebar.caption)
    assert at.session_state["view_as_factory"] == target["factory_id"]
