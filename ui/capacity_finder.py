"""The capacity page's order finder: who can take this order, by the published rules and score."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from supply.capacity import reports as cap
from supply.i18n import format as fmt
from supply.i18n import label
from supply.maps import geo
from ui import data
from ui import scope as scopes
from ui.capacity_view import cols
from ui.exports import table_downloads
from ui.tables import table

PLAN = ["rank", "name", "factory_id", "pieces", "moq_pieces", "usable_idle_pieces"]
CANDIDATES = [
    "rank",
    "name",
    "factory_id",
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


def _inputs(ctx, categories, main_cat, weeks, first, county):
    """The order's widgets; returns (category, qty, deadline week, county, lon/lat text, crs, max km)."""
    cats = categories or [main_cat or "childrens_wear"]
    f1, f2, f3 = st.columns(3)
    f_cat = f1.selectbox(
        ctx.t("capacity.finder.category"),
        cats,
        index=cats.index(main_cat) if main_cat in cats else 0,
        format_func=lambda c: label("category", c, ctx.lang),
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
    f_county = f_lonlat = f_system = None
    if loc_mode == "county":
        f_county = g2.selectbox(
            ctx.t("capacity.finder.county"),
            codes,
            index=codes.index(home),
            format_func=lambda a: counties[a],
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
    return f_cat, f_qty, f_week, f_county, f_lonlat, f_system, f_km


def finder_tab(ctx, categories, main_cat, weeks, first, county: pl.DataFrame) -> None:
    """Inputs, the published rules, the suggested split and the ranked candidates (downloadable)."""
    st.subheader(ctx.t("capacity.finder.title"))
    f_cat, f_qty, f_week, f_county, f_lonlat, f_system, f_km = _inputs(
        ctx, categories, main_cat, weeks, first, county
    )
    with st.container(border=True):
        st.markdown(ctx.t("capacity.finder.formula"))
    try:
        lon = lat = None
        if f_county:
            lon, lat = cap.county_point(f_county)
        elif f_lonlat is not None:
            lon, lat = cap.parse_lonlat(f_lonlat, f_system)
        order = cap.check_order(f_cat, f_qty, f_week, weeks, lon=lon, lat=lat, max_km=f_km or None)
    except cap.CapacityInputError as err:
        st.error(err.message(ctx.lang))
        return
    idle = data.run(
        ctx,
        "idle_capacity_by_factory",
        cluster_id=ctx.cluster_id,
        category=order.category,
        week_from=first,
        deadline_week=order.deadline_week,
    )
    result = cap.find_factories(idle, order)
    week_text, lang = fmt.date(order.deadline_week, ctx.lang), ctx.lang
    usable = {"idle_pieces": "usable_idle_pieces"}  # idle in the weeks before the deadline
    cand, plan = result.candidates.rename(usable), result.plan.rename(usable)
    qty = fmt.count(order.qty, lang)
    if not cand.height:
        st.warning(ctx.t("capacity.finder.none", week=week_text))
    elif not result.split:
        best = plan.row(0, named=True)
        st.success(
            ctx.t(
                "capacity.finder.single", name=best["name"], fid=best["factory_id"], qty=qty, week=week_text
            )
        )
    else:
        best = fmt.count(cand["usable_idle_pieces"].max(), lang)
        st.info(ctx.t("capacity.finder.split", qty=qty, n=plan.height, best=best))
    if cand.height and result.shortfall:
        st.warning(
            ctx.t(
                "capacity.finder.shortfall",
                placed=fmt.count(result.placed, lang),
                qty=qty,
                short=fmt.count(result.shortfall, lang),
                week=week_text,
            )
        )
    if plan.height:
        st.markdown("**" + ctx.t("capacity.finder.plan") + "**")
        table(ctx, plan, cols(PLAN), "finder_plan", scopes.of(ctx))
    if not cand.height:
        return
    names = (
        CANDIDATES
        if order.lon is not None
        else [c for c in CANDIDATES if c not in ("distance_km", "distance_pts")]
    )
    full = cand.join(plan.select("factory_id", "pieces"), on="factory_id", how="left")
    shown = full.head(50)
    st.markdown("**" + ctx.t("capacity.finder.candidates", n=shown.height, total=cand.height) + "**")
    table(ctx, shown, cols(names), "finder_candidates")
    table_downloads(ctx, full, cols(names), "order-finder", "finder_dl", lazy=True)  # made on click
