"""Cluster map (DESIGN §5.2): factories, density, county choropleth, LQ and concentration."""

import polars as pl
import streamlit as st

from supply.i18n import fmt_int
from supply.maps import analytics
from supply.maps import deck as maps
from ui import context, data, map_view
from ui import scope as scopes

ctx = context.get()
snap = ctx.require_snapshot()
lang, role = ctx.lang, ctx.viewer.role
st.title(ctx.t("map.title"))
st.caption(ctx.t("map.intro") + ("  ⚠️ " + ctx.t("app.synthetic") if snap.synthetic else ""))

week_from, week_to = map_view.window(snap)
clusters = data.run(ctx, "cluster_counties")
cluster_names = dict(zip(clusters["cluster_id"], clusters["name_zh" if lang == "zh" else "name_en"]))
cluster_counties = {r["cluster_id"]: list(r["adcodes"] or []) for r in clusters.iter_rows(named=True)}
main_category = dict(zip(clusters["cluster_id"], clusters["main_category"]))

# -- filters -------------------------------------------------------------------------------
ALL = "*"
cluster_options = [ALL] + clusters["cluster_id"].to_list()
c1, c2, c3, c4, c5, c6 = st.columns(6)
cluster_id = c1.selectbox(
    ctx.t("map.filter.cluster"),
    cluster_options,
    index=cluster_options.index(ctx.cluster_id) if ctx.cluster_id in cluster_options else 0,
    format_func=lambda c: ctx.t("map.filter.all_clusters") if c == ALL else cluster_names.get(c, c),
    key="map_cluster",
)
category, size_band, member, layer_mode = map_view.filter_widgets(ctx, (c2, c3, c4, c5), ALL)
cluster_id = None if cluster_id == ALL else cluster_id
category = None if category == ALL else category
lq_category = category or main_category.get(cluster_id)
emp_min, emp_max = analytics.SIZE_BANDS[size_band]
member_flag = {"all": None, "yes": True, "no": False}[member]
factory_filters = dict(category=category, emp_min=emp_min, emp_max=emp_max, member=member_flag)
filters = dict(cluster_id=cluster_id, **factory_filters)

# -- county figures first: the default shading depends on how many counties have data -------
counties, capacity_now = map_view.county_frame(ctx, snap, factory_filters, category, lq_category)
previous = (
    map_view.county_frame(ctx, ctx.previous, factory_filters, category, lq_category)[0]
    if ctx.previous
    else None
)
counties = analytics.add_change(
    counties, previous, "adcode", ["factories", "capacity_pieces", "utilisation", "lq"]
)
one_county = counties.filter(pl.col("capacity_pieces").is_not_null()).height <= 1
default_metric = "factories" if role == "factory" or one_county else "lq"
metrics = [m for m in maps.METRICS if m != "top_lq"]
metric = c6.selectbox(
    ctx.t("map.filter.metric"),
    metrics,
    index=metrics.index(default_metric),
    format_func=lambda m: maps.metric_title(
        "top_lq" if m == "lq" and not lq_category else m, lang, lq_category
    ),
    help=ctx.t("map.metric.help"),
    key="map_metric",
)
if metric == "lq" and not lq_category:
    metric = "top_lq"
if one_county and default_metric == "factories" and role != "factory":
    st.info(ctx.t("map.one_county"))
with st.expander(ctx.t("map.settings")):
    basemap = st.toggle(ctx.t("map.basemap"), value=False, help=ctx.t("map.basemap.help"), key="map_basemap")

# -- map data --------------------------------------------------------------------------------
with st.spinner(ctx.t("map.title") + " …"):
    problems = map_view.coordinate_problems(ctx)
    exclude = sorted(problems.filter(~pl.col("drawn"))["factory_id"].to_list())
    extent_row = data.run(ctx, "map_filter_extent", exclude_ids=exclude, **filters).row(0, named=True)
    n = extent_row["factories"]
    use_density = layer_mode == "density" or (layer_mode == "auto" and n > maps.POINT_THRESHOLD)
    if layer_mode == "points" and n > maps.POINT_LIMIT:
        st.info(ctx.t("map.too_many_points", n=fmt_int(n, lang), limit=fmt_int(maps.POINT_LIMIT, lang)))
        use_density = True
    extent = points = cells = cell_km = lat0 = None
    if n:
        extent = (extent_row["min_lon"], extent_row["max_lon"], extent_row["min_lat"], extent_row["max_lat"])
        if use_density:
            cell_km, lat0 = maps.cell_size_km(*extent), round(extent_row["mean_lat"], 2)
            cells = data.run(
                ctx, "map_density_cells", exclude_ids=exclude, cell_km=cell_km, lat0=lat0, **filters
            )
        else:
            points = data.run(
                ctx,
                "map_factory_points",
                exclude_ids=exclude,
                week_from=week_from,
                week_to=week_to,
                **filters,
            )
    outlines = {cluster_id: cluster_counties.get(cluster_id, [])} if cluster_id else cluster_counties
    deck, legend = maps.build_map(
        lang=lang,
        extent=extent,
        points=points,
        cells=cells,
        cell_km=cell_km,
        lat0=lat0,
        counties=counties,
        metric=metric,
        lq_category=lq_category,
        outlines=outlines,
        cluster_names=cluster_names,
        size_by=maps.size_basis(role, points) if points is not None else "employees",
        basemap=basemap,
    )

# -- map and legend ------------------------------------------------------------------------
scopes.caption(scopes.of(ctx, public=metric in ("none", "factories")), lang)
left, right = st.columns([4, 1])
with left:
    st.pydeck_chart(deck, height=560, key="map_deck")
    if not n:
        st.info(ctx.t("map.no_factories"))
    elif cells is not None:
        st.caption(ctx.t("map.showing_density", n=fmt_int(n, lang), km=f"{cell_km:g}"))
    else:
        st.caption(ctx.t("map.showing_points", n=fmt_int(n, lang)))
    note = "map.filters_note" if role == "planner" else "map.filters_note_scoped"
    st.caption(
        ctx.t(note) + " " + ctx.t("map.week_window", start=week_from.isoformat(), weeks=map_view.WEEKS)
    )
with right:
    st.markdown(maps.legend_html(legend), unsafe_allow_html=True)

st.subheader(ctx.t("map.concentration"))
map_view.concentration(ctx, cluster_id, cluster_names)
st.subheader(ctx.t("map.counties"))
map_view.counties_section(ctx, counties, capacity_now, cluster_names)
map_view.help_section(ctx)
map_view.bad_coordinates_section(ctx, problems)
