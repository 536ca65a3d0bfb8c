"""Pooled planning (DESIGN §5.4, §7): optimal vs greedy plan, schedule, unmet demand, work orders, what-if."""

import datetime as dt
import hashlib
import json

import polars as pl
import streamlit as st

from supply.data.export import filename, to_csv_bytes, to_xlsx_bytes
from supply.i18n import fmt_cny, fmt_int, fmt_pct, label
from supply.planning import plan as planning
from supply.planning import whatif as planning_whatif
from supply.planning.charts import schedule_heatmap, utilisation_weeks_figure
from ui import context, data

ctx = context.get()
snap = ctx.require_snapshot()
st.title(ctx.t("page.planning"))
st.caption(ctx.t("app.snapshot_caption", sid=snap.snapshot_id, as_of=snap.as_of.isoformat()))
st.write(ctx.t("planning.intro"))
with st.expander(ctx.t("planning.cost_title")):
    st.markdown(ctx.t("planning.cost_text"))

# -- settings --------------------------------------------------------------------------------
with st.expander(ctx.t("planning.settings"), expanded=False):
    c1, c2, c3 = st.columns(3)
    members_only = c1.checkbox(ctx.t("planning.members_only"), value=True, key="planning_members_only")
    pooled_only = c1.checkbox(ctx.t("planning.pooled_only"), value=False, key="planning_pooled_only")
    transport = c2.number_input(
        ctx.t("planning.transport"),
        min_value=0.0,
        max_value=10.0,
        value=planning.TRANSPORT_CNY_PER_PIECE_KM,
        step=0.01,
        format="%.3f",
        key="planning_transport",
    )
    penalty = c2.number_input(
        ctx.t("planning.penalty"),
        min_value=1.0,
        max_value=1e6,
        value=planning.UNMET_PENALTY_CNY,
        step=100.0,
        key="planning_penalty",
    )
    max_km = c3.number_input(
        ctx.t("planning.max_km"), min_value=0.0, max_value=5000.0, value=0.0, step=10.0, key="planning_max_km"
    )
    time_limit = c3.number_input(
        ctx.t("planning.time_limit"),
        min_value=1.0,
        max_value=600.0,
        value=30.0,
        step=5.0,
        key="planning_time_limit",
    )
params = planning.PlanParams(
    transport_cny_per_piece_km=transport,
    unmet_penalty_cny=penalty,
    max_km=max_km or None,
    time_limit_s=time_limit,
)
start = planning.monday(snap.as_of)
member = True if members_only else None
factories = data.run(ctx, "planning_factories", cluster_id=ctx.cluster_id, member=member)
if pooled_only:
    factories = factories.filter(pl.col("pooled_planning"))
capacity = data.run(
    ctx,
    "planning_free_capacity",
    cluster_id=ctx.cluster_id,
    member=member,
    week_from=start,
    week_to=start + dt.timedelta(weeks=26),
)
capacity = capacity.filter(pl.col("factory_id").is_in(factories["factory_id"].implode()))
inputs = planning.inputs_from_frames(
    data.run(ctx, "planning_demand_groups"),
    data.run(ctx, "planning_demand_sizes"),
    factories,
    capacity,
    data.run(ctx, "planning_unit_prices", cluster_id=ctx.cluster_id),
    start,
    params,
)
for note in inputs.notes:
    st.caption("ℹ️ " + note)
if inputs.groups.height == 0 or inputs.factories.height == 0:
    st.info(ctx.t("planning.nothing_to_plan", groups=inputs.groups.height, factories=inputs.factories.height))
    st.stop()
st.caption(
    ctx.t(
        "planning.sizes",
        groups=fmt_int(inputs.groups.height, ctx.lang),
        pieces=fmt_int(inputs.groups["demand"].sum(), ctx.lang),
        factories=fmt_int(inputs.factories.height, ctx.lang),
        weeks=len(inputs.weeks),
    )
)

key = hashlib.sha256(
    json.dumps(
        [
            snap.snapshot_id,
            ctx.viewer.scope_key,
            ctx.cluster_id,
            members_only,
            pooled_only,
            transport,
            penalty,
            max_km,
            time_limit,
        ]
    ).encode()
).hexdigest()[:16]


