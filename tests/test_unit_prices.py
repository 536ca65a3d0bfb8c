"""queries/planning_unit_prices.sql reads the ``uniform_prices`` rollup view; its prices equal a
recomputation from the order lines with Polars, for an admin and an association, and a factory
owner or a planner sees no other factory's prices."""

from __future__ import annotations

import polars as pl
import pytest

from supply.data import schema
from supply.engine.db import Viewer, connect


def _garment() -> pl.Expr:
    expr = pl.lit(None, dtype=pl.String)
    for g in schema.GARMENTS:
        expr = pl.when(pl.col("sku").str.ends_with("-" + g)).then(pl.lit(g)).otherwise(expr)
    return expr


def _expected(store, snap, members_of: str | None, cluster_id: str | None) -> pl.DataFrame:
    """The query's rule (DESIGN: factory x garment, else factory, else cluster x garment) from order lines."""
    fac = store.read(snap.snapshot_id, "factories").select("factory_id", "cluster_id", "association_member")
    orders = (
        store.read(snap.snapshot_id, "orders")
        .join(fac, on="factory_id", how="inner")
        .filter(
            (pl.col("category") == "school_uniform")
            & (pl.col("status") != "cancelled")
            & (pl.col("qty") > 0)
            & (pl.col("unit_price") > 0)
        )
        .with_columns(garment=_garment(), value=pl.col("qty") * pl.col("unit_price"))
    )
    if members_of is not None:
        orders = orders.filter(
            (pl.col("cluster_id") == members_of) & pl.col("association_member").fill_null(False)
        )
    if cluster_id is not None:
        orders = orders.filter(pl.col("cluster_id") == cluster_id)
    garments = store.read(snap.snapshot_id, "demand").select("garment").unique()
    mean = (pl.col("value").sum() / pl.col("qty").sum()).alias("unit_price")
    known = orders.join(garments, on="garment", how="inner")
    a = known.group_by("factory_id", "garment").agg(mean.alias("a"))
    b = orders.group_by("factory_id").agg(mean.alias("b"))
    c = known.group_by("garment").agg(mean.alias("c"))
    grid = orders.select("factory_id").unique().join(garments, how="cross")
    out = (
        grid.join(a, on=["factory_id", "garment"], how="left")
        .join(b, on="factory_id", how="left")
        .join(c, on="garment", how="left")
    )
    return out.select(
        "factory_id",
        "garment",
        pl.coalesce("a", "b", "c").alias("unit_price"),
        pl.when(pl.col("a").is_not_null())
        .then(pl.lit("factory_garment"))
        .when(pl.col("b").is_not_null())
        .then(pl.lit("factory"))
        .otherwise(pl.lit("cluster_garment"))
        .alias("price_source"),
    ).sort("factory_id", "garment")


@pytest.mark.parametrize(
    ("viewer", "members_of", "cluster_id"),
    [
        (Viewer("admin"), None, None),
        (Viewer("admin"), None, "zhili"),
        (Viewer("association", cluster_id="zhili"), "zhili", "zhili"),
    ],
    ids=["admin-all", "admin-zhili", "association-zhili"],
)
def test_unit_prices_equal_a_recomputation_from_the_order_lines(
    tiny_store, tiny_snapshot, viewer, members_of, cluster_id
):
    got = connect(tiny_snapshot, viewer).run("planning_unit_prices", cluster_id=cluster_id)
    got = pl.from_pandas(got) if not isinstance(got, pl.DataFrame) else got
    want = _expected(tiny_store, tiny_snapshot, members_of, cluster_id)
    assert want.height > 0
    assert set(want["price_source"]) >= {"factory_garment", "factory"}  # both rules are exercised
    got = got.sort("factory_id", "garment")
    assert got.select("factory_id", "garment", "price_source").equals(want.drop("unit_price"))
    assert ((got["unit_price"] - want["unit_price"]).abs() <= 1e-6 * want["unit_price"]).all()


def test_owners_see_only_their_own_prices_and_planners_none(tiny_snapshot):
    """The uniform_prices view itself (the query returns nothing for them: they see no demand)."""
    admin = connect(tiny_snapshot, Viewer("admin")).con
    makers = [
        r[0] for r in admin.execute("select distinct factory_id from uniform_prices order by 1").fetchall()
    ]
    assert len(makers) >= 2
    owner = connect(tiny_snapshot, Viewer("factory", factory_id=makers[0])).con
    seen = owner.execute("select distinct factory_id from uniform_prices").fetchall()
    assert seen == [(makers[0],)]  # its own prices, from its own orders, and no other factory's
    planner = connect(tiny_snapshot, Viewer("planner")).con
    assert planner.execute("select count(*) from uniform_prices").fetchall() == [(0,)]
