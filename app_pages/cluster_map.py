"""Cluster map (DESIGN §5.2): factories, density, county choropleth, LQ and concentration."""

import datetime as dt

import polars as pl
import streamlit as st

from supply.data import schema
from supply.data.export import filename, to_csv_bytes
from supply.i18n import fmt_int, fmt_pct, label
from supply.maps import analytics, geo
from supply.maps import deck as maps
from ui import context, data

WEEKS = 4
BAD_LISTED = 500

ctx = context.get()
snap = ctx.require_snapshot()
lang = ctx.lang
st.title(ctx.t("map.title"))
st.caption(ctx.t("map.intro") + ("  ⚠️ " + ctx.t("app.synthetic") if snap.synthetic else ""))


def window(s):
    """The capacity window of a snapshot: WEEKS weeks from the Monday of its date."""
    start = s.as_of - dt.timedelta(days=s.as_of.weekday())
    return start, start + dt.timedelta(weeks=WEEKS)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def coordinate_problems(_coords: pl.DataFrame, data_dir: str, snapshot_id: str) -> pl.DataFrame:
    """Bad coordinates of a snapshot's factories (public attributes; cached per snapshot)."""
    return analytics.bad_coordinates(_coords)


week_from, week_to = window(snap)
clusters = data.run(ctx, "cluster_counties")
name_col = "name_zh" if lang == "zh" else "name_en"
cluster_names = dict(zip(clusters["cluster_id"], clusters[name_col]))
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
category = c2.selectbox(
    ctx.t("map.filter.category"),
    [ALL, *schema.CATEGORIES],
    format_func=lambda c: ctx.t("map.filter.all_categories") if c == ALL else label("category", c, lang),
    key="map_category",
)
size_band = c3.selectbox(
    ctx.t("map.filter.size"),
    list(analytics.SIZE_BANDS),
    format_func=lambda b: ctx.t(f"map.size.{b}"),
    key="map_size",
)
member = c4.selectbox(
    ctx.t("map.filter.member"),
    ["all", "yes", "no"],
    format_func=lambda m: ctx.t(f"map.member.{m}"),
    key="map_member",
)
layer_mode = c5.selectbox(
    ctx.t("map.filter.layer"),
    ["auto", "points", "density"],
    format_func=lambda m: ctx.t(f"map.layer.{m}", n=fmt_int(maps.POINT_THRESHOLD, "en")),
    key="map_layer",
)
cluster_id = None if cluster_id == ALL else cluster_id
category = None if category == ALL else category
lq_category = category or main_category.get(cluster_id)
metric = c6.selectbox(
    ctx.t("map.filter.metric"),
    [m for m in maps.METRICS if m != "top_lq"],
    index=maps.METRICS.index("lq"),
    format_func=lambda m: maps.metric_title(
        "top_lq" if m == "lq" and not lq_category else m, lang, lq_category
    ),
    help=ctx.t("map.metric.help"),
    key="map_metric",
)
if metric == "lq" and not lq_category:
    metric = "top_lq"
with st.expander(ctx.t("map.settings")):
    basemap = st.toggle(ctx.t("map.basemap"), value=False, help=ctx.t("map.basemap.help"), key="map_basemap")

emp_min, emp_max = analytics.SIZE_BANDS[size_band]
member_flag = {"all": None, "yes": True, "no": False}[member]
filters = dict(cluster_id=cluster_id, category=category, emp_min=emp_min, emp_max=emp_max, member=member_flag)

