"""What-if scenarios on screen: the form, the solve on request (a job with progress and Stop,
``ui.planning_job``), and the comparison described in words."""

from __future__ import annotations

import polars as pl
import streamlit as st

from supply.i18n import format as fmt
from supply.planning import plan as planning
from supply.planning import whatif
from ui import planning as ui_plan
from ui import planning_job as ui_job
from ui.planning import PREFIX, names
from ui.tables import Col, table

SCENARIOS = "planning_scenarios"  # session state: scenario name -> its summary row


def step(ctx, inputs: planning.PlanInputs, key: str, time_limit: float, base, s_base: dict):
    """The what-if step: the form, the running scenario's progress and Stop, what the last one
    left to say (stopped, its bound and gap), the comparison. The running job's Panel, if any."""
    scenarios = st.session_state.setdefault(SCENARIOS, {})
    form(ctx, inputs, len(scenarios), (inputs, key, time_limit, base))
    shown = ui_job.panel(ctx, ui_job.WHATIF, "planning_whatif")
    last = None if shown is not None else ui_job.notes(ctx, key, ui_job.WHATIF)
    if last is not None and last.optimal is not None and last.name in scenarios:
        st.caption(ctx.t("plansteps.whatif_quality", name=last.name))
        ui_plan.quality(ctx, last.optimal)
    if scenarios:
        comparison(ctx, s_base, scenarios)
    return shown


def form(ctx, inputs: planning.PlanInputs, n: int, run_args: tuple) -> None:
    """The scenario form (factories picked by name); submitting it starts the scenario's job
    (``start``, with ``run_args``), unless a job of this session runs already."""
    fn = names(inputs.factories, "factory_id", "name")
    sn = names(inputs.groups, "school_id", "school_name")
    fids, sids = list(fn), inputs.groups["school_id"].unique().sort().to_list()
    disabled = ui_job.busy(ctx, ui_job.WHATIF)
    with st.form("planning_whatif_form"):
        st.text_input(
            ctx.t("planning.scenario_name"),
            value=f"{ctx.t('planning.scenario')} {n + 1}",
            max_chars=60,
            key="planning_scenario_name",
        )
        c1, c2 = st.columns(2)
        by_name = {"format_func": lambda f: fn.get(f, f), "placeholder": ctx.t("widget.choose")}
        c1.multiselect(ctx.t("planning.remove_factories"), fids, key="planning_remove", **by_name)
        c1.slider(ctx.t("planning.capacity_scale"), 0.0, 3.0, 1.0, 0.05, key="planning_scale")
        c1.multiselect(ctx.t("planning.scale_only"), fids, key="planning_scale_only", **by_name)
        c2.number_input(ctx.t("planning.deadline_shift"), -60, 120, 0, 1, key="planning_shift")
        c2.multiselect(
            ctx.t("planning.shift_only"),
            sids,
            key="planning_shift_only",
            format_func=lambda s: sn.get(s, s),
            placeholder=ctx.t("widget.choose"),
        )
        c2.checkbox(ctx.t("planning.add_factory"), key="planning_add")
        a1, a2, a3, a4, a5, a6 = st.columns(6)
        lon0, lat0 = inputs.factories.select(pl.col("lon").mean(), pl.col("lat").mean()).row(0)
        a1.number_input(ctx.t("planning.lon"), value=round(lon0, 4), format="%.4f", key="planning_add_lon")
        a2.number_input(ctx.t("planning.lat"), value=round(lat0, 4), format="%.4f", key="planning_add_lat")
        a3.number_input(ctx.t("planning.weekly_pieces"), 0, 1_000_000, 5000, 500, key="planning_add_weekly")
        a4.number_input(ctx.t("planning.moq"), 1, 100_000, 100, 50, key="planning_add_moq")
        a5.number_input(ctx.t("planning.lead_days"), 0, 90, 7, 1, key="planning_add_lead")
        a6.number_input(
            ctx.t("planning.unit_price"),
            1.0,
            10_000.0,
            planning.DEFAULT_UNIT_PRICE,
            1.0,
            key="planning_add_price",
        )
        st.form_submit_button(
            ctx.t("planning.run_scenario"), on_click=start, args=(ctx, n, *run_args), disabled=disabled
        )


def scenario(ctx, n: int) -> whatif.Scenario:
    """The Scenario the submitted form describes (its widgets' values in the session state)."""
    v = st.session_state
    new = whatif.AddedFactory(
        "NEW-1",
        ctx.t("planning.new_factory"),
        v["planning_add_lon"],
        v["planning_add_lat"],
        int(v["planning_add_weekly"]),
        int(v["planning_add_moq"]),
        int(v["planning_add_lead"]),
        float(v["planning_add_price"]),
    )
    return whatif.Scenario(
        v["planning_scenario_name"].strip() or str(n + 1),
        tuple(v["planning_remove"]),
        float(v["planning_scale"]),
        tuple(v["planning_scale_only"]),
        int(v["planning_shift"]),
        tuple(v["planning_shift_only"]),
        (new,) if v["planning_add"] else (),
    )


def start(ctx, n: int, inputs: planning.PlanInputs, key: str, time_limit: float, base) -> None:
    """The form's callback: plan the scenario in a job, a re-plan of the ``base`` plan (kept
    where it still fits and repaired, from its flow's prices) with progress and Stop."""
    scen = scenario(ctx, n)
    changed = whatif.apply(inputs, scen)

    words = describe(ctx, scen, inputs)
    extra = {"inputs": changed, "changes": words}
    job = ui_job.Job(key, time_limit, ui_job.WHATIF, scen.name, finish, extra)
    ui_job.start(job, lambda j: j.optimise(changed, warm=base, replan=base is not None))


def finish(job: ui_job.Job) -> None:
    """A scenario's job has ended: its plan (the best so far, when stopped) joins the comparison,
    while the plan it was made from is still this session's."""
    result = st.session_state.get("planning_result")
    if job.optimal is None or result is None or result["key"] != job.key:
        return
    row = planning.summary(job.optimal, job.extra["inputs"])
    scenarios = st.session_state.setdefault(SCENARIOS, {})
    scenarios[job.name] = {"name": job.name, **row, "changes": job.extra["changes"], "stopped": job.stopped}


def comparison(ctx, baseline: dict, scenarios: dict) -> None:
    """The baseline and every scenario side by side, with a way to drop one."""
    rows = [{"name": ctx.t("planning.baseline"), **baseline, "changes": ctx.t("plansteps.change.none")}]
    cols = [
        "name",
        "total_cost",
        "gap",
        "unmet_pieces",
        "planned_pieces",
        "utilisation_after",
        "factories_used",
    ]
    frame = pl.DataFrame(
        [{c: r.get(c) for c in [*cols, "changes"]} for r in [*rows, *scenarios.values()]]
    ).with_columns(  # the gap to the bound as the quality sentence gives it (1e-4 is not "0%")
        pl.col("gap")
        .cast(pl.Float64)
        .map_elements(lambda g: fmt.pct(g, ctx.lang, 4), pl.String, skip_nulls=False)
    )
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
