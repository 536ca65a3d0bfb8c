"""Pooled planning as steps: ① demand, ② plan (on request, cached), ③ check, ④ publish, and what-if.

Arriving shows the plan computed earlier for the same data and settings, or the plan published
for the snapshot; a new solve runs only when the button is pressed, in a worker thread that the
page follows at its end (progress bar, Stop button); a what-if runs the same way, one at a time.
Helpers: ui/planning.py, ui/planning_job.py, ui/whatif.py; the model: supply/planning/.
"""

import datetime as dt

import polars as pl
import streamlit as st

from supply.i18n import format as fmt
from supply.planning import plan as planning
from supply.planning.charts import schedule_heatmap, utilisation_weeks_figure
from ui import context, whatif
from ui import planning as ui_plan
from ui import planning_job as ui_job
from ui import scope as scopes
from ui.figures import chart
from ui.tables import table

ctx = context.get()
snap = ctx.require_snapshot()
st.title(ctx.t("page.planning"))
ctx.snapshot_caption()
st.write(ctx.t("planning.intro"))
with st.expander(ctx.t("planning.cost_title")):
    st.markdown(ctx.t("planning.cost_text"))

steps = st.tabs([ctx.t(f"plansteps.tab.{k}") for k in ("demand", "plan", "check", "publish", "whatif")])
with steps[1]:
    chosen, params = ui_plan.settings(ctx)
inputs = ui_plan.load_inputs(ctx, chosen, params)
key = ui_plan.plan_key(ctx, chosen)
published = planning.load_plan(ctx.store, snap.snapshot_id)

# -- ① demand ----------------------------------------------------------------------------------------
with steps[0]:
    ui_plan.demand_step(ctx, inputs)
if inputs.groups.height == 0 or inputs.factories.height == 0:
    nothing = ctx.t(
        "planning.nothing_to_plan", groups=inputs.groups.height, factories=inputs.factories.height
    )
    for tab in steps[1:]:
        tab.info(nothing)
    st.stop()

# -- ② plan ------------------------------------------------------------------------------------------
with steps[1]:
    ui_job.collect()  # a solve that ended since the last run: its plans are this session's now
    result = ui_plan.current(key)
    running = ui_job.controls(ctx, inputs, key, chosen["time_limit"], result)  # button, or progress + Stop
    if result is None:
        st.info(ctx.t("plansteps.no_plan"))
        ui_plan.published_caption(ctx, published)
    else:
        st.caption(ctx.t("plansteps.cached", time=fmt.datetime(result["solved_at"], ctx.lang)))
        opt, greedy = result["optimal"], result["greedy"]
        opt.snapshot_id = snap.snapshot_id
        s_opt = planning.summary(opt, inputs)
        st.subheader(ctx.t("planning.compare_title"))
        ui_plan.headline(ctx, opt, greedy, s_opt)
        ui_plan.quality(ctx, opt)
        ui_plan.compare_table(ctx, {"optimal": s_opt, "greedy": planning.summary(greedy, inputs)})
        st.subheader(ctx.t("planning.schedule_title"))
        util = planning.utilisation_after(opt, inputs)
        if opt.schedule.height:  # the weeks up to the last one the plan uses (and one more)
            util = util.filter(
                pl.col("week_start") <= opt.schedule["week_start"].max() + dt.timedelta(weeks=1)
            )
        measure = st.radio(
            ctx.t("planning.heatmap_measure"),
            ["planned_pieces", "utilisation_after"],
            horizontal=True,
            format_func=lambda m: ctx.t(f"planning.col.{m}"),
            key="planning_heatmap_measure",
        )
        named = ui_plan.with_names(ctx, util, inputs)
        chart(ctx, schedule_heatmap(named, ctx.lang, measure), "planning_heatmap", scopes.of(ctx))
        chart(ctx, utilisation_weeks_figure(util, ctx.lang), "planning_weeks_chart")

# -- ③ check -----------------------------------------------------------------------------------------
problems: list[str] = []
with steps[2]:
    if result is None:
        st.info(ctx.t("plansteps.need_plan"))
    else:
        problems = planning.check_plan(opt, inputs)
        if problems:
            st.error(ctx.t("planning.check_failed", n=len(problems)) + " " + "; ".join(problems[:3]))
        ui_plan.unmet_section(ctx, opt, inputs)
        st.subheader(ctx.t("planning.deliveries_title"))
        deliveries = planning.deliveries_by_school(opt, inputs).drop("school_id")
        table(
            ctx,
            deliveries,
            list(deliveries.columns),
            "planning_deliveries_table",
            prefix="planning.col.",
            width="stretch",
        )

# -- ④ publish ---------------------------------------------------------------------------------------
with steps[3]:
    st.subheader(ctx.t("planning.work_orders_title"))
    ui_plan.published_caption(ctx, published, say_none=True)
    if result is None:
        st.info(ctx.t("plansteps.need_plan"))
        if published is not None:
            st.markdown(f"**{ctx.t('plansteps.published_orders')}**")
            ui_plan.work_orders(ctx, published, inputs)
    else:
        ui_plan.work_orders(ctx, opt, inputs)
        if st.button(ctx.t("planning.publish"), key="planning_publish", disabled=bool(problems)):
            planning.publish_plan(ctx.store, snap.snapshot_id, opt)
            st.toast(ctx.t("planning.published", n=fmt.count(opt.work_orders.height, ctx.lang)))
            st.rerun()

# -- what-if -----------------------------------------------------------------------------------------
with steps[4]:
    st.write(ctx.t("planning.whatif_intro"))
    if result is None:
        st.info(ctx.t("plansteps.need_plan"))
    else:
        # the form, or a scenario's progress and Stop (one job at a time per session)
        running = whatif.step(ctx, inputs, key, chosen["time_limit"], opt, s_opt) or running

ui_job.follow(ctx, running)  # last, so that every step is drawn while the solve runs
