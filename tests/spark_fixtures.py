"""An awkward snapshot for the engine parity suite: the tiny demo plus rows that tell engines apart.

Built from the newest tiny demo snapshot (seeded) by changing the factories table only:

* the factory owner's own factory (``OWNER``) has an empty ``categories`` list;
* one factory has a NaN longitude, another a list with a NULL inside (categories, certifications);
* a factory of another cluster shares the owner's adcode, and one factory has no cluster at all
  (a NULL in ``list(distinct cluster_id ...)``);
* added factories sit within 1e-4 of a hex-cell edge, and one on the edge as far as a double
  can say, for ``lat0 = 30.8``, ``cell_km = 2`` (the map's sample parameters).

``spark_env`` is the fixture of the Spark session's environment shared by the spark test files.
"""

from __future__ import annotations

import math
import os

import polars as pl
import pytest

from supply.data.store import Snapshot, Store

OWNER = "F0000001"  # the parity suite's factory owner; their id is the query parameter too
NAN_FACTORY = "F0000003"
NULL_LIST_FACTORY = "F0000004"
LAT0, CELL_KM = 30.8, 2.0
KM_LAT, KM_LON = 110.574, 111.320


def edge_points() -> list[tuple[float, float]]:
    """(lon, lat) points whose fractional hex coordinates sit just below, on, or just above .5."""
    points = []
    for eps in (1e-4, 0.0, -1e-4):
        rf = 1135 + 0.5 - eps  # latitude ~30.8
        lat = rf * CELL_KM * 1.5 / KM_LAT
        for q_eps in (1e-4, 0.0, -1e-4):
            qf = 1700 + 0.5 - q_eps
            lon = (qf * CELL_KM + lat * KM_LAT / 3) / (
                math.sqrt(3) / 3 * KM_LON * math.cos(math.radians(LAT0))
            )
            points.append((lon, lat))
    return points


def _edit(factories: pl.DataFrame) -> pl.DataFrame:
    rows = factories.to_dicts()
    by_id = {r["factory_id"]: r for r in rows}
    owner = by_id[OWNER]
    owner["categories"] = []
    by_id[NAN_FACTORY]["lon"] = float("nan")
    by_id[NULL_LIST_FACTORY]["categories"] = [None, "childrens_wear"]
    by_id[NULL_LIST_FACTORY]["certifications"] = [None]
    other = next(r for r in rows if r["cluster_id"] not in (owner["cluster_id"], None))
    other["adcode"] = owner["adcode"]  # one county, two clusters
    template = dict(by_id["F0000002"])
    extra = [{**template, "factory_id": "F9990000", "name": "no-cluster factory", "cluster_id": None}]
    for i, (lon, lat) in enumerate(edge_points(), start=1):
        extra.append(
            {**template, "factory_id": f"F99900{i:02d}", "name": f"edge point {i}", "lon": lon, "lat": lat}
        )
    return pl.DataFrame(rows + extra, schema=factories.schema)


def awkward_snapshot(store: Store) -> Snapshot:
    """A new snapshot over the store's newest one with the awkward factories above (built once)."""
    base = store.latest()
    for snap in store.list():
        if snap.snapshot_id.startswith("awkward-"):
            return snap
    factories = _edit(store.read(base.snapshot_id, "factories"))
    return store.derive(base, {"factories": factories}, prefix="awkward")


@pytest.fixture(scope="module")
def spark_env(tmp_path_factory):
    """supply.engine.spark with the environment of the one Spark session of this process.

    ``local[2]``, 2 GB, ``SPARK_LOCAL_IP=127.0.0.1``, warehouse in a temporary directory; set
    before the session starts (the first test that needs it), restored after the module.
    """
    env = {
        "SUPPLY_SPARK_MASTER": "local[2]",
        "SUPPLY_SPARK_MEMORY": "2g",
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SUPPLY_SPARK_WAREHOUSE": str(tmp_path_factory.mktemp("spark-warehouse")),
    }
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    from supply.engine import spark

    yield spark
    for key, value in old.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
