"""Benchmark of the cluster map: county_of on 100,000 points, and the map page's queries plus
the deck build at a demo scale (``--scale 34`` is ~100,000 factories).

Run: ``PYTHONPATH=. .venv/bin/python bench/bench_map.py --scale 1``. Writes
bench/results/map.json and map.md. The page path is timed without Streamlit: the same
queries on a planner's connection, the same analytics and ``maps.build_map``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import demo_store, measure, report  # noqa: E402
from supply.engine.db import Viewer, connect  # noqa: E402
from supply.maps import (
    analytics,  # noqa: E402
    geo,  # noqa: E402
)
from supply.maps import deck as maps  # noqa: E402

POINTS = 100_000
ANY = dict(category=None, emp_min=None, emp_max=None, member=None)


def _row(case: str, result: dict, **extra) -> dict:
    return {"case": case, **result, **extra}


def bench_county_of(rows: list[dict]) -> None:
    """Boundary load (once per process) and county_of on 100,000 points in eastern China."""
    t0 = time.perf_counter()
    geo.preload()
    rows.append(
        {"case": "load boundaries, 3 levels (once per process)", "cold_s": round(time.perf_counter() - t0, 4)}
    )
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(110, 122, POINTS), rng.uniform(22, 40, POINTS)
    found = geo.county_of(lon, lat)
    rows.append(
        _row(
            f"county_of, {POINTS:,} random points",
            measure(lambda: geo.county_of(lon, lat)),
            rows=POINTS,
            in_a_county=int(sum(f is not None for f in found)),
        )
    )


def bench_page(rows: list[dict], scale: float) -> dict:
    """The map page's work for a planner at this scale, case by case."""
    store = demo_store(scale)
    snap = store.latest()
    db = connect(snap, Viewer("planner"))
    week_from = snap.as_of - dt.timedelta(days=snap.as_of.weekday())
    week_to = week_from + dt.timedelta(weeks=4)
    n_all = db.run("map_filter_extent", cluster_id=None, exclude_ids=[], **ANY)["factories"][0]
    meta = {"scale": scale, "snapshot": snap.snapshot_id, "factories": int(n_all)}

    coords = db.run("factory_coordinates")
    rows.append(
        _row("query factory_coordinates", measure(lambda: db.run("factory_coordinates")), rows=coords.height)
    )
    rows.append(
        _row(
            "bad-coordinate check (county_of on every factory)",
            measure(lambda: analytics.bad_coordinates(coords), repeat=3),
            rows=coords.height,
        )
    )

    def county_analytics():
        totals = db.run("county_factory_totals", **ANY)
        cap = db.run("county_capacity_by_category", week_from=week_from, week_to=week_to)
        return analytics.county_table(totals, cap, geo.places_frame(totals["adcode"]), None, "childrens_wear")

    counties = county_analytics()
    rows.append(_row("county queries + LQ table", measure(county_analytics), rows=counties.height))
    rows.append(
        _row(
            "query cluster_concentration",
            measure(
                lambda: db.run("cluster_concentration", cluster_id=None, week_from=week_from, week_to=week_to)
            ),
        )
    )

    for cluster in (None, "zhili", "keqiao"):
        f = dict(cluster_id=cluster, exclude_ids=[], **ANY)
        ext = db.run("map_filter_extent", **f).row(0, named=True)
        extent = (ext["min_lon"], ext["max_lon"], ext["min_lat"], ext["max_lat"])
        label = cluster or "all clusters"
        rows.append(
            _row(
                f"query map_filter_extent ({label})",
                measure(lambda: db.run("map_filter_extent", **f)),
                rows=ext["factories"],
            )
        )
        cell_km, lat0 = maps.cell_size_km(*extent), round(ext["mean_lat"], 2)
        cells = db.run("map_density_cells", cell_km=cell_km, lat0=lat0, **f)
        rows.append(
            _row(
                f"query map_density_cells ({label}, {cell_km:g} km)",
                measure(lambda: db.run("map_density_cells", cell_km=cell_km, lat0=lat0, **f)),
                rows=cells.height,
            )
        )
        outlines = (
            {cluster: ["330502"] if cluster == "zhili" else ["330603"]} if cluster else {"zhili": ["330502"]}
        )
        deck = lambda: maps.build_map(
            lang="zh",
            extent=extent,
            cells=cells,
            cell_km=cell_km,
            lat0=lat0,  # noqa: E731
            counties=counties,
            metric="lq",
            lq_category="childrens_wear",
            outlines=outlines,
        )[0].to_json()
        rows.append(
            _row(f"build deck + JSON, density ({label})", measure(deck), json_kb=len(deck().encode()) // 1024)
        )
        if ext["factories"] <= maps.POINT_LIMIT:
            points = db.run("map_factory_points", week_from=week_from, week_to=week_to, **f)
            rows.append(
                _row(
                    f"query map_factory_points ({label})",
                    measure(lambda: db.run("map_factory_points", week_from=week_from, week_to=week_to, **f)),
                    rows=points.height,
                )
            )
            deck_p = lambda: maps.build_map(
                lang="zh",
                extent=extent,
                points=points,
                counties=counties,  # noqa: E731
                metric="lq",
                lq_category="childrens_wear",
                outlines=outlines,
            )[0].to_json()
            rows.append(
                _row(
                    f"build deck + JSON, points ({label})",
                    measure(deck_p),
                    json_kb=len(deck_p().encode()) // 1024,
                )
            )
    db.close()
    return meta


def main() -> None:
    """Run the map benchmark and write bench/results/map.*."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="demo scale (34 = ~100,000 factories)")
    args = parser.parse_args()
    rows: list[dict] = []
    bench_county_of(rows)
    meta = bench_page(rows, args.scale)
    report("map", rows, meta)


if __name__ == "__main__":
    main()
