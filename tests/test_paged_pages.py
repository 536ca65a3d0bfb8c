"""Results of the right size (issue 12) on the real pages (AppTest over the tiny demo data):
the Capacity page shows one page of members and says how many there are; paging, sorting and
searching change the rows; the members download (made on click, streamed to a file) holds every
row, counted again with DuckDB straight from the snapshot's Parquet files; the administrator's
My factory picker lists a bounded set and searches in the engine."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from download_helpers import record_deferred, xlsx_rows

from supply.data import export
from supply.data.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from test_app_smoke import assert_no_exception, open_app  # noqa: E402

PAGE = "app_pages/capacity.py"
MEMBERS = "capacity_members"
HEAD = {"zh": ("工厂名称", "工厂编号"), "en": ("Factory", "Factory id")}


@pytest.fixture()
def deferred_downloads(monkeypatch) -> dict:
    """File name -> make the file as a click does (tests/download_helpers.py)."""
    return record_deferred(monkeypatch)


def members_table(at) -> pl.DataFrame:
    """The members table as shown (the one table with an employees column), as Polars."""
    shown = [d.value for d in at.dataframe if {"员工数", "Employees"} & set(d.value.columns)]
    assert len(shown) == 1, [list(d.value.columns) for d in at.dataframe]
    return pl.from_pandas(shown[0])


def member_count(data: Path, cluster: str, start: dt.date, weeks: int, category: str | None = None) -> int:
    """Members of one cluster with capacity in the horizon, counted by DuckDB from the Parquet files."""
    snap = Store(data).latest()
    sql = """
        select count(distinct c.factory_id)
        from read_parquet($capacity) as c
        join read_parquet($factories) as f on f.factory_id = c.factory_id
        where f.cluster_id = $cluster and f.association_member
          and c.week_start >= $start and c.week_start < $end
          and ($category is null or list_contains(f.categories, $category))
    """
    params = {
        "capacity": str(snap.table_path("capacity")),
        "factories": str(snap.table_path("factories")),
        "cluster": cluster,
        "start": start,
        "end": start + dt.timedelta(weeks=weeks),
        "category": category,
    }
    return duckdb.execute(sql, params).fetchone()[0]


def caption_with(at, text: str) -> str:
    """The first caption that contains ``text``."""
    found = [c.value for c in at.caption if text in c.value]
    assert found, [c.value for c in at.caption]
    return found[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_capacity_members_are_paged_sorted_searched_and_downloaded_whole(
    private_app, deferred_downloads, lang
):
    app_env = private_app.data_dir  # a private copy: these downloads are logged
    at = open_app(lang, role="association", page=PAGE)
    assert_no_exception(at, f"capacity ({lang})")
    start, weeks = at.session_state["capacity_start"], at.session_state["capacity_weeks"]
    total = member_count(app_env, "zhili", start, weeks)
    assert total > 20  # enough members for more than one page of 20
    pages = -(-total // 20)

    at.selectbox(key=f"{MEMBERS}_size").set_value(20).run()
    first = members_table(at)
    name, fid = HEAD[lang]
    assert first.height == 20  # one page, never the whole table
    said = caption_with(at, "1–20")
    assert said == (
        f"第 1 / {pages} 页：第 1–20 行，共 {total} 行"
        if lang == "zh"
        else f"Page 1 of {pages}: rows 1–20 of {total}"
    )

    at.number_input(key=f"{MEMBERS}_page").set_value(pages).run()
    last = members_table(at)
    assert last.height == total - 20 * (pages - 1) and not set(last[fid]) & set(first[fid])

    at.selectbox(key=f"{MEMBERS}_sort").set_value("name").run()
    at.selectbox(key=f"{MEMBERS}_order").set_value("asc").run()
    by_name = members_table(at)
    assert at.session_state[f"{MEMBERS}_page"] == 1  # a new sort starts at page 1
    assert by_name[name].to_list() == sorted(by_name[name].to_list()) and by_name[fid][0] not in set(
        first[fid][:1]
    )

    needle = by_name[fid][5]
    at.text_input(key=f"{MEMBERS}_search").input(needle.lower()).run()
    found = members_table(at)
    assert found[fid].to_list() == [needle]
    assert caption_with(at, "1–1").endswith("共 1 行" if lang == "zh" else "of 1")

    # the download holds every member (not the page, not the search), localised, with a BOM
    at.selectbox(key="capacity_dl_table").set_value("members").run()
    assert_no_exception(at, "downloads")
    sid = Store(app_env).latest().snapshot_id
    csv = deferred_downloads[f"capacity-members_zhili_{sid}.csv"]()
    assert csv.startswith(export.BOM)
    frame = pl.read_csv(io.BytesIO(csv[len(export.BOM) :]))
    assert frame.height == total and frame[fid].n_unique() == total and name in frame.columns
    header, rows = xlsx_rows(deferred_downloads[f"capacity-members_zhili_{sid}.xlsx"]())
    assert len(rows) == total and fid in header
    # ... and the download was logged with the rows it holds
    from supply.access import audit
    from supply.engine.db import Viewer

    log = audit.read_exports(app_env, Viewer("admin")).filter(pl.col("report") == "capacity-members")
    assert sorted(log["rows"].to_list())[-2:] == [total, total]


def test_capacity_category_filter_reaches_the_members_query(private_app, deferred_downloads):
    app_env = private_app.data_dir  # a private copy: these downloads are logged
    at = open_app("en", role="admin", page=PAGE)
    start, weeks = at.session_state["capacity_start"], at.session_state["capacity_weeks"]
    at.selectbox(key="capacity_category").set_value("school_uniform").run()
    assert_no_exception(at, "category")
    every = Store(app_env).latest()
    # an admin sees every factory of the cluster, members or not
    sql = """select count(distinct c.factory_id) from read_parquet($c) as c
             join read_parquet($f) as f on f.factory_id = c.factory_id
             where f.cluster_id = 'zhili' and c.week_start >= $s and c.week_start < $e
               and list_contains(f.categories, 'school_uniform')"""
    want = duckdb.execute(
        sql,
        {
            "c": str(every.table_path("capacity")),
            "f": str(every.table_path("factories")),
            "s": start,
            "e": start + dt.timedelta(weeks=weeks),
        },
    ).fetchone()[0]
    assert want > 0
    assert f"{want:,} factories" in caption_with(at, "totals over the horizon")
    at.selectbox(key="capacity_dl_table").set_value("members").run()
    csv = deferred_downloads[f"capacity-members_zhili_{every.snapshot_id}.csv"]()
    assert pl.read_csv(io.BytesIO(csv[len(export.BOM) :])).height == want


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_admin_picks_a_factory_by_search(app_env, lang, monkeypatch):
    from ui import factory_view

    monkeypatch.setattr(factory_view, "PICK_LIMIT", 10)  # a bounded list shorter than the cluster
    at = open_app(lang, role="admin", page="app_pages/my_factory.py")
    assert_no_exception(at, "my factory")
    picker = at.selectbox(key="my_factory_admin_factory")
    assert len(picker.options) == 10
    caption_with(at, "列出前 10 家" if lang == "zh" else "Listing the first 10 of")
    factories = Store(app_env).read(Store(app_env).latest().snapshot_id, "factories")
    target = factories.filter(pl.col("cluster_id") == "zhili").sort("factory_id").row(-1, named=True)
    at.text_input(key="my_factory_admin_search").input(target["name"]).run()
    assert_no_exception(at, "search")
    picker = at.selectbox(key="my_factory_admin_factory")
    assert picker.value == target["factory_id"] and target["factory_id"] in picker.options[0]
    assert any(target["name"] in c.value for c in at.caption)  # the page now shows that factory
    at.text_input(key="my_factory_admin_search").input("no such factory zz").run()
    assert not at.exception
    assert any(
        ("没有名称或编号包含" if lang == "zh" else "No factory's name or id") in i.value for i in at.info
    )


def test_factory_orders_are_paged(app_env):
    at = open_app("en", role="factory", page="app_pages/my_factory.py", factory="F0000007")
    assert_no_exception(at, "my factory orders")
    at.selectbox(key="my_factory_orders_size").set_value(20).run()
    shown = next(d.value for d in at.dataframe if "Order id" in d.value.columns)
    snap = Store(app_env).latest()
    orders = Store(app_env).read(snap.snapshot_id, "orders").filter(pl.col("factory_id") == "F0000007")
    assert len(shown) == min(20, orders.height) and orders.height > 20
    assert caption_with(at, "order lines").startswith(f"{orders.height:,} order lines")
    at.selectbox(key="my_factory_orders_sort").set_value("qty").run()
    by_qty = next(d.value for d in at.dataframe if "Order id" in d.value.columns)
    assert list(by_qty["Quantity (pcs)"]) == sorted(orders["qty"].to_list(), reverse=True)[:20]
