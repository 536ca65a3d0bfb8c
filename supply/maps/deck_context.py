"""Background and outline layers of the cluster map, drawn from local boundaries (no tile server)."""

from __future__ import annotations

import pydeck as pdk

from supply.i18n import t
from supply.maps import geo
from supply.maps.legend import _nice


def outline_layer(
    clusters: dict[str, list[str]],
    lang: str,
    cluster_names: dict[str, str] | None = None,
    tolerance: float = 0.002,
) -> pdk.Layer:
    """The outline of each cluster (the union of its counties) as a thick line."""
    cluster_names = cluster_names or {}
    props = {}
    for cid, codes in clusters.items():
        names = [geo.place_names(c)["county"] or c for c in codes]
        props[cid] = {
            "tip_title": cluster_names.get(cid, cid),
            "tip_1": t(
                "map.tip.cluster_counties",
                lang,
                counties="、".join(names) if lang == "zh" else ", ".join(names),
            ),
            "tip_2": "",
            "tip_3": "",
        }
    data = geo.outlines_geojson(clusters, tolerance=tolerance, properties=props)
    return pdk.Layer(
        "GeoJsonLayer",
        data=data,
        id="cluster-outline",
        stroked=True,
        filled=False,
        get_line_color=[40, 40, 40, 255],
        line_width_min_pixels=2.5,
        pickable=True,
    )


def context_layers(
    adcodes, extent: tuple[float, float, float, float] | None = None, filled: bool = True
) -> list[pdk.Layer]:
    """Background drawn from local boundaries: provinces, and the counties around the clusters.

    Provinces are simplified in proportion to the view and clipped to three times its box,
    so a county-level view gets fine coastlines without sending all of China.
    """
    if extent is None:
        tolerance, bbox = 0.03, None
    else:
        min_lon, max_lon, min_lat, max_lat = extent
        span = max(max_lon - min_lon, max_lat - min_lat, 0.05)
        tolerance = _nice(min(0.03, max(0.001, span / 300)))
        bbox = (min_lon - span, min_lat - span, max_lon + span, max_lat + span)
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            data=geo.provinces_geojson(tolerance, bbox),
            id="provinces",
            stroked=True,
            filled=filled,
            get_fill_color=[246, 244, 238, 255],
            get_line_color=[150, 150, 150, 255],
            line_width_min_pixels=0.8,
            pickable=False,
        )
    ]
    around = geo.neighbour_counties(adcodes)
    if around:
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                data=geo.counties_geojson(around, tolerance=0.003),
                id="counties",
                stroked=True,
                filled=False,
                get_line_color=[185, 185, 185, 255],
                line_width_min_pixels=0.6,
                pickable=False,
            )
        )
    return layers
