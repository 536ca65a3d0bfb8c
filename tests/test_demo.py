"""The demo generator: deterministic, real clusters, plausible shapes, one layout for app and CLI."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from supply.data import schema
from supply.data.store import Store
from supply.demo import generate as demo

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
    assert {p: s.manifest for p, s in zip("ab", again.list())} == {
        p: s.manifest for p, s in zip("ab", tiny_store.list())
    }

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
