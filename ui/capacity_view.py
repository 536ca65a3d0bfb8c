"""The capacity page's tables and tabs: column specs, weekly/county/members/heatmap tabs, downloads.

Every table and download goes through ui/tables.py and ui/exports.py (labels, "—" for
missing, numbers numeric in exports, every download logged); every figure names its scope.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from supply.capacity import reports as cap
from supply.capacity.charts import utilisation_heatmap_figure, weekly_by_category_figure
from supply.capacity.printable import CapacityReportInput, capacity_report
from supply.engine import paging
from supply.i18n import format as fmt
from supply.i18n import label
from ui import data
from ui import scope as scopes
from ui.exports import download, streamed_downloads, table_downloads
from ui.figures import chart
from ui.paged import paged_table
from ui.snapshots import label as snapshot_label
from ui.tables import Col, table

KINDS = {
    "utilisation": "pct",
    "horizon_utilisation": "pct",
    "association_member": "bool",
    "pooled_planning": "bool",
    "can_take_all": "bool",
    "score": "decimal",
    "cover_pts": "decimal",
    "lead_pts": "decimal",
    "distance_pts": "decimal",
    "distance_km": "decimal",
}
CODES = {"category": "category", "categories": "category", "suppression": "capacity.suppression"}
WEEKLY = [
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
COUNTY = [
    "county",
    "adcode",
    "category",
    "factories",
    "capacity_pieces",
    "booked_pieces",
    "idle_pieces",
    "utilisation",
    "suppressed_factories",
    "suppression",
]
MEMBERS = [
    "name",
    "factory_id",
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
HEAT = [
    "rank",
    "name",
    "factory_id",
    "week_start",
    "capacity_pieces",
    "booked_pieces",
    "utilisation",
    "horizon_capacity_pieces",
    "horizon_utilisation",
]


def cols(names: list[str]) -> list[Col]:
    """Col specs for capacity columns: headers from reports.COLUMN_KEYS, kinds and code labels."""
    return [Col(n, cap.COLUMN_KEYS.get(n, n), KINDS.get(n), CODES.get(n)) for n in names]


def weekly_tab(ctx, weekly: pl.DataFrame) -> None:
    """Weekly capacity, booked and idle by category: chart and table."""
    st.subheader(ctx.t("capacity.weekly_title"))
    chart(ctx, weekly_by_category_figure(weekly, ctx.lang), "capacity_weekly_chart", scopes.of(ctx))
    table(ctx, weekly, cols(WEEKLY), "capacity_weekly_table")


def county_tab(ctx, county: pl.DataFrame) -> None:
    """County x category totals (suppressed cells marked)."""
    st.caption(ctx.t("capacity.county_caption"))
    table(ctx, county, cols(COUNTY), "capacity_county_table", scopes.of(ctx))


def heatmap_tab(ctx, window: dict, only) -> tuple[pl.DataFrame | None, str]:
    """Utilisation by factory and week for the top factories; returns (frame, caption)."""
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
    if not heat.height:
        st.info(ctx.t("capacity.no_factories"))
        return heat, ""
    caption = ctx.t(
        "capacity.heatmap_caption",
        n=heat["factory_id"].n_unique(),
        total=heat["factories_total"][0],
        by=ctx.t(f"capacity.sort.{sort_by}"),
    )
    st.caption(caption)
    chart(ctx, utilisation_heatmap_figure(heat, ctx.lang), "capacity_heatmap", scopes.of(ctx))
    return heat, caption


SORT_COLUMNS = {"capacity": "capacity_pieces", "idle": "idle_pieces", "utilisation": "utilisation",
                "employees": "employees", "name": "name"}  # fmt: skip
REPORT_TOP = 40  # members listed in the printable report, largest capacity first


def members_tab(ctx, window: dict, only) -> int:
    """The member (or every) factory table over the horizon, a page at a time; returns the total."""
    params = {**window, "category": only}
    page = paged_table(
        ctx,
        "members_page",
        params,
        cols(MEMBERS),
        "capacity_members",
        lambda s: ctx.t(cap.COLUMN_KEYS[SORT_COLUMNS[s]]),
        scopes.of(ctx),
        search_label=ctx.t("capacity.members_search"),
    )
    total = int(page["total_rows"][0]) if page.height else 0
    st.caption(ctx.t("capacity.members_caption", n=fmt.count(total, ctx.lang)))
    return total


def members_top(ctx, window: dict, only) -> dict:
    """The largest members by capacity for the printable report, cut in the engine, and how many in all."""
    top = paging.page_params("members_page", size=REPORT_TOP, sort="capacity", category=only)
    frame = data.run(ctx, "members_page", **window, **top)
    return {"members": frame, "members_total": int(frame["total_rows"][0]) if frame.height else 0}


def downloads_tab(ctx, tables: dict, report: dict) -> None:
    """CSV/XLSX of any table and the printable HTML report; every download is logged.

    A table is (frame, column names), or (query name, parameters, column names) for one too large
    to hold (members): that one streams from the engine to a file when its button is clicked.
    """
    which = st.selectbox(
        ctx.t("capacity.dl.table"),
        list(tables),
        key="capacity_dl_table",
        format_func=lambda k: ctx.t(f"capacity.dl.{k}"),
    )
    d1, d2, d3 = st.columns(3)
    spec = tables[which]
    if isinstance(spec[0], str):
        query, params, names = spec
        streamed_downloads(
            ctx, query, params, cols(names), f"capacity-{which}", "capacity_dl", columns=(d1, d2)
        )
    elif spec[0] is not None:
        table_downloads(ctx, spec[0], cols(spec[1]), f"capacity-{which}", "capacity_dl", columns=(d1, d2))
    html = capacity_report(CapacityReportInput(**report))
    download(
        ctx,
        ctx.t("capacity.dl.report"),
        html.encode("utf-8"),
        "capacity-report",
        "html",
        "text/html",
        report["weekly"].height,
        "capacity_dl_report",
        d3,
    )
    st.caption(ctx.t("capacity.dl.report_help"))


def report_input(ctx, snap, tot: dict, filters: list, frames: dict, notes: list, cluster_row: dict) -> dict:
    """The printable report's inputs, with figures through the formatting layer."""
    lang = ctx.lang
    kpis = [
        (ctx.t("capacity.kpi.capacity"), fmt.number(tot["capacity_pieces"], lang)),
        (ctx.t("capacity.kpi.booked"), fmt.number(tot["booked_pieces"], lang)),
        (ctx.t("capacity.kpi.idle"), fmt.number(tot["idle_pieces"], lang)),
        (ctx.t("capacity.kpi.utilisation"), fmt.pct(tot["utilisation"], lang)),
        (ctx.t("capacity.kpi.pooled_share"), fmt.pct(tot["pooled_share"], lang)),
        (ctx.t("capacity.kpi.zhili"), ctx.t("capacity.kpi.zhili_value")),
    ]
    return dict(
        lang=lang,
        association=cluster_row.get("association_name") or fmt.MISSING,
        cluster=ctx.cluster_name or ctx.t("app.all_clusters"),
        snapshot_id=snapshot_label(snap, lang),
        as_of=snap.as_of,
        filters=filters,
        kpis=kpis,
        viewer=label("role", ctx.viewer.role, lang) + " · " + scopes.of(ctx).text(lang),
        notes=notes,
        synthetic=snap.synthetic,
        **frames,
    )