# -- data ----------------------------------------------------------------------------------
with st.spinner(ctx.t("map.title") + " …"):
    coords = data.run(ctx, "factory_coordinates")
    problems = coordinate_problems(coords, str(ctx.store.data_dir), snap.snapshot_id)
    not_drawn = problems.filter(~pl.col("drawn"))
    exclude = sorted(not_drawn["factory_id"].to_list())
    extent_row = data.run(ctx, "map_filter_extent", exclude_ids=exclude, **filters).row(0, named=True)
    n = extent_row["factories"]
    use_density = layer_mode == "density" or (layer_mode == "auto" and n > maps.POINT_THRESHOLD)
    if layer_mode == "points" and n > maps.POINT_LIMIT:
        st.info(ctx.t("map.too_many_points", n=fmt_int(n, lang), limit=fmt_int(maps.POINT_LIMIT, lang)))
        use_density = True
    extent = None
    points = cells = None
    cell_km = lat0 = None
    if n:
        extent = (extent_row["min_lon"], extent_row["max_lon"], extent_row["min_lat"], extent_row["max_lat"])
        if use_density:
            cell_km = maps.cell_size_km(*extent)
            lat0 = round(extent_row["mean_lat"], 2)
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

    factory_filters = dict(category=category, emp_min=emp_min, emp_max=emp_max, member=member_flag)

    def county_frame(s):
        """The county table for one snapshot (its own capacity window)."""
        wf, wt = window(s)
        totals = data.run(ctx, "county_factory_totals", snapshot_id=s.snapshot_id, **factory_filters)
        capacity = data.run(
            ctx, "county_capacity_by_category", snapshot_id=s.snapshot_id, week_from=wf, week_to=wt
        )
        places = geo.places_frame(totals["adcode"].to_list() + capacity["adcode"].to_list())
        return analytics.county_table(totals, capacity, places, category, lq_category), capacity

    counties, capacity_now = county_frame(snap)
    previous = county_frame(ctx.previous)[0] if ctx.previous else None
    counties = analytics.add_change(
        counties, previous, "adcode", ["factories", "capacity_pieces", "utilisation", "lq"]
    )
    outlines = {cluster_id: cluster_counties.get(cluster_id, [])} if cluster_id else cluster_counties
    size_by = maps.size_basis(ctx.viewer.role, points) if points is not None else "employees"
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
        size_by=size_by,
        basemap=basemap,
    )

# -- map and legend ------------------------------------------------------------------------
left, right = st.columns([4, 1])
with left:
    st.pydeck_chart(deck, height=560, key="map_deck")
    if not n:
        st.info(ctx.t("map.no_factories"))
    elif cells is not None:
        st.caption(ctx.t("map.showing_density", n=fmt_int(n, lang), km=f"{cell_km:g}"))
    else:
        st.caption(ctx.t("map.showing_points", n=fmt_int(n, lang)))
    st.caption(
        ctx.t("map.filters_note") + " " + ctx.t("map.week_window", start=week_from.isoformat(), weeks=WEEKS)
    )
with right:
    st.markdown(maps.legend_html(legend), unsafe_allow_html=True)

# -- concentration -------------------------------------------------------------------------
st.subheader(ctx.t("map.concentration"))
conc = data.run(ctx, "cluster_concentration", week_from=week_from, week_to=week_to)
conc_prev = None
if ctx.previous:
    pf, pt = window(ctx.previous)
    conc_prev = data.run(
        ctx, "cluster_concentration", snapshot_id=ctx.previous.snapshot_id, week_from=pf, week_to=pt
    )
conc = analytics.add_change(conc, conc_prev, "cluster_id", ["hhi_capacity", "hhi_employees"])
# A factory owner sees only their own capacity: a one-factory HHI says nothing, so use employees.
use_capacity = ctx.viewer.role in ("admin", "association") and conc["hhi_capacity"].null_count() < conc.height
basis = "capacity" if use_capacity else "employees"
if cluster_id and cluster_id in conc["cluster_id"].to_list():
    row = conc.filter(pl.col("cluster_id") == cluster_id).row(0, named=True)
    value, change = row[f"hhi_{basis}"], row[f"hhi_{basis}_change"]
    m1, m2, m3 = st.columns(3)
    m1.metric(
        ctx.t(f"map.hhi_{basis}"),
        fmt_int(value, "en"),
        None if change is None or abs(change) < 0.5 else f"{change:+,.0f}",
        delta_color="inverse",
        help=ctx.t("map.hhi.help"),
    )
    m2.metric(ctx.t("map.equivalent"), "—" if not value else f"{10000 / value:,.1f}")
    m3.metric(ctx.t("map.top_share"), fmt_pct(row[f"top_share_{basis}"]))
else:
    shown = conc.select(
        pl.col("cluster_id").replace(cluster_names).alias(ctx.t("map.col.clusters")),
        pl.col("factories").alias(ctx.t("map.col.factories")),
        pl.col(f"hhi_{basis}").round(0).alias(ctx.t(f"map.hhi_{basis}")),
        (10000 / pl.col(f"hhi_{basis}")).round(1).alias(ctx.t("map.equivalent")),
        (pl.col(f"top_share_{basis}") * 100).round(1).alias(ctx.t("map.top_share") + " (%)"),
    )
    st.dataframe(shown, hide_index=True, key="map_concentration_table")
