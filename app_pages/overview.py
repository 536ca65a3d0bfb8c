"""Overview (DESIGN §5.1): the selected cluster at a glance, against the previous snapshot.

Two rows, never mixed: the viewer's own scope (ui/scope.py: members, your factory, totals
with small cells withheld, or everything for an administrator) and the public directory of
the cluster. A factory owner's first row is about their factory only.
"""

import datetime as dt

import streamlit as st

from supply.capacity.overview_charts import capacity_weeks_figure
from ui import context, data
from ui import scope as scopes
from ui.figures import Figure, chart, metric_row
from ui.snapshots import label as snapshot_label

ctx = context.get()
snap = ctx.require_snapshot()
role = ctx.viewer.role
st.title(ctx.t("overview.title"))
ctx.snapshot_caption()
st.write(ctx.t(f"overview.intro.{role}"))


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


def directory(s):
    """Factories and association members of the cluster in the public directory."""
    return data.directory_counts(ctx, s.snapshot_id)


now = kpis(snap)
before = kpis(ctx.previous) if ctx.previous else None
if before:
    st.caption(ctx.t("overview.compared_with", sid=snapshot_label(ctx.previous, ctx.lang)))
else:
    st.caption(ctx.t("overview.no_previous"))


def change(key):
    if not before or now[key] is None or before[key] is None:
        return None
    return now[key] - before[key]


def figure(key, column, kind="number", **kw):
    """One scoped headline figure, compared with the previous snapshot."""
    help_text = ctx.t(f"overview.help.{key}")
    return Figure(
        ctx.t(f"overview.{key}"), now[column], kind, change(column), help_text, missing=MISSING, **kw
    )


MISSING = ctx.t("overview.missing")
scoped = [
    figure("capacity", "capacity_pieces"),
    figure("utilisation", "utilisation", "pct"),
    figure("open_orders", "open_order_pieces"),
    # a factory owner's "pooled share" of their own capacity is 0% or 100%: say yes or no instead
    Figure(ctx.t("overview.in_pool"), bool(now["pooled_share"]), "bool", help=ctx.t("overview.help.in_pool"))
    if role == "factory"
    else figure("pooled_share", "pooled_share", "pct"),
    figure("inventory", "inventory_pieces", inverse=True),
]
st.subheader(ctx.t(f"overview.scoped.{role}"))
metric_row(ctx, scoped, scopes.of(ctx))
if now["suppressed_cells"]:
    st.caption(ctx.t("overview.suppressed", n=now["suppressed_cells"]))

start = snap.as_of - dt.timedelta(days=snap.as_of.weekday())
weekly = data.run(
    ctx,
    "capacity_by_category_week",
    cluster_id=ctx.cluster_id,
    week_from=start,
    week_to=start + dt.timedelta(weeks=12),
)
st.markdown("**" + ctx.t("overview.weekly_chart") + "**")
if weekly.height:
    chart(ctx, capacity_weeks_figure(weekly, ctx.lang), "overview_weekly_chart", scopes.of(ctx))
else:
    st.info(ctx.t("overview.no_capacity"))

st.subheader(ctx.t("overview.public"))
pub_now = directory(snap)
pub_before = directory(ctx.previous) if ctx.previous else None
metric_row(
    ctx,
    [
        Figure(
            ctx.t("overview.factories"),
            pub_now["factories"],
            "count",
            pub_now["factories"] - pub_before["factories"] if pub_before else None,
            ctx.t("overview.help.factories"),
        ),
        Figure(
            ctx.t("overview.members"),
            pub_now["members"],
            "count",
            pub_now["members"] - pub_before["members"] if pub_before else None,
            ctx.t("overview.help.members"),
        ),
    ],
    scopes.of(ctx, public=True),
)
st.caption(ctx.t("overview.zhili_note"))