def solve_both(inp: planning.PlanInputs, limit: float) -> dict:
    """Greedy and optimal plans, with a progress bar (long solves show where they are)."""
    bar = st.progress(0.0, text=ctx.t("planning.solving"))
    out = {"greedy": planning.solve(inp, "greedy")}
    out["optimal"] = planning.solve(
        inp,
        "optimal",
        time_limit=limit,
        progress=lambda f, m: bar.progress(min(1.0, f), text=f"{ctx.t('planning.solving')} {m}"),
    )
    bar.empty()
    return out


result = st.session_state.get("planning_result")
if result is None or result["key"] != key:
    with st.status(ctx.t("planning.solving"), expanded=True) as status:
        plans = solve_both(inputs, time_limit)
        status.update(label=ctx.t("planning.solved"), state="complete", expanded=False)
    result = {"key": key, **plans}
    st.session_state["planning_result"] = result
    st.session_state.pop("planning_scenarios", None)
opt, greedy = result["optimal"], result["greedy"]
opt.snapshot_id = snap.snapshot_id
problems = planning.check_plan(opt, inputs)
if problems:
    st.error(ctx.t("planning.check_failed", n=len(problems)) + " " + "; ".join(problems[:3]))

# -- optimal vs greedy ------------------------------------------------------------------------
st.subheader(ctx.t("planning.compare_title"))
s_opt, s_gr = planning.summary(opt, inputs), planning.summary(greedy, inputs)
cols = st.columns(4)
saving = opt.total_cost - greedy.total_cost
cols[0].metric(
    ctx.t("planning.total_cost"),
    fmt_cny(opt.total_cost, ctx.lang),
    ("-" if saving < 0 else "+") + fmt_cny(abs(saving), ctx.lang),
    delta_color="inverse",
)
cols[1].metric(
    ctx.t("planning.unmet"),
    fmt_int(opt.unmet_pieces, ctx.lang),
    f"{opt.unmet_pieces - greedy.unmet_pieces:+,}",
    delta_color="inverse",
)
cols[2].metric(
    ctx.t("planning.utilisation_after"),
    fmt_pct(s_opt["utilisation_after"]),
    f"{(s_opt['utilisation_after'] or 0) - (s_opt['utilisation_before'] or 0):+.1%}",
)
cols[3].metric(ctx.t("planning.factories_used"), fmt_int(s_opt["factories_used"], ctx.lang))
if opt.proven_optimal:
    st.success(ctx.t("planning.proven"))
elif opt.gap is not None:
    st.info(ctx.t("planning.gap", gap=fmt_pct(opt.gap, 2), status=ctx.t(f"planning.status.{opt.status}")))
rows = []
for name, s in (("optimal", s_opt), ("greedy", s_gr)):
    rows.append(
        {
            "method": ctx.t(f"planning.method.{name}"),
            "total_cost": round(s["total_cost"]),
            "production_cost": round(s["production_cost"]),
            "transport_cost": round(s["transport_cost"]),
            "penalty_cost": round(s["penalty_cost"]),
            "planned_pieces": s["planned_pieces"],
            "unmet_pieces": s["unmet_pieces"],
            "utilisation_after": fmt_pct(s["utilisation_after"]),
            "factories_used": s["factories_used"],
            "solve_seconds": round(s["solve_seconds"], 2),
        }
    )
compare = pl.DataFrame(rows)
st.dataframe(
    compare.rename({c: ctx.t(f"planning.col.{c}") for c in compare.columns}),
    hide_index=True,
    width="stretch",
    key="planning_compare_table",
)

# -- schedule and utilisation -------------------------------------------------------------------
st.subheader(ctx.t("planning.schedule_title"))
util = planning.utilisation_after(opt, inputs)
if opt.schedule.height:  # the weeks up to the last one the plan uses (and one more)
    util = util.filter(pl.col("week_start") <= opt.schedule["week_start"].max() + dt.timedelta(weeks=1))
measure = st.radio(
    ctx.t("planning.heatmap_measure"),
    ["planned_pieces", "utilisation_after"],
    horizontal=True,
    format_func=lambda m: ctx.t(f"planning.col.{m}"),
    key="planning_heatmap_measure",
)
st.plotly_chart(schedule_heatmap(util, ctx.lang, measure), key="planning_heatmap")
st.plotly_chart(utilisation_weeks_figure(util, ctx.lang), key="planning_weeks_chart")


def table(frame: pl.DataFrame, key: str, coded: dict | None = None) -> pl.DataFrame:
    """Show a frame with translated headers and coded values; return what was shown."""
    coded = coded or {}
    shown = frame.select(
        [
            (
                pl.col(c).map_elements(lambda v, k=coded[c]: label(k, v, ctx.lang), return_dtype=pl.String)
                if c in coded
                else pl.col(c).cast(pl.String)
                if frame.schema[c] == pl.Date
                else pl.col(c)
            ).alias(ctx.t(f"planning.col.{c}"))
            for c in frame.columns
        ]
    )
    st.dataframe(shown, hide_index=True, width="stretch", key=key)
    return shown