if use_capacity:
    st.caption(ctx.t("map.hhi_note_capacity", n=fmt_int(conc["capacity_factories"].sum(), lang)))
else:
    st.caption(ctx.t("map.hhi_note_employees"))

# -- county comparison ---------------------------------------------------------------------
st.subheader(ctx.t("map.counties"))
sortable = [c for c in analytics.SORTABLE if c in counties.columns]
s1, s2, s3 = st.columns([2, 1, 1])
sort_by = s1.selectbox(
    ctx.t("map.sort_by"),
    sortable,
    index=sortable.index("factories"),
    format_func=lambda c: ctx.t(f"map.col.{c}"),
    key="map_sort",
)
descending = s2.toggle(ctx.t("map.descending"), value=True, key="map_desc")
table = analytics.display_county_table(
    analytics.sort_table(counties, sort_by, descending), lang, cluster_names
)
s3.download_button(
    ctx.t("map.download"),
    to_csv_bytes(table),
    file_name=filename("county_comparison", cluster_id, snap.snapshot_id, "csv"),
    mime="text/csv",
    key="map_download",
)
st.dataframe(table, hide_index=True, key="map_county_table")
st.caption(
    (ctx.t("map.compared_with", sid=ctx.previous.snapshot_id) if ctx.previous else ctx.t("map.no_previous"))
    + " "
    + ctx.t("map.suppressed_note")
)

with st.expander(ctx.t("map.lq_matrix")):
    if capacity_now.height:
        lq = analytics.location_quotients(capacity_now).with_columns(
            pl.col("category").replace_strict(
                {c: label("category", c, lang) for c in schema.CATEGORIES}, default=pl.col("category")
            ),
            pl.col("adcode")
            .replace(dict(zip(counties["adcode"], counties["county"].fill_null(""))))
            .alias(ctx.t("map.col.county")),
            pl.col("lq").round(2),
        )
        matrix = lq.pivot("category", index=ctx.t("map.col.county"), values="lq")
        order = [label("category", c, lang) for c in schema.CATEGORIES]
        matrix = matrix.select(matrix.columns[0], *[c for c in order if c in matrix.columns])
        st.dataframe(matrix, hide_index=True, key="map_lq_matrix")

with st.expander(ctx.t("map.help")):
    st.markdown(ctx.t("map.help.lq"))
    st.latex(ctx.t("map.help.lq_formula"))
    st.markdown(ctx.t("map.help.lq_text"))
    st.markdown(ctx.t("map.help.hhi"))
    st.markdown(ctx.t("map.help.offline"))

# -- bad coordinates: counted and listed, never dropped silently -----------------------------
drawn_elsewhere = problems.filter(pl.col("drawn")).height
with st.expander(
    ctx.t("map.bad", n=fmt_int(not_drawn.height, lang), m=fmt_int(drawn_elsewhere, lang)), expanded=False
):
    if problems.height == 0:
        st.success(ctx.t("map.bad.none"))
    else:
        st.caption(ctx.t("map.bad.intro"))
        county = geo.county_names()

        def reason_text(r):
            if r["reason"] == "other_county":
                return ctx.t(
                    "map.reason.other_county",
                    found=county.get(r["found_adcode"], r["found_adcode"]),
                    recorded=county.get(r["adcode"], r["adcode"]),
                )
            return ctx.t(f"map.reason.{r['reason']}")

        listed = problems.sort("drawn", "factory_id").head(BAD_LISTED)
        listed = listed.with_columns(
            reason=pl.Series([reason_text(r) for r in listed.iter_rows(named=True)], dtype=pl.String)
        )
        cols = ["factory_id", "name", "adcode", "lon", "lat", "coord_source", "reason"]
        st.dataframe(
            listed.select(cols).rename({c: ctx.t(f"map.col.{c}") for c in cols}),
            hide_index=True,
            key="map_bad_table",
        )
        if problems.height > BAD_LISTED:
            st.caption(ctx.t("map.bad.more", n=BAD_LISTED))
