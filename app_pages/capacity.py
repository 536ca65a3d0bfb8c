"""Capacity report (DESIGN §5.3): weekly capacity vs booked vs idle, utilisation heatmap,
members table, pooled share, "who can take this order?", downloads and a printable report.

Planners get the aggregate view only (county x category, small cells suppressed and marked).
"""

import datetime as dt

import polars as pl
import streamlit as st

from supply.capacity import reports as cap
from supply.capacity.charts import utilisation_heatmap_figure, weekly_by_category_figure
from supply.capacity.printable import CapacityReportInput, capacity_report
from supply.data import export
from supply.i18n import fmt_int, fmt_pct, label
from supply.maps import geo
from ui import context, data

ctx = context.get()
snap = ctx.require_snapshot()
lang, role = ctx.lang, ctx.viewer.role
planner = role == "planner"
st.title(ctx.t("capacity.title"))
st.caption(ctx.t("app.snapshot_caption", sid=snap.snapshot_id, as_of=snap.as_of.isoformat()))
if snap.synthetic:
    st.caption("⚠️ " + ctx.t("app.synthetic"))
st.write(ctx.t("capacity.intro"))
if planner:
    st.info(ctx.t("capacity.planner_note"))
elif role == "association":
    st.caption(ctx.t("capacity.association_note"))

clusters = data.run(ctx, "cluster_list")
this = clusters.filter(pl.col("cluster_id") == ctx.cluster_id)
cluster_name = this["name_zh" if lang == "zh" else "name_en"][0] if this.height else ctx.t("app.all_clusters")
association = this["association_name"][0] if this.height else "—"
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
        value=min(cap.DEFAULT_WEEKS, len([w for w in weeks if w >= first])),
        key="capacity_weeks",
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

# -- headline figures --------------------------------------------------------------------
tot = cap.totals(weekly)
k = st.columns(6)
k[0].metric(ctx.t("capacity.kpi.capacity"), fmt_int(tot["capacity_pieces"], lang))
k[1].metric(ctx.t("capacity.kpi.booked"), fmt_int(tot["booked_pieces"], lang))
k[2].metric(ctx.t("capacity.kpi.idle"), fmt_int(tot["idle_pieces"], lang))
k[3].metric(ctx.t("capacity.kpi.utilisation"), fmt_pct(tot["utilisation"]))
k[4].metric(
    ctx.t("capacity.kpi.pooled_share"), fmt_pct(tot["pooled_share"]), help=ctx.t("capacity.pooled_help")
)
k[5].metric(
    ctx.t("capacity.kpi.zhili"), ctx.t("capacity.kpi.zhili_value"), help=ctx.t("capacity.zhili_source")
)
st.caption(ctx.t("capacity.zhili_source"))
suppressed_note = (
    ctx.t("capacity.suppressed_note", cells=tot["suppressed_cells"], factories=tot["suppressed_factories"])
    if tot["suppressed_cells"]
    else ""
)
if suppressed_note:
    st.warning(suppressed_note)
if not weekly.height:
    st.info(ctx.t("capacity.no_data"))

PERCENT = {"utilisation", "horizon_utilisation"}


def show(frame: pl.DataFrame, columns: list[str], key: str) -> None:
    """A localised table: headers and codes in the chosen language, ISO dates, grouped digits."""
    config = {}
    for name in columns:
        header, dtype = ctx.t(cap.COLUMN_KEYS[name]), frame.schema[name]
        if name in PERCENT:
            config[header] = st.column_config.NumberColumn(format="percent")
        elif dtype.is_integer():
            config[header] = st.column_config.NumberColumn(format="localized")
        elif dtype.is_float():
            config[header] = st.column_config.NumberColumn(format="%.1f")
    dates = [c for c in columns if frame.schema[c] == pl.Date]
    shown = frame.with_columns(pl.col(dates).dt.to_string("%Y-%m-%d")) if dates else frame
    st.dataframe(cap.localise(shown, lang, columns), hide_index=True, column_config=config, key=key)


