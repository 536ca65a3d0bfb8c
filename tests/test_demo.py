"""The demo generator: deterministic, real clusters, plausible shapes, one layout for app and CLI."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest

from supply.data import schema
from supply.data.store import Store
from supply.demo import capacity as demo_capacity
from supply.demo import generate as demo
from supply.demo import writer as demo_writer
from supply.demo.names import PLACES, TRADE_WORDS

ROOT = Path(__file__).resolve().parent.parent
TINY_SCALE = 0.05  # the scale of conftest's tiny_data
REAL_CLUSTER_ADCODES = ("330502", "330782", "350582", "330383", "320722")


def table_hashes(store: Store) -> dict[tuple[str, str], str]:
    """(snapshot id, table) -> sha256 of the Parquet file, re-hashed from disk."""
    import hashlib

    out = {}
    for snap in store.list():
        for table in snap.tables:
            out[(snap.snapshot_id, table)] = hashlib.sha256(snap.table_path(table).read_bytes()).hexdigest()
    return out


def layout(data_dir: Path) -> list[str]:
    """Every file under a data directory, relative to it (the layout app and tools agree on)."""
    return sorted(
        str(p.relative_to(data_dir))
        for p in data_dir.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )


@pytest.fixture(scope="module")
def big_factories() -> pl.DataFrame:
    """The factories of the default demo scale (3,000): enough to see the size distribution's tail."""
    return pl.concat(list(demo.factory_chunks(42, demo.BASE_FACTORIES)))


def test_same_seed_gives_byte_identical_tables_and_another_seed_differs(tiny_store, tmp_path):
    again = Store(tmp_path / "again")
    demo.build(again, scale=TINY_SCALE, seed=42)
    first, second = table_hashes(tiny_store), table_hashes(again)
    assert len(first) == 2 * len(schema.TABLES)
    assert first == second

    # the whole manifest, rollups included (their rows are totally ordered and money is summed
    # as decimals, so equal inputs give equal bytes)
    assert [s.manifest for s in again.list()] == [s.manifest for s in tiny_store.list()]

    other = Store(tmp_path / "other")
    demo.build(other, scale=TINY_SCALE, seed=7, snapshots=1)
    changed = {t for (sid, t), h in table_hashes(other).items() if first[(sid, t)] != h}
    # Every table made from random draws differs; the clusters are fixed real places.
    assert changed == set(schema.TABLES) - {"clusters"}


def test_at_least_five_real_clusters_and_factories_sit_in_them(tiny_store):
    clusters = tiny_store.read(None, "clusters")
    assert clusters.height >= 5
    adcodes = {a for codes in clusters["adcodes"].to_list() for a in codes}
    assert set(REAL_CLUSTER_ADCODES) <= adcodes
    zhili = clusters.filter(pl.col("cluster_id") == "zhili").row(0, named=True)
    assert zhili["adcodes"] == ["330502"] and zhili["main_category"] == "childrens_wear"
    factories = tiny_store.read(None, "factories").join(clusters, on="cluster_id")
    assert factories.filter(~pl.col("adcode").is_in(pl.col("adcodes"))).height == 0
    per_cluster = factories.group_by("cluster_id").len()
    assert per_cluster["len"].min() >= 5
    assert per_cluster.sort("len")["cluster_id"][-1] == "zhili"  # the main cluster is the largest


