"""What-if scenarios on screen: the form, the solve on request, and the comparison described in words."""

from __future__ import annotations

import polars as pl
import streamlit as st

from supply.i18n import format as fmt
from supply.planning import plan as planning
from supply.planning import whatif
from ui.planning import PREFIX, names, solve_one
from ui.tables import Col, table


def form(ctx, inputs: planning.PlanInputs, n: int) -> whatif.Scenario | None:
    """The scenario form (factories picked by name); the Scenario when it was submitted."""
    fn = names(inputs.factories, "factory_id", "name")
    sn = names(inputs.groups, "school_id", "school_name")
    fids, sids = list(fn), inputs.groups["school_id"].unique().sort().to_list()
    with st.form("planning_whatif_form"):
        name = st.text_input(
            ctx.t("planning.scenario_name"),
            value=f"{ctx.t('planning.scenario')} {n + 1}",
            max_chars=60,
            key="planning_scenario_name",
        )
        c1, c2 = st.columns(2)
        by_name = {"format_func": lambda f: fn.get(f, f), "placeholder": ctx.t("widget.choose")}
        remove = c1.multiselect(ctx.t("planning.remove_factories"), fids, key="planning_remove", **by_name)
        scale = c1.slider(ctx.t("planning.capacity_scale"), 0.0, 3.0, 1.0, 0.05, key="planning_scale")
        scale_only = c1.multiselect(ctx.t("planning.scale_only"), fids, key="planning_scale_only", **by_name)
        shift = c2.number_input(ctx.t("planning.deadline_shift"), -60, 120, 0, 1, key="planning_shift")
        shift_only = c2.multiselect(
            ctx.t("planning.shift_only"),
            sids,
            key="planning_shift_only",
            format_func=lambda s: sn.get(s, s),
            placeholder=ctx.t("widget.choose"),
        )
        add = c2.checkbox(ctx.t("planning.add_factory"), key="planning_add")
        a1, a2, a3, a4, a5, a6 = st.columns(6)
        lon0, lat0 = inputs.factories.select(pl.col("lon").mean(), pl.col("lat").mean()).row(0)
        lon = a1.number_input(
            ctx.t("planning.lon"), value=round(lon0, 4), format="%.4f", key="planning_add_lon"
        )
        lat = a2.number_input(
            ctx.t("planning.lat"), value=round(lat0, 4), format="%.4f", key="planning_add_lat"
        )
        weekly = a3.number_input(
            ctx.t("planning.weekly_pieces"), 0, 1_000_000, 5000, 500, key="planning_add_weekly"
        )
        moq = a4.number_input(ctx.t("planning.moq"), 1, 100_000, 100, 50, key="planning_add_moq")
        lead = a5.number_input(ctx.t("planning.lead_days"), 0, 90, 7, 1, key="planning_add_lead")
        price = a6.number_input(
            ctx.t("planning.unit_price"),
            1.0,
            10_000.0,
            planning.DEFAULT_UNIT_PRICE,
            1.0,
            key="planning_add_price",
        )
        if not st.form_submit_button(ctx.t("planning.run_scenario")):
            return None
    new = whatif.AddedFactory(
        "NEW-1", ctx.t("planning.new_factory"), lon, lat, int(weekly), int(moq), int(lead), float(price)
    )
    return whatif.Scenario(
        name.strip() or str(n + 1),
        tuple(remove),
        float(scale),
        tuple(scale_only),
        int(shift),
        tuple(shift_only),
        (new,) if add else (),
    )


def run(ctx, inputs: planning.PlanInputs, scen: whatif.Scenario, time_limit: float, base=None) -> dict:
    """Plan the scenario (with progress; a re-plan of the ``base`` plan when given) and return its
    summary row."""
    changed = whatif.apply(inputs, scen)
    plan = solve_one(ctx, changed, time_limit, warm=base, replan=base is not None)
    return {"name": scen.name, **planning.summary(plan, changed), "changes": describe(ctx, scen, inputs)}


def comparison(ctx, baseline: dict, scenarios: dict) -> None:
    """The baseline and every scenario side by side, with a way to drop one."""
    rows = [{"name": ctx.t("planning.baseline"), **baseline, "changes": ctx.t("plansteps.change.none")}]
    cols = ["name", "total_cost", "unmet_pieces", "planned_pieces", "utilisation_after", "factories_used"]
    frame = pl.DataFrame([{c: r.get(c) for c in [*cols, "changes"]} for r in [*rows, *scenarios.values()]])
    spec = [Col("name", PREFIX + "scenario"), Col("total_cost", PREFIX + "total_cost", "money")]
    spec += [Col(c, PREFIX + c, "pct" if c == "utilisation_after" else None) for c in cols[2:]]
    table(
        ctx,
        frame,
        [*spec, Col("changes", "plansteps.col.changes")],
        key="planning_scenarios_table",
        width="stretch",
    )
    drop = st.selectbox(ctx.t("planning.drop_scenario"), ["", *scenarios], key="planning_drop_pick")
    if st.button(ctx.t("planning.drop"), key="planning_drop", disabled=not drop):
        scenarios.pop(drop, None)
        st.rerun()


def _listed(ctx, ids, names_of: dict, most: int = 3) -> str:
    """Up to ``most`` names joined in the language, with how many more."""
    shown = ctx.t("plansteps.list_sep").join(names_of.get(i, i) for i in list(ids)[:most])
    more = len(ids) - most
    return shown if more <= 0 else ctx.t("plansteps.and_more", names=shown, n=len(ids), more=more)


def describe(ctx, scen: whatif.Scenario, inputs: planning.PlanInputs) -> str:
    """A scenario's changes in words, in the chosen language, with names instead of ids."""
    fn, sn = names(inputs.factories, "factory_id", "name"), names(inputs.groups, "school_id", "school_name")
    parts = []
    if scen.remove_factories:
        parts.append(ctx.t("plansteps.change.remove", names=_listed(ctx, scen.remove_factories, fn)))
    if scen.capacity_scale != 1.0:
        x = f"{scen.capacity_scale:g}"
        some = scen.scale_factories
        parts.append(
            ctx.t("plansteps.change.scale_some", names=_listed(ctx, some, fn), x=x)
            if some
            else ctx.t("plansteps.change.scale", x=x)
        )
    if scen.deadline_shift_days:
        d = scen.deadline_shift_days
        text = ctx.t("plansteps.change.later" if d > 0 else "plansteps.change.earlier", d=abs(d))
        if scen.shift_schools:
            text += ctx.t("plansteps.change.some_schools", names=_listed(ctx, scen.shift_schools, sn))
        parts.append(text)
    for a in scen.added:
        parts.append(ctx.t("plansteps.change.add", name=a.name, weekly=fmt.count(a.weekly_pieces, ctx.lang)))
    return ctx.t("plansteps.sep").join(parts) or ctx.t("plansteps.change.none")