WEEKLY_COLS = [
    "week_start",
    "category",
    "capacity_pieces",
    "booked_pieces",
    "idle_pieces",
    "utilisation",
    "pooled_capacity_pieces",
    "factories",
    "suppressed_factories",
]
COUNTY_COLS = [
    "adcode",
    "county",
    "category",
    "factories",
    "capacity_pieces",
    "booked_pieces",
    "idle_pieces",
    "utilisation",
    "suppressed_factories",
    "suppression",
]
MEMBER_COLS = [
    "factory_id",
    "name",
    "town",
    "categories",
    "association_member",
    "pooled_planning",
    "employees",
    "capacity_pieces",
    "booked_pieces",
    "idle_pieces",
    "utilisation",
    "moq_pieces",
    "sample_days",
    "bulk_lead_days",
    "certifications",
]
HEAT_COLS = [
    "rank",
    "factory_id",
    "name",
    "week_start",
    "capacity_pieces",
    "booked_pieces",
    "utilisation",
    "horizon_capacity_pieces",
    "horizon_utilisation",
]

tab_keys = (
    ["weekly", "county", "downloads"]
    if planner
    else ["weekly", "heatmap", "members", "county", "finder", "downloads"]
)
tabs = dict(zip(tab_keys, st.tabs([ctx.t(f"capacity.tab.{k}") for k in tab_keys])))

with tabs["weekly"]:
    st.subheader(ctx.t("capacity.weekly_title"))
    st.plotly_chart(weekly_by_category_figure(weekly, lang), key="capacity_weekly_chart")
    show(weekly, WEEKLY_COLS, "capacity_weekly_table")

with tabs["county"]:
    st.caption(ctx.t("capacity.county_caption"))
    show(county, COUNTY_COLS, "capacity_county_table")

