"""The cluster map page's sections below the map: concentration, county table, LQ matrix, bad coordinates.

Every table goes through ui/tables.py (labels, "—" for missing, numbers as numbers) and
every figure says what it covers (ui/scope.py).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from supply.data import schema
from supply.i18n import fmt_int, label
from supply.maps import analytics, geo
from supply.maps import deck as maps
from ui import data
from ui import scope as scopes
from ui.exports import table_downloads
from ui.figures import Figure, metric_row
from ui.snapshots import label as snapshot_label
from ui.tables import Col, table

WEEKS = 4
BAD_LISTED = 500
COUNTY_COLS = [
    Col("county", "map.col.county"),
    Col("city", "map.col.city"),
    Col("province", "map.col.province"),
    Col("adcode", "map.col.adcode"),
    Col("cluster_names", "map.col.clusters"),
    Col("factories", "map.col.factories", "count"),
    Col("factories_change", "map.col.factories_change", "count"),
    Col("members", "map.col.members", "count"),
    Col("employees", "map.col.employees", "count"),
    Col("capacity_pieces", "map.col.capacity_pieces", "count"),
    Col("capacity_change", "map.col.capacity_change", "count"),
    Col("utilisation", "map.col.utilisation", "pct"),
    Col("utilisation_change", "map.col.utilisation_change", "pp"),
    Col("lq", "map.col.lq", "ratio"),
    Col("lq_change", "map.col.lq_change", "ratio"),
    Col("strong", "map.col.strong", "bool"),
    Col("top_category", "map.col.top_category", codes="category"),
    Col("top_lq", "map.col.top_lq", "ratio"),
    Col("status", "map.col.status"),
]


def window(s) -> tuple[dt.date, dt.date]:
    """The capacity window of a snapshot: WEEKS weeks from the Monday of its date."""
    start = s.as_of - dt.timedelta(days=s.as_of.weekday())
    return start, start + dt.timedelta(weeks=WEEKS)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _coordinate_problems(data_dir: str, snapshot_id: str, _scope: tuple) -> pl.DataFrame:
    # every factory's coordinates (public) are checked here and only the problems are kept:
    # the full frame (1.5M rows at province scale) never enters the result cache. The directory
    # is the same for every viewer, so the result is shared by all (_scope is not in the key).
    db = data.database(data_dir, snapshot_id, *_scope)
    problems = analytics.bad_coordinates(db.run("factory_coordinates"))
    names = db.run("factory_names", factory_ids=problems["factory_id"].to_list())
    return problems.join(names, on="factory_id", how="left")


def coordinate_problems(ctx) -> pl.DataFrame:
    """Bad coordinates of the snapshot's factories (public attributes; cached per snapshot for everyone)."""
    v = ctx.viewer
    scope = (v.role, v.factory_id, v.cluster_id)
    return _coordinate_problems(str(ctx.store.data_dir), ctx.snapshot.snapshot_id, scope)


def county_frame(ctx, s, factory_filters: dict, category, lq_category):
    """The county table for one snapshot (its own capacity window) and its capacity by category."""
    wf, wt = window(s)
    totals = data.run(ctx, "county_factory_totals", snapshot_id=s.snapshot_id, **factory_filters)
    capacity = data.run(
        ctx, "county_capacity_by_category", snapshot_id=s.snapshot_id, week_from=wf, week_to=wt
    )
    places = geo.places_frame(totals["adcode"].to_list() + capacity["adcode"].to_list())
    return analytics.county_table(totals, capacity, places, category, lq_category), capacity


def concentration(ctx, cluster_id, cluster_names: dict) -> None:
    """HHI of the chosen cluster (or every cluster), by capacity when the viewer sees it, else employees."""
    week_from, week_to = window(ctx.snapshot)
    # only the chosen cluster is read (at province scale one cluster holds 600,000 factories)
    conc = data.run(ctx, "cluster_concentration", cluster_id=cluster_id, week_from=week_from, week_to=week_to)
    conc_prev = None
    if ctx.previous:
        pf, pt = window(ctx.previous)
        conc_prev = data.run(
            ctx,
            "cluster_concentration",
            snapshot_id=ctx.previous.snapshot_id,
            cluster_id=cluster_id,
            week_from=pf,
            week_to=pt,
        )
    conc = analytics.add_change(conc, conc_prev, "cluster_id", ["hhi_capacity", "hhi_employees"])
    # A factory owner sees only their own capacity: a one-factory HHI says nothing, so use employees.
    role = ctx.viewer.role
    use_capacity = role in ("admin", "association") and conc["hhi_capacity"].null_count() < conc.height
    basis = "capacity" if use_capacity else "employees"
    scope = scopes.of(ctx, public=not use_capacity)
    if cluster_id and cluster_id in conc["cluster_id"].to_list():
        row = conc.filter(pl.col("cluster_id") == cluster_id).row(0, named=True)
        value, change = row[f"hhi_{basis}"], row[f"hhi_{basis}_change"]
        equivalent = 10000 / value if value else None
        metric_row(
            ctx,
            [
                Figure(
                    ctx.t(f"map.hhi_{basis}"), value, "count", change, ctx.t("map.hhi.help"), inverse=True
                ),
                Figure(ctx.t("map.equivalent"), equivalent, "decimal", missing=ctx.t("map.no_hhi")),
                Figure(ctx.t("map.top_share"), row[f"top_share_{basis}"], "pct", missing=ctx.t("map.no_hhi")),
            ],
            scope,
        )
    else:
        shown = conc.with_columns(
            cluster_name=pl.col("cluster_id").replace(cluster_names),
            equivalent=10000 / pl.col(f"hhi_{basis}"),
        )
        cols = [
            Col("cluster_name", "map.col.clusters"),
            Col("factories", "map.col.factories", "count"),
            Col(f"hhi_{basis}", f"map.hhi_{basis}", "count"),
            Col("equivalent", "map.equivalent", "decimal"),
            Col(f"top_share_{basis}", "map.top_share", "pct"),
        ]
        table(ctx, shown, cols, "map_concentration_table", scope)
    if use_capacity:
        st.caption(ctx.t("map.hhi_note_capacity", n=f"{conc['capacity_factories'].sum():,}"))
    else:
        st.caption(ctx.t("map.hhi_note_own" if role == "factory" else "map.hhi_note_employees"))


