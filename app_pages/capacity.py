"""Capacity report (DESIGN §5.3): weekly capacity vs booked vs idle, utilisation heatmap,
members table, pooled share, "who can take this order?", downloads and a printable report.

Planners get the aggregate view only (county x category, small cells suppressed and marked).
Tables, tabs and the finder live in ui/capacity_view.py and ui/capacity_finder.py.
"""

import datetime as dt

import polars as pl
import streamlit as st

from supply.capacity import reports as cap
from supply.i18n import label
from ui import capacity_finder, capacity_view, context, data
from ui import scope as scopes
from ui.figures import Figure, metric_row

ctx = context.get()
snap = ctx.require_snapshot()
lang, role = ctx.lang, ctx.viewer.role
planner = role == "planner"
st.title(ctx.t("capacity.title"))
ctx.snapshot_caption()
st.write(ctx.t("capacity.intro"))
if planner:
    st.info(ctx.t("capacity.planner_note"))
elif role == "association":
    st.caption(ctx.t("capacity.association_note"))

clusters = data.run(ctx, "cluster_list")
this = clusters.filter(pl.col("cluster_id") == ctx.cluster_id)
cluster_row = this.row(0, named=True) if this.height else {}
weeks = data.run(ctx, "snapshot_weeks")["week_start"].to_list()
if not weeks:
    st.error(cap.CapacityInputError("capacity.err.no_weeks").message(lang))
    st.stop()

# -- horizon and category ----------------------------------------------------------------
first = cap.default_start(weeks, snap.as_of)
c1, c2, c3 = st.columns(3)
start = c1.selectbox(
    ctx.t("capacity.start_week"),
    weeks,
    index=weeks.index(first),
    format_func=dt.date.isoformat,
    key="capacity_start",
)
n_weeks = int(
    c2.number_input(
        ctx.t("capacity.n_weeks"),
        min_value=1,
        max_value=104,
        step=1,
        key="capacity_weeks",
        value=min(cap.DEFAULT_WEEKS, len([w for w in weeks if w >= first])),
    )
)
st.caption(
    ctx.t("capacity.weeks_available", first=weeks[0].isoformat(), last=weeks[-1].isoformat(), n=len(weeks))
)
try:
    week_from, week_to = cap.check_horizon(weeks, start, n_weeks)
except cap.CapacityInputError as err:
    st.error(err.message(lang))
    st.stop()

window = {"cluster_id": ctx.cluster_id, "week_from": week_from, "week_to": week_to}
weekly_all = data.run(ctx, "capacity_by_category_week", **window)
categories = sorted(weekly_all["category"].unique().to_list())
category = c3.selectbox(
    ctx.t("capacity.category"),
    ["all", *categories],
    key="capacity_category",
    format_func=lambda c: ctx.t("capacity.all_categories") if c == "all" else label("category", c, lang),
)
only = None if category == "all" else category
weekly = weekly_all if only is None else weekly_all.filter(pl.col("category") == only)
county = cap.with_county_names(data.run(ctx, "capacity_by_county_category", **window))
if only is not None:
    county = county.filter(pl.col("category") == only)

# -- headline figures (one scope), then the reported Zhili figure on its own -------------------
tot = cap.totals(weekly)
missing = ctx.t("capacity.no_data")
metric_row(
    ctx,
    [
        Figure(ctx.t("capacity.kpi.capacity"), tot["capacity_pieces"], "number"),
        Figure(ctx.t("capacity.kpi.booked"), tot["booked_pieces"], "number"),
        Figure(ctx.t("capacity.kpi.idle"), tot["idle_pieces"], "number"),
        Figure(ctx.t("capacity.kpi.utilisation"), tot["utilisation"], "pct", missing=missing),
        Figure(
            ctx.t("capacity.kpi.pooled_share"),
            tot["pooled_share"],
            "pct",
            help=ctx.t("capacity.pooled_help"),
            missing=missing,
        ),
    ],
    scopes.of(ctx),
)
st.caption(
    ctx.t("capacity.zhili_line", value=ctx.t("capacity.kpi.zhili_value")), help=ctx.t("capacity.zhili_source")
)
suppressed_note = (
    ctx.t("capacity.suppressed_note", cells=tot["suppressed_cells"], factories=tot["suppressed_factories"])
    if tot["suppressed_cells"]
    else ""
)
if suppressed_note:
    st.warning(suppressed_note)
if not weekly.height:
    st.info(missing)

tab_keys = (
    ["weekly", "county", "downloads"]
    if planner
    else ["weekly", "heatmap", "members", "county", "finder", "downloads"]
)
tabs = dict(zip(tab_keys, st.tabs([ctx.t(f"capacity.tab.{k}") for k in tab_keys])))
with tabs["weekly"]:
    capacity_view.weekly_tab(ctx, weekly)
with tabs["county"]:
    capacity_view.county_tab(ctx, county)
heat, heat_caption, members = None, "", {}
if not planner:
    with tabs["heatmap"]:
        heat, heat_caption = capacity_view.heatmap_tab(ctx, window, only)
    with tabs["members"]:
        capacity_view.members_tab(ctx, window, only)
    members = capacity_view.members_top(ctx, window, only)  # the report's top members, from the engine
    with tabs["finder"]:
        capacity_finder.finder_tab(ctx, categories, cluster_row.get("main_category"), weeks, first, county)

with tabs["downloads"]:
    tables = {"weekly": (weekly, capacity_view.WEEKLY), "county": (county, capacity_view.COUNTY)}
    if not planner:
        tables["members"] = ("members_table", {**window, "category": only}, capacity_view.MEMBERS)
        tables["heatmap"] = (heat, capacity_view.HEAT)
    horizon = ctx.t("capacity.report.horizon", start=week_from.isoformat(), n=n_weeks)
    chosen = ctx.t("capacity.all_categories") if only is None else label("category", only, lang)
    filters = [(ctx.t("capacity.start_week"), horizon), (ctx.t("capacity.category"), chosen)]
    frames = dict(weekly=weekly, county=county, heat=heat, heat_caption=heat_caption, **members)
    notes = [n for n in (suppressed_note, ctx.t("capacity.zhili_source")) if n]
    report = capacity_view.report_input(ctx, snap, tot, filters, frames, notes, cluster_row)
    capacity_view.downloads_tab(ctx, tables, report)
