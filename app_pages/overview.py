"""Overview (DESIGN §5.1): the selected cluster at a glance, against the previous snapshot."""

import datetime as dt

import streamlit as st

from supply.capacity.overview_charts import capacity_weeks_figure
from supply.i18n import fmt_delta, fmt_int, fmt_pct
from ui import context, data

ctx = context.get()
snap = ctx.require_snapshot()
st.title(ctx.t("overview.title"))
st.caption(ctx.t("app.snapshot_caption", sid=snap.snapshot_id, as_of=snap.as_of.isoformat()))
if snap.synthetic:
    st.caption("⚠️ " + ctx.t("app.synthetic"))
st.write(ctx.t("overview.intro"))


def kpis(s):
    start = s.as_of - dt.timedelta(days=s.as_of.weekday())
    frame = data.run(
        ctx,
        "overview_kpis",
        snapshot_id=s.snapshot_id,
        cluster_id=ctx.cluster_id,
        week_from=start,
        week_to=start + dt.timedelta(weeks=4),
    )
    return frame.row(0, named=True)


now = kpis(snap)
before = kpis(ctx.previous) if ctx.previous else None
if before:
    st.caption(ctx.t("overview.compared_with", sid=ctx.previous.snapshot_id))
else:
    st.caption(ctx.t("overview.no_previous"))


def delta(key, pct=False):
    if not before or now[key] is None or before[key] is None:
        return None
    d = now[key] - before[key]
    return f"{d * 100:+.1f} pp" if pct else fmt_delta(d, ctx.lang)


cols = st.columns(6)
cols[0].metric(ctx.t("overview.factories"), fmt_int(now["factories"], ctx.lang), delta("factories"))
cols[1].metric(
    ctx.t("overview.capacity"),
    fmt_int(now["capacity_pieces"], ctx.lang),
    delta("capacity_pieces"),
    help=ctx.t("overview.help.capacity"),
)
cols[2].metric(
    ctx.t("overview.utilisation"),
    fmt_pct(now["utilisation"]),
    delta("utilisation", True),
    help=ctx.t("overview.help.utilisation"),
)
cols[3].metric(
    ctx.t("overview.open_orders"),
    fmt_int(now["open_order_pieces"], ctx.lang),
    delta("open_order_pieces"),
    help=ctx.t("overview.help.open_orders"),
)
cols[4].metric(
    ctx.t("overview.pooled_share"),
    fmt_pct(now["pooled_share"]),
    delta("pooled_share", True),
    help=ctx.t("overview.help.pooled_share"),
)
cols[5].metric(
    ctx.t("overview.inventory"),
    fmt_int(now["inventory_pieces"], ctx.lang),
    delta("inventory_pieces"),
    delta_color="inverse",
    help=ctx.t("overview.help.inventory"),
)
if now["suppressed_cells"]:
    st.caption(ctx.t("overview.suppressed", n=now["suppressed_cells"]))
st.caption(ctx.t("overview.zhili_note"))

st.subheader(ctx.t("overview.weekly_chart"))
start = snap.as_of - dt.timedelta(days=snap.as_of.weekday())
weekly = data.run(
    ctx,
    "capacity_by_category_week",
    cluster_id=ctx.cluster_id,
    week_from=start,
    week_to=start + dt.timedelta(weeks=12),
)
st.plotly_chart(capacity_weeks_figure(weekly, ctx.lang), key="overview_weekly_chart")