def counties_section(ctx, counties: pl.DataFrame, capacity_now: pl.DataFrame, cluster_names: dict) -> None:
    """The county comparison table (sortable, downloadable) and the LQ matrix."""
    sortable = [c for c in analytics.SORTABLE if c in counties.columns]
    s1, s2 = st.columns([2, 1])
    sort_by = s1.selectbox(
        ctx.t("map.sort_by"),
        sortable,
        index=sortable.index("factories"),
        format_func=lambda c: ctx.t(f"map.col.{c}"),
        key="map_sort",
    )
    descending = s2.toggle(ctx.t("map.descending"), value=True, key="map_desc")
    frame = analytics.sort_table(counties, sort_by, descending).with_columns(
        cluster_names=pl.col("cluster_ids").list.eval(pl.element().replace(cluster_names)),
        status=pl.when(pl.col("suppressed"))
        .then(pl.lit(ctx.t("map.status.suppressed")))
        .otherwise(pl.lit("")),
    )
    table(ctx, frame, COUNTY_COLS, "map_county_table", scopes.of(ctx))
    st.caption(
        (
            ctx.t("map.compared_with", sid=snapshot_label(ctx.previous, ctx.lang))
            if ctx.previous
            else ctx.t("map.no_previous")
        )
        + " "
        + ctx.t("map.suppressed_note")
    )
    table_downloads(ctx, frame, COUNTY_COLS, "county_comparison", "map_download")
    with st.expander(ctx.t("map.lq_matrix")):
        if not capacity_now.height:
            st.info(ctx.t("map.no_factories"))
            return
        names = dict(zip(counties["adcode"], counties["county"].fill_null("")))
        lq = analytics.location_quotients(capacity_now).with_columns(
            pl.col("category").replace_strict(
                {c: label("category", c, ctx.lang) for c in schema.CATEGORIES}, default=pl.col("category")
            ),
            pl.col("adcode").replace(names).alias("county"),
        )
        matrix = lq.pivot("category", index="county", values="lq")
        order = [label("category", c, ctx.lang) for c in schema.CATEGORIES]
        cols = [Col("county", "map.col.county")] + [Col(c, c, "ratio") for c in order if c in matrix.columns]
        table(ctx, matrix, cols, "map_lq_matrix", scopes.of(ctx))


def bad_coordinates_section(ctx, problems: pl.DataFrame) -> None:
    """Bad coordinates: counted and listed, never dropped silently."""
    not_drawn = problems.filter(~pl.col("drawn"))
    drawn_elsewhere = problems.height - not_drawn.height
    title = ctx.t("map.bad", n=f"{not_drawn.height:,}", m=f"{drawn_elsewhere:,}")
    with st.expander(title, expanded=False):
        if problems.height == 0:
            st.success(ctx.t("map.bad.none"))
            return
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
            reason=pl.Series([reason_text(r) for r in listed.iter_rows(named=True)], dtype=pl.String),
            coord_source=pl.col("coord_source").map_elements(
                lambda c: label("capacity.coord", c, ctx.lang), return_dtype=pl.String
            ),
        )
        cols = ["name", "factory_id", "adcode", "lon", "lat", "coord_source", "reason"]
        kinds = {"lon": "text", "lat": "text"}
        table(ctx, listed, [Col(c, f"map.col.{c}", kinds.get(c)) for c in cols], "map_bad_table")
        if problems.height > BAD_LISTED:
            st.caption(ctx.t("map.bad.more", n=BAD_LISTED))


def filter_widgets(ctx, cols, all_key: str):
    """Category, size band, membership and layer pickers; returns their values."""
    lang = ctx.lang
    c2, c3, c4, c5 = cols
    category = c2.selectbox(
        ctx.t("map.filter.category"),
        [all_key, *schema.CATEGORIES],
        format_func=lambda c: (
            ctx.t("map.filter.all_categories") if c == all_key else label("category", c, lang)
        ),
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
        format_func=lambda m: ctx.t(f"map.layer.{m}", n=fmt_int(maps.POINT_THRESHOLD, lang)),
        key="map_layer",
    )
    return category, size_band, member, layer_mode


def help_section(ctx) -> None:
    """How LQ and HHI are computed, and why the map works offline."""
    with st.expander(ctx.t("map.help")):
        st.markdown(ctx.t("map.help.lq"))
        st.latex(ctx.t("map.help.lq_formula"))
        st.markdown(ctx.t("map.help.lq_text"))
        st.markdown(ctx.t("map.help.hhi"))
        st.markdown(ctx.t("map.help.offline"))