heat = members = None
heat_caption = ""
if not planner:
    with tabs["heatmap"]:
        h1, h2 = st.columns(2)
        sort_by = h1.radio(
            ctx.t("capacity.sort_by"),
            cap.SORT_KEYS,
            horizontal=True,
            key="capacity_sort",
            format_func=lambda s: ctx.t(f"capacity.sort.{s}"),
        )
        top_n = h2.slider(
            ctx.t("capacity.top_n"), min_value=5, max_value=100, value=30, step=5, key="capacity_top_n"
        )
        heat = data.run(
            ctx,
            "utilisation_by_factory_week",
            **window,
            category=only,
            sort_by=cap.check_sort(sort_by),
            top_n=top_n,
        )
        if heat.height:
            heat_caption = ctx.t(
                "capacity.heatmap_caption",
                n=heat["factory_id"].n_unique(),
                total=heat["factories_total"][0],
                by=ctx.t(f"capacity.sort.{sort_by}"),
            )
            st.caption(heat_caption)
            st.plotly_chart(utilisation_heatmap_figure(heat, lang), key="capacity_heatmap")
        else:
            st.info(ctx.t("capacity.no_factories"))

    with tabs["members"]:
        members = data.run(ctx, "members_table", **window)
        if only is not None:
            members = members.filter(pl.col("categories").list.contains(only))
        st.caption(ctx.t("capacity.members_caption", n=f"{members.height:,}"))
        show(members, MEMBER_COLS, "capacity_members_table")

    with tabs["finder"]:
        st.subheader(ctx.t("capacity.finder.title"))
        main_cat = this["main_category"][0] if this.height else None
        cats = categories or [main_cat or "childrens_wear"]
        f1, f2, f3 = st.columns(3)
        f_cat = f1.selectbox(
            ctx.t("capacity.finder.category"),
            cats,
            index=cats.index(main_cat) if main_cat in cats else 0,
            format_func=lambda c: label("category", c, lang),
            key="finder_category",
        )
        f_qty = f2.number_input(ctx.t("capacity.finder.qty"), value=20_000, step=500, key="finder_qty")
        future = [w for w in weeks if w >= first]
        f_week = f3.selectbox(
            ctx.t("capacity.finder.deadline"),
            future,
            index=min(5, len(future) - 1),
            format_func=dt.date.isoformat,
            key="finder_deadline",
        )
        g1, g2, g3 = st.columns(3)
        loc_mode = g1.radio(
            ctx.t("capacity.finder.location"),
            ["none", "county", "lonlat"],
            horizontal=True,
            format_func=lambda m: ctx.t(f"capacity.loc.{m}"),
            key="finder_location",
        )
        counties = geo.county_names()
        codes = sorted(counties)
        by_capacity = county.sort("capacity_pieces", descending=True, nulls_last=True)["adcode"].to_list()
        home = next((a for a in by_capacity if a in counties), codes[0])
        f_county = f_lonlat = None
        if loc_mode == "county":
            f_county = g2.selectbox(
                ctx.t("capacity.finder.county"),
                codes,
                index=codes.index(home),
                format_func=lambda a: f"{a} {counties[a]}",
                key="finder_county",
            )
        elif loc_mode == "lonlat":
            f_lonlat = g2.text_input(
                ctx.t("capacity.finder.lonlat"), placeholder="120.10, 30.86", key="finder_lonlat"
            )
            f_system = g2.selectbox(
                ctx.t("capacity.finder.coord_system"),
                geo.COORD_SYSTEMS,
                format_func=lambda s: ctx.t(f"capacity.coord.{s}"),
                key="finder_coord",
            )
        f_km = g3.number_input(
            ctx.t("capacity.finder.max_km"),
            min_value=0.0,
            value=0.0,
            step=10.0,
            format="%.0f",
            key="finder_max_km",
        )
        with st.container(border=True):
            st.markdown(ctx.t("capacity.finder.formula"))
        result = None
        try:
            lon = lat = None
            if f_county:
                lon, lat = cap.county_point(f_county)
            elif f_lonlat is not None:
                lon, lat = cap.parse_lonlat(f_lonlat, f_system)
            order = cap.check_order(f_cat, f_qty, f_week, weeks, lon=lon, lat=lat, max_km=f_km or None)
        except cap.CapacityInputError as err:
            st.error(err.message(lang))
        else:
            idle = data.run(
                ctx,
                "idle_capacity_by_factory",
                cluster_id=ctx.cluster_id,
                category=order.category,
                week_from=first,
                deadline_week=order.deadline_week,
            )
            result = cap.find_factories(idle, order)
        if result is not None:
            week_text = order.deadline_week.isoformat()
            usable = {"idle_pieces": "usable_idle_pieces"}  # idle in the weeks before the deadline
            cand, plan = result.candidates.rename(usable), result.plan.rename(usable)
            if not cand.height:
                st.warning(ctx.t("capacity.finder.none", week=week_text))
            elif not result.split:
                best = plan.row(0, named=True)
                st.success(
                    ctx.t(
                        "capacity.finder.single",
                        name=best["name"],
                        fid=best["factory_id"],
                        qty=f"{order.qty:,}",
                        week=week_text,
                    )
                )
            else:
                st.info(
                    ctx.t(
                        "capacity.finder.split",
                        qty=f"{order.qty:,}",
                        n=plan.height,
                        best=f"{int(cand['usable_idle_pieces'].max()):,}",
                    )
                )
            if cand.height and result.shortfall:
                st.warning(
                    ctx.t(
                        "capacity.finder.shortfall",
                        placed=f"{result.placed:,}",
                        qty=f"{order.qty:,}",
                        short=f"{result.shortfall:,}",
                        week=week_text,
                    )
                )
            if plan.height:
                st.markdown("**" + ctx.t("capacity.finder.plan") + "**")
                show(
                    plan,
                    ["rank", "factory_id", "name", "pieces", "moq_pieces", "usable_idle_pieces"],
                    "finder_plan",
                )
            if cand.height:
                shown = cand.head(50).join(plan.select("factory_id", "pieces"), on="factory_id", how="left")
                st.markdown(
                    "**" + ctx.t("capacity.finder.candidates", n=shown.height, total=cand.height) + "**"
                )
                finder_cols = [
                    "rank",
                    "factory_id",
                    "name",
                    "score",
                    "pieces",
                    "usable_idle_pieces",
                    "can_take_all",
                    "bulk_lead_days",
                    "moq_pieces",
                    "distance_km",
                    "idle_weeks",
                    "last_week",
                    "town",
                    "cover_pts",
                    "lead_pts",
                    "distance_pts",
                ]
                if order.lon is None:
                    finder_cols = [c for c in finder_cols if c not in ("distance_km", "distance_pts")]
                show(shown, finder_cols, "finder_candidates")
                out = cap.localise(
                    cand.join(plan.select("factory_id", "pieces"), on="factory_id", how="left"),
                    lang,
                    finder_cols,
                )
                d1, d2 = st.columns(2)
                d1.download_button(
                    ctx.t("capacity.dl.csv"),
                    export.to_csv_bytes(out),
                    mime="text/csv",
                    file_name=export.filename("order-finder", ctx.cluster_id, snap.snapshot_id, "csv"),
                    on_click="ignore",
                    key="finder_dl_csv",
                )
                d2.download_button(
                    ctx.t("capacity.dl.xlsx"),
                    export.to_xlsx_bytes(out, sheet="finder"),
                    file_name=export.filename("order-finder", ctx.cluster_id, snap.snapshot_id, "xlsx"),
                    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    on_click="ignore",
                    key="finder_dl_xlsx",
                )