def test_factory_sizes_are_heavy_tailed(big_factories):
    employees = np.sort(big_factories["employees"].to_numpy())[::-1]
    top = max(1, len(employees) // 100)
    assert np.median(employees) <= 20  # most are small workshops
    assert employees.max() >= 500  # a few are large
    assert employees[:top].sum() / employees.sum() >= 0.10  # top 1% hold a large share
    assert 15 <= employees.mean() <= 35  # ~23 workers a firm (zhili_facts.md #6)


def test_26_weeks_per_factory_and_category_in_both_snapshots(tiny_store):
    for snap in tiny_store.list():
        cap = tiny_store.read(snap.snapshot_id, "capacity")
        per = cap.group_by("factory_id", "category").agg(pl.col("week_start").n_unique().alias("weeks"))
        assert per["weeks"].unique().to_list() == [demo.WEEKS]
        monday = snap.as_of - dt.timedelta(days=snap.as_of.weekday())
        assert cap["week_start"].min() == monday
        assert cap["week_start"].max() == monday + dt.timedelta(weeks=demo.WEEKS - 1)
        made = (
            tiny_store.read(snap.snapshot_id, "factories")
            .select("factory_id", "categories")
            .explode("categories")
            .rename({"categories": "category"})
        )
        assert per.select("factory_id", "category").sort(pl.all()).equals(made.sort(pl.all()))


def test_both_channels_and_pooled_orders_waiting_for_the_plan(tiny_store):
    orders = tiny_store.read(None, "orders")
    assert set(orders["channel"].unique()) == {"pooled", "direct"}
    pooled = orders.filter(pl.col("channel") == "pooled")
    assert pooled["factory_id"].null_count() > 0  # some wait for allocation
    assert pooled["factory_id"].null_count() < pooled.height  # some are allocated already
    assert set(pooled["category"].unique()) == {"school_uniform"}
    assert orders.filter(pl.col("channel") == "direct")["factory_id"].null_count() == 0


def test_at_least_100_schools_all_in_huzhou(tiny_store):
    schools = tiny_store.read(None, "schools")
    assert schools.height >= 100
    assert schools["adcode"].str.starts_with("3305").all()
    demand = tiny_store.read(None, "demand")
    assert set(demand["school_id"]) <= set(schools["school_id"])
    assert demand["school_id"].n_unique() >= 100


def test_sizes_are_in_the_schema(tiny_store):
    demand = tiny_store.read(None, "demand")
    assert set(demand["size"].unique()) <= set(schema.SIZES)
    assert set(demand["garment"].unique()) == set(schema.GARMENTS)
    orders = tiny_store.read(None, "orders").filter(pl.col("category").is_in(demo.APPAREL))
    assert set(orders["size"].unique()) <= set(schema.SIZES)


def _median_size_height(demand: pl.DataFrame, grade: int) -> float:
    """Median uniform height (cm) of a grade's students, from one-per-student sportswear lines."""
    rows = demand.filter((pl.col("grade") == grade) & (pl.col("garment") == "sportswear"))
    heights = np.repeat([int(s.split("/")[0]) for s in rows["size"]], rows["qty"].to_numpy())
    return float(np.median(heights))


def test_size_mix_by_grade_follows_wst612_heights(tiny_store):
    demand = tiny_store.read(None, "demand")
    ref = demo.heights_table()  # WS/T 612-2018, medians by sex and age
    assert 125 <= _median_size_height(demand, 1) <= 130  # grade 1, age 7: ~125 cm children
    for grade in range(1, 13):
        age = min(18, grade + 6)
        medians = ref.filter(pl.col("age_years") == age)["median_cm"]
        size_h = _median_size_height(demand, grade)
        # A child wears the smallest size at least as tall: 0-5 cm above the child's height.
        assert medians.min() - 1 <= size_h <= medians.max() + 5 + 1, (grade, size_h, medians.to_list())
    # Taller every year of primary school.
    primary = [_median_size_height(demand, g) for g in range(1, 7)]
    assert primary == sorted(primary) and primary[-1] - primary[0] >= 20


def test_two_snapshots_a_week_apart_labelled_synthetic(tiny_store):
    first, second = tiny_store.list()
    assert second.as_of - first.as_of == dt.timedelta(weeks=1)
    assert first.as_of.weekday() == 0
    assert second.manifest["parent"] == first.snapshot_id
    assert first.synthetic and second.synthetic
    assert second.manifest["source"]["kind"] == "demo"
    # The later snapshot differs where it should: more orders and demand, same factories.
    assert second.tables["orders"]["rows"] > first.tables["orders"]["rows"]
    assert second.tables["factories"]["sha256"] == first.tables["factories"]["sha256"]


def _cli(*args: str, env_data: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("SUPPLY_DATA", None)
    if env_data:
        env["SUPPLY_DATA"] = str(env_data)
    return subprocess.run(
        [sys.executable, "-m", "supply", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_out_data_and_env_agree_on_the_layout(tmp_path):
    by_out, by_env = tmp_path / "by-out", tmp_path / "by-env"
    done = _cli("demo", "--scale", "0.01", "--out", str(by_out))
    assert done.returncode == 0, done.stderr
    done = _cli("demo", "--scale", "0.01", env_data=by_env)
    assert done.returncode == 0, done.stderr
    assert layout(by_out) == layout(by_env)
    assert "snapshots/demo-2026-06-22/manifest.json" in layout(by_out)
    assert table_hashes(Store(by_out)) == table_hashes(Store(by_env))
    # Every tool reads the same directory whichever way it is named; --data wins over the env.
    listed_env = _cli("snapshots", env_data=by_out).stdout
    listed_flag = _cli("snapshots", "--data", str(by_out), env_data=tmp_path / "nowhere").stdout
    assert listed_env == listed_flag and "demo-2026-06-29" in listed_flag
    # --if-missing leaves existing data alone.
    again = _cli("demo", "--if-missing", "--data", str(by_out))
    assert again.returncode == 0 and "not building" in again.stdout
    assert table_hashes(Store(by_out)) == table_hashes(Store(by_env))


def test_order_status_is_as_of_each_snapshot_and_new_orders_are_from_its_week(tiny_store):
    first, second = tiny_store.list()
    for snap in (first, second):
        orders = tiny_store.read(snap.snapshot_id, "orders").filter(pl.col("channel") == "direct")
        stale = orders.filter(
            pl.col("status").is_in(["open", "in_production"]) & (pl.col("due_date") < snap.as_of)
        )
        assert stale.height == 0, f"{snap.snapshot_id}: {stale.height} orders past due still open"
        assert orders["order_date"].max() <= snap.as_of
    old_ids = set(tiny_store.read(first.snapshot_id, "orders")["order_id"])
    new = tiny_store.read(second.snapshot_id, "orders").filter(
        ~pl.col("order_id").is_in(old_ids) & (pl.col("channel") == "direct")
    )
    assert new.height > 0
    assert new["order_date"].min() > first.as_of - dt.timedelta(days=1)  # placed in the week between
    assert set(new["status"].unique()) == {"open"}


# -- a demo that looks like a cluster (issue 15, item 8) -------------------------------------------

CLASS_RE = re.compile(r"^(?:[一二三四五六]年级|初[一二三]|高[一二三])\((\d+)\)班$")


def test_factory_names_are_unique_and_built_from_place_brand_and_trade(big_factories):
    names = big_factories["name"]
    assert names.n_unique() == big_factories.height
    assert not names.str.contains(r"[0-9A-Za-z-]").any()  # no serial numbers
    for row in big_factories.select("name", "cluster_id", "categories").iter_rows(named=True):
        name, places = row["name"], PLACES[row["cluster_id"]]
        assert any(p in name for p in places), name
        assert any(w in name for c in row["categories"] for w in TRADE_WORDS[c]), name
        assert name.endswith(("厂", "有限公司")), name
    big = big_factories.filter(pl.col("employees") >= 100)["name"].str.ends_with("有限公司").mean()
    small = big_factories.filter(pl.col("employees") < 20)["name"].str.ends_with("有限公司").mean()
    assert big > 0.6 > 0.3 > small  # large firms are companies, small ones workshops


def test_class_names_are_written_as_chinese_schools_write_them(tiny_store):
    demand = tiny_store.read(None, "demand").select("grade", "class_name").unique()
    for grade, name in demand.iter_rows():
        assert CLASS_RE.match(name), name
        head = "一二三四五六"[grade - 1] + "年级" if grade <= 6 else ("初" if grade <= 9 else "高")
        assert name.startswith(head), (grade, name)
    assert {"一年级(1)班", "初二(1)班"} <= set(demand["class_name"])


def _weekly_utilisation(capacity: pl.DataFrame) -> pl.DataFrame:
    return (
        capacity.group_by("week_start")
        .agg((pl.col("booked_pieces").sum() / pl.col("capacity_pieces").sum()).alias("u"))
        .sort("week_start")
    )


def test_utilisation_follows_the_seasons_and_factory_size(tiny_store):
    snap = tiny_store.list()[0]
    cap = tiny_store.read(snap.snapshot_id, "capacity").filter(pl.col("category") == "childrens_wear")
    weekly = _weekly_utilisation(cap)
    july = weekly.filter(pl.col("week_start").dt.month() == 7)["u"].mean()
    september = weekly.filter(pl.col("week_start").dt.month() == 9)["u"].mean()
    assert september > july + 0.05  # June-July is the slack season (Zhili fact #5)
    # The season curve itself: slack around the Spring Festival and in July, busy in October.
    weeks = [dt.date(2027, 2, 8), dt.date(2027, 3, 22), dt.date(2026, 7, 13), dt.date(2026, 10, 12)]
    cw = demo_capacity.season_matrix(weeks)[schema.CATEGORIES.index("childrens_wear")]
    assert cw[0] < cw[1] and cw[2] < cw[3] and cw[0] < 0.5 and cw[2] < 0.5 < cw[3]
    # Larger firms are booked more and swing less with the season.
    sizes = tiny_store.read(snap.snapshot_id, "factories").select("factory_id", "employees")
    cap = cap.join(sizes, on="factory_id")
    small = _weekly_utilisation(cap.filter(pl.col("employees") < 20))["u"]
    large = _weekly_utilisation(cap.filter(pl.col("employees") >= 60))["u"]
    assert large.mean() > small.mean()
    assert large.max() - large.min() < small.max() - small.min()
    # Counties differ: not every cluster sits at the same utilisation.
    by_cluster = (
        tiny_store.read(snap.snapshot_id, "capacity")
        .join(
            tiny_store.read(snap.snapshot_id, "factories").select("factory_id", "cluster_id"), on="factory_id"
        )
        .group_by("cluster_id")
        .agg((pl.col("booked_pieces").sum() / pl.col("capacity_pieces").sum()).alias("u"))
    )
    assert by_cluster["u"].max() - by_cluster["u"].min() > 0.04


def test_buyers_come_back_to_a_few_factories(tiny_store):
    direct = tiny_store.read(None, "orders").filter(pl.col("channel") == "direct")
    per_buyer = direct.group_by("buyer_id").agg(
        pl.col("factory_id").n_unique().alias("factories"),
        pl.len().alias("lines"),
        pl.col("buyer_type").n_unique().alias("types"),
    )
    assert per_buyer["factories"].median() <= 3  # a few factories each
    assert per_buyer["lines"].median() >= 10  # and they come back
    assert per_buyer["types"].max() == 1  # a buyer is one kind of buyer
    pairs = direct.group_by("buyer_id", "factory_id").len()
    repeat_share = pairs.filter(pl.col("len") >= 3)["len"].sum() / direct.height
    assert repeat_share > 0.8  # most lines are repeat business with a known factory
    clusters = direct.join(
        tiny_store.read(None, "factories").select("factory_id", "cluster_id"), on="factory_id"
    )
    assert clusters.group_by("buyer_id").agg(pl.col("cluster_id").n_unique())["cluster_id"].max() == 1


# -- layout: sorted tables in small row groups (issue 12, item 2) ------------------------------------


@pytest.fixture(scope="module")
def small_groups(tmp_path_factory) -> Store:
    """The tiny demo written in row groups of 1,000 rows, so pruning can be seen at this size."""
    store = Store(tmp_path_factory.mktemp("small-groups"))
    old = demo_writer.ROW_GROUP_ROWS
    demo_writer.ROW_GROUP_ROWS = 1_000
    try:
        demo.build(store, scale=TINY_SCALE, seed=42, snapshots=1)
    finally:
        demo_writer.ROW_GROUP_ROWS = old
    return store


def test_tables_are_sorted_by_the_layout_keys_in_row_groups(small_groups):
    snap = small_groups.latest()
    con = duckdb.connect()
    for table in ("factories", "capacity", "orders", "inventory", "demand", "schools"):
        path = snap.table_path(table)
        meta = pq.ParquetFile(path).metadata
        assert max(meta.row_group(i).num_rows for i in range(meta.num_row_groups)) <= 1_000, table
        keys = [k for k in demo_writer.SORT_KEYS[table] if k in schema.TABLES[table]]
        frame = pl.read_parquet(path).with_row_index("file_order")
        resorted = frame.sort(keys, nulls_last=True, maintain_order=True)["file_order"]
        assert resorted.equals(frame["file_order"]), f"{table} is not sorted by {keys}"
        assert (
            con.execute("select count(*) from read_parquet($p)", {"p": str(path)}).fetchone()[0]
            == frame.height
        )


def test_one_factorys_rows_sit_in_one_or_two_row_groups(small_groups):
    snap = small_groups.latest()
    orders = pq.ParquetFile(snap.table_path("orders"))
    col = orders.schema_arrow.get_field_index("factory_id")
    ranges = [
        (g.column(col).statistics.min, g.column(col).statistics.max)
        for g in (orders.metadata.row_group(i) for i in range(orders.metadata.num_row_groups))
        if g.column(col).statistics.has_min_max
    ]
    assert len(ranges) >= 10
    assert all(a[1] <= b[0] for a, b in zip(ranges, ranges[1:]))  # non-overlapping, in order
    for factory in ("F0000001", "F0000075", "F0000150"):
        assert 1 <= sum(lo <= factory <= hi for lo, hi in ranges) <= 2
    # An association's factories (numbered per cluster) hold a contiguous run of row groups.
    factories = small_groups.read(snap.snapshot_id, "factories")
    zhili = factories.filter(pl.col("cluster_id") == "zhili")["factory_id"]
    hit = [i for i, (lo, hi) in enumerate(ranges) if lo <= zhili.max() and hi >= zhili.min()]
    assert hit == list(range(hit[0], hit[-1] + 1)) and len(hit) < len(ranges)