def downloads(frame: pl.DataFrame, report: str, key: str) -> None:
    """CSV and XLSX downloads through supply.data.export."""
    c1, c2 = st.columns(2)
    c1.download_button(
        ctx.t("planning.download_csv"),
        to_csv_bytes(frame),
        filename(report, ctx.cluster_id, snap.snapshot_id, "csv"),
        "text/csv",
        key=f"{key}_csv",
    )
    c2.download_button(
        ctx.t("planning.download_xlsx"),
        to_xlsx_bytes(frame, sheet=report[:31]),
        filename(report, ctx.cluster_id, snap.snapshot_id, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
    )


# -- unmet demand explained ----------------------------------------------------------------------
st.subheader(ctx.t("planning.unmet_title"))
why = planning.explain_unmet(opt, inputs)
if why.height == 0:
    st.success(ctx.t("planning.all_met"))
else:
    category = label("category", planning.CATEGORY, ctx.lang)
    for r in (
        why.group_by("school_id", "school_name", "deadline", "reason")
        .agg(
            pl.col("unmet_pieces").sum(),
            pl.col("shortfall_pieces").max(),
            pl.col("capacity_by_deadline").max(),
            pl.col("demand_by_deadline").max(),
            pl.col("short_by_date").max(),
        )
        .sort(["unmet_pieces", "school_id"], descending=[True, False])
        .head(5)
        .iter_rows(named=True)
    ):
        st.write(
            "• "
            + ctx.t(
                f"planning.why.{r['reason']}",
                school=r["school_name"] or r["school_id"],
                deadline=r["deadline"].isoformat(),
                unmet=fmt_int(r["unmet_pieces"], ctx.lang),
                category=category.lower() if ctx.lang == "en" else category,
                by=r["short_by_date"].isoformat(),
                capacity=fmt_int(r["capacity_by_deadline"], ctx.lang),
                demand=fmt_int(r["demand_by_deadline"], ctx.lang),
                short=fmt_int(r["shortfall_pieces"], ctx.lang),
            )
        )
    shown = table(
        why.with_columns(
            reason=pl.col("reason").map_elements(
                lambda c: ctx.t(f"planning.reason.{c}"), return_dtype=pl.String
            )
        ),
        "planning_unmet_table",
        {"garment": "garment", "category": "category"},
    )
    downloads(shown, "unmet_demand", "planning_unmet_export")

# -- deliveries per school -------------------------------------------------------------------------
st.subheader(ctx.t("planning.deliveries_title"))
table(planning.deliveries_by_school(opt, inputs), "planning_deliveries_table")

# -- work orders -------------------------------------------------------------------------------------
st.subheader(ctx.t("planning.work_orders_title"))
c1, c2 = st.columns(2)
used = opt.lines["factory_id"].unique().sort().to_list()
fid = c1.selectbox(ctx.t("planning.pick_factory"), used, key="planning_wo_factory") if used else None
schools = opt.lines["school_id"].unique().sort().to_list()
sid = c2.selectbox(ctx.t("planning.pick_school"), schools, key="planning_wo_school") if schools else None
if fid:
    st.caption(ctx.t("planning.wo_factory", factory=fid))
    shown = table(
        planning.work_orders_for_factory(opt, fid), "planning_wo_factory_table", {"garment": "garment"}
    )
    downloads(shown, f"work_orders_{fid}", "planning_wo_factory_export")
if sid:
    st.caption(ctx.t("planning.wo_school", school=sid))
    shown = table(
        planning.work_orders_for_school(opt, sid), "planning_wo_school_table", {"garment": "garment"}
    )
    downloads(shown, f"work_orders_{sid}", "planning_wo_school_export")
if st.button(ctx.t("planning.publish"), key="planning_publish", disabled=bool(problems)):
    planning.publish_plan(ctx.store, snap.snapshot_id, opt)
    st.success(ctx.t("planning.published", n=fmt_int(opt.work_orders.height, ctx.lang)))

# -- what-if scenarios ---------------------------------------------------------------------------------
st.subheader(ctx.t("planning.whatif_title"))
st.write(ctx.t("planning.whatif_intro"))
scenarios = st.session_state.setdefault("planning_scenarios", {})
fids = inputs.factories["factory_id"].to_list()
with st.form("planning_whatif_form"):
    name = st.text_input(
        ctx.t("planning.scenario_name"),
        value=f"{ctx.t('planning.scenario')} {len(scenarios) + 1}",
        max_chars=60,
        key="planning_scenario_name",
    )
    c1, c2 = st.columns(2)
    remove = c1.multiselect(ctx.t("planning.remove_factories"), fids, key="planning_remove")
    scale = c1.slider(ctx.t("planning.capacity_scale"), 0.0, 3.0, 1.0, 0.05, key="planning_scale")
    scale_only = c1.multiselect(ctx.t("planning.scale_only"), fids, key="planning_scale_only")
    shift = c2.number_input(ctx.t("planning.deadline_shift"), -60, 120, 0, 1, key="planning_shift")
    shift_only = c2.multiselect(
        ctx.t("planning.shift_only"),
        inputs.groups["school_id"].unique().sort().to_list(),
        key="planning_shift_only",
    )
    add = c2.checkbox(ctx.t("planning.add_factory"), key="planning_add")
    a1, a2, a3, a4 = st.columns(4)
    centre = inputs.factories.select(pl.col("lon").mean(), pl.col("lat").mean()).row(0)
    add_lon = a1.number_input(
        ctx.t("planning.lon"), value=round(centre[0], 4), format="%.4f", key="planning_add_lon"
    )
    add_lat = a2.number_input(
        ctx.t("planning.lat"), value=round(centre[1], 4), format="%.4f", key="planning_add_lat"
    )
    add_weekly = a3.number_input(
        ctx.t("planning.weekly_pieces"), 0, 1_000_000, 5000, 500, key="planning_add_weekly"
    )
    add_moq = a4.number_input(ctx.t("planning.moq"), 1, 100_000, 100, 50, key="planning_add_moq")
    b1, b2 = st.columns(2)
    add_lead = b1.number_input(ctx.t("planning.lead_days"), 0, 90, 7, 1, key="planning_add_lead")
    add_price = b2.number_input(
        ctx.t("planning.unit_price"),
        1.0,
        10_000.0,
        planning.DEFAULT_UNIT_PRICE,
        1.0,
        key="planning_add_price",
    )
    run_it = st.form_submit_button(ctx.t("planning.run_scenario"))
if run_it:
    added = (
        (
            planning_whatif.AddedFactory(
                "NEW-1",
                ctx.t("planning.new_factory"),
                add_lon,
                add_lat,
                int(add_weekly),
                int(add_moq),
                int(add_lead),
                float(add_price),
            ),
        )
        if add
        else ()
    )
    scen = planning_whatif.Scenario(
        name.strip() or f"{len(scenarios) + 1}",
        tuple(remove),
        float(scale),
        tuple(scale_only),
        int(shift),
        tuple(shift_only),
        added,
    )
    with st.status(ctx.t("planning.solving"), expanded=True) as status:
        changed = planning_whatif.apply(inputs, scen)
        bar = st.progress(0.0)
        plan = planning.solve(
            changed, "optimal", time_limit=time_limit, progress=lambda f, m: bar.progress(min(1.0, f), text=m)
        )
        status.update(label=ctx.t("planning.solved"), state="complete", expanded=False)
    scenarios[scen.name] = {**planning.summary(plan, changed), **scen.describe()}
if scenarios:
    base = {"name": ctx.t("planning.baseline"), **s_opt}
    rows = [base, *scenarios.values()]
    comp = pl.DataFrame(
        [
            {
                "scenario": r["name"],
                "total_cost": round(r["total_cost"]),
                "unmet_pieces": r["unmet_pieces"],
                "planned_pieces": r["planned_pieces"],
                "utilisation_after": fmt_pct(r["utilisation_after"]),
                "factories_used": r["factories_used"],
                "changes": ", ".join(
                    f"{k}={v}"
                    for k, v in r.items()
                    if k in ("remove_factories", "capacity_scale", "deadline_shift_days", "added")
                    and v not in ([], 1.0, 0, None)
                ),
            }
            for r in rows
        ]
    )
    table(comp, "planning_scenarios_table")
    drop = st.selectbox(ctx.t("planning.drop_scenario"), ["", *scenarios], key="planning_drop_pick")
    if st.button(ctx.t("planning.drop"), key="planning_drop", disabled=not drop):
        scenarios.pop(drop, None)
        st.rerun()