with tabs["downloads"]:
    tables = {"weekly": (weekly, WEEKLY_COLS), "county": (county, COUNTY_COLS)}
    if not planner:
        tables["members"] = (members, MEMBER_COLS)
        tables["heatmap"] = (heat, HEAT_COLS)
    which = st.selectbox(
        ctx.t("capacity.dl.table"),
        list(tables),
        key="capacity_dl_table",
        format_func=lambda k: ctx.t(f"capacity.dl.{k}"),
    )
    frame, cols = tables[which]
    out = cap.localise(frame, lang, cols)
    report_name = f"capacity-{which}"
    d1, d2, d3 = st.columns(3)
    d1.download_button(
        ctx.t("capacity.dl.csv"),
        export.to_csv_bytes(out),
        mime="text/csv",
        file_name=export.filename(report_name, ctx.cluster_id, snap.snapshot_id, "csv"),
        on_click="ignore",
        key="capacity_dl_csv",
    )
    d2.download_button(
        ctx.t("capacity.dl.xlsx"),
        export.to_xlsx_bytes(out, sheet=which),
        file_name=export.filename(report_name, ctx.cluster_id, snap.snapshot_id, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key="capacity_dl_xlsx",
    )
    filters = [
        (
            ctx.t("capacity.start_week"),
            ctx.t("capacity.report.horizon", start=week_from.isoformat(), n=n_weeks),
        ),
        (
            ctx.t("capacity.category"),
            ctx.t("capacity.all_categories") if only is None else label("category", only, lang),
        ),
    ]
    kpis = [
        (ctx.t(f"capacity.kpi.{key}"), value)
        for key, value in (
            ("capacity", fmt_int(tot["capacity_pieces"], lang)),
            ("booked", fmt_int(tot["booked_pieces"], lang)),
            ("idle", fmt_int(tot["idle_pieces"], lang)),
            ("utilisation", fmt_pct(tot["utilisation"])),
            ("pooled_share", fmt_pct(tot["pooled_share"])),
            ("zhili", ctx.t("capacity.kpi.zhili_value")),
        )
    ]
    html = capacity_report(
        CapacityReportInput(
            lang=lang,
            association=association,
            cluster=cluster_name,
            snapshot_id=snap.snapshot_id,
            as_of=snap.as_of,
            filters=filters,
            kpis=kpis,
            weekly=weekly,
            county=county,
            heat=heat,
            heat_caption=heat_caption,
            members=members,
            viewer=label("role", role, lang),
            notes=[n for n in (suppressed_note, ctx.t("capacity.zhili_source")) if n],
            synthetic=snap.synthetic,
        )
    )
    d3.download_button(
        ctx.t("capacity.dl.report"),
        html.encode("utf-8"),
        mime="text/html",
        file_name=export.filename("capacity-report", ctx.cluster_id, snap.snapshot_id, "html"),
        on_click="ignore",
        key="capacity_dl_report",
    )
    st.caption(ctx.t("capacity.dl.report_help"))
